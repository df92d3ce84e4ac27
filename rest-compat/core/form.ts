// Form bodies (`application/x-www-form-urlencoded`, `multipart/form-data`), which Peering
// Manager's DRF parses besides JSON (`requests.post(url, data={...})` sends them). A form is
// flat text with repeated keys, so it becomes a model's JSON-like body the way DRF reads an
// HTML form: the last value of a key, every value of a many-to-many, JSON fields parsed from
// their text, '' as null for relations and nullable fields, and an absent boolean as false
// (an unticked checkbox) except on PATCH.
import type { ModelDescriptor } from '../../src/domain/model';
import { writableFields } from '../../src/domain/inputs';
import { jsonTextDepthExceeds, jsonTooDeep } from '../../src/domain/values';

/**
 * An object keyed by what a client sent (field names, parameters): no prototype, so a key
 * named `__proto__`, `constructor` or `toString` is an ordinary key and never reaches
 * Object.prototype. Every object the REST layers build from client keys starts as one.
 */
export const dict = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** A parsed form: its fields in order, repeated keys kept (Django's QueryDict). */
export class FormBody {
  constructor(readonly entries: readonly [string, string][]) {}

  has(key: string): boolean { return this.entries.some(([k]) => k === key); }
  all(key: string): string[] { return this.entries.filter(([k]) => k === key).map(([, v]) => v); }
  last(key: string): string | undefined { const a = this.all(key); return a[a.length - 1]; }
  keys(): string[] { return [...new Set(this.entries.map(([k]) => k))]; }

  /** Every key with its last value: the body of endpoints that are not a model's. */
  plain(): Record<string, string> {
    const out = dict<string>();
    for (const k of this.keys()) out[k] = this.last(k)!;
    return out;
  }
}

export class FormError extends Error {}

export function parseUrlencoded(text: string): FormBody {
  return new FormBody([...new URLSearchParams(text)]);
}

/** The text fields of a multipart body; file parts are left out (no model here takes a file). */
export function parseMultipart(text: string, contentType: string): FormBody {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw new FormError('Multipart form parse error - Invalid boundary in multipart: None');
  const parts = text.split(`--${boundary}`);
  if (parts.length < 3 || !parts[parts.length - 1].startsWith('--')) throw new FormError('Multipart form parse error - the closing boundary is missing');
  const entries: [string, string][] = [];
  for (const part of parts.slice(1, -1)) {
    const p = part.replace(/^\r\n/, '').replace(/\r\n$/, '');
    const split = p.indexOf('\r\n\r\n');
    if (split < 0) throw new FormError('Multipart form parse error - a part has no header');
    const headers = p.slice(0, split);
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? null;
    const name = disposition === null ? null : /;\s*name="((?:[^"\\]|\\.)*)"/i.exec(disposition)?.[1];
    if (name === undefined || name === null) throw new FormError('Multipart form parse error - a part has no name');
    if (/;\s*filename\*?=/i.test(disposition!)) continue;
    entries.push([name.replace(/\\(.)/g, '$1'), p.slice(split + 4)]);
  }
  return new FormBody(entries);
}

const TEXT = new Set(['string', 'text', 'choice']);

/**
 * A form read as a model's body, with the fields DRF would reject at this stage
 * (JSON that does not parse). Keys that are not writable fields pass through as they
 * are, so the JSON path reports them the same way.
 */
export function formObject(d: ModelDescriptor, form: FormBody, partial: boolean): { body: Record<string, unknown>; errors: Record<string, string[]> } {
  const body = dict<unknown>();
  const errors = dict<string[]>();
  const fields = new Map(writableFields(d).map((f) => [f.restName, f]));
  for (const key of form.keys()) if (!fields.has(key)) body[key] = form.last(key);
  for (const [key, f] of fields) {
    if (!form.has(key)) {
      if (f.kind === 'bool' && !partial) body[key] = false;
      continue;
    }
    if (f.kind === 'm2m') { body[key] = form.all(key).filter((v) => v !== ''); continue; }
    const v = form.last(key)!;
    if (v === '' && !TEXT.has(f.kind)) {
      // DRF: '' is None for relations and nullable fields, "not given" for optional ones;
      // a required one keeps it and fails as its type does.
      if (f.kind === 'fk' || f.nullable) body[key] = null;
      else if (f.kind === 'json' && f.required) errors[key] = ['Value must be valid JSON.'];
      else if (f.required) body[key] = v;
      continue;
    }
    if (f.kind === 'json') {
      // Checked on the text: a value nested past JSON_MAX_DEPTH is never built.
      if (jsonTextDepthExceeds(v)) { errors[key] = [jsonTooDeep()]; continue; }
      try { body[key] = JSON.parse(v); } catch { errors[key] = ['Value must be valid JSON.']; }
      continue;
    }
    body[key] = v;
  }
  return { body, errors };
}
