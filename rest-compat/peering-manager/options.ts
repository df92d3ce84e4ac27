// OPTIONS: Django REST framework's SimpleMetadata, derived from FieldMeta.
import type { FieldMeta, ModelDescriptor } from '../../src/domain/model';
import { fullFields, type RestField } from '../core/fields';

export interface FieldInfo {
  type: string;
  required: boolean;
  read_only: boolean;
  label: string;
  max_length?: number;
  min_value?: number;
  max_value?: number;
  help_text?: string;
  choices?: { value: string | number; display_name: string }[];
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
export const titleCase = (s: string) => s.split(' ').map(capitalise).join(' ');

function typeOf(f: RestField): string {
  switch (f.kind) {
    case 'id': return 'integer';
    case 'url': case 'display_url': return 'field';
    case 'display': case 'computed': return 'string';
    case 'fk': return 'nested object';
    case 'm2m': return 'list';
    case 'choice': return 'choice';
  }
  switch (f.meta!.kind) {
    case 'int': case 'bigint': case 'asn': return 'integer';
    case 'float': return 'float';
    case 'bool': return 'boolean';
    case 'json': return 'json';
    case 'datetime': return 'datetime';
    case 'ip': case 'prefix': return 'string';
    default: return 'string';
  }
}

/** Whether a write must carry this field (create / PUT). */
export function isRequired(d: ModelDescriptor, m: FieldMeta): boolean {
  if (m.readOnly) return false;
  return (!!m.required && (m.kind === 'fk' || m.default === undefined)) || !!d.presentOnCreate?.includes(m.name);
}

export function fieldInfo(d: ModelDescriptor, f: RestField): FieldInfo {
  const m = f.meta;
  const info: FieldInfo = {
    type: typeOf(f),
    required: m ? isRequired(d, m) : false,
    read_only: f.readOnly,
    label: m?.label ?? (f.rest === 'id' ? 'ID' : capitalise(f.rest.replace(/_/g, ' '))),
  };
  if (m?.maxLength && (m.kind === 'string' || m.kind === 'choice')) info.max_length = m.maxLength;
  if (m?.min !== undefined) info.min_value = m.min;
  if (m?.max !== undefined) info.max_value = m.max;
  if (m?.help) info.help_text = m.help;
  if (m?.choices && !f.readOnly) info.choices = m.choices.values.map((c) => ({ value: c.value, display_name: c.label }));
  return info;
}

/** The writable-and-read-only field map of one action (POST on a list, PUT on a detail). */
export function actionFields(d: ModelDescriptor): Record<string, FieldInfo> {
  const out: Record<string, FieldInfo> = {};
  for (const f of fullFields(d)) out[f.rest] = fieldInfo(d, f);
  for (const m of d.fields.filter((x) => x.writeOnly)) {
    out[m.restName] = { type: 'string', required: isRequired(d, m), read_only: false, label: m.label ?? capitalise(m.restName.replace(/_/g, ' ')) };
  }
  return out;
}

export function metadata(d: ModelDescriptor, detail: boolean, canWrite: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: titleCase(d.verboseName),
    description: '',
    renders: ['application/json', 'text/html'],
    parses: ['application/json'],
  };
  if (canWrite && !d.readOnly) out.actions = { [detail ? 'PUT' : 'POST']: actionFields(d) };
  return out;
}
