// "app_label.model" references to other models (Django's content types), checked
// against the registered models.
import { modelByContentType } from '../model';

/** An error message when `value` names no model, else null. */
export function contentTypeError(value: unknown): string | null {
  if (typeof value !== 'string' || !modelByContentType(value)) return `Select a valid choice. ${String(value)} is not one of the available choices.`;
  return null;
}

/** Field errors for content-type fields that are set (unset ones are reported as required elsewhere). */
export function checkContentTypes(values: Record<string, unknown>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const [field, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    const e = contentTypeError(value);
    if (e) errors[field] = [e];
  }
  return errors;
}
