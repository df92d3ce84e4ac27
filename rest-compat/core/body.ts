// A REST write body -> the GraphQL input of the model. Related objects become
// `<name>Id` (a PK) or `<name>` (a Ref of attributes); values are coerced the way
// Django REST framework does ("true", numeric strings) before GraphQL sees them,
// so every mistake is reported per field, all at once.
import { describe, type FieldMeta, type ModelDescriptor } from '../../src/domain/model';
import { inputNames, refFields, writableFields } from '../../src/domain/inputs';
import { fullFields } from './fields';
import { dict, FormBody, formObject } from './form';
import { validDate } from '../../src/domain/values';

export type FieldErrors = Record<string, string[]>;
export type Mode = 'create' | 'replace' | 'patch';

const INT32 = 2147483647;
const add = (e: FieldErrors, k: string, m: string) => { (e[k] ??= []).push(m); };

class Bad extends Error {}

/** Python's name for a JSON value's type, as DRF's messages show it. */
export function typeName(v: unknown): string {
  if (v === null) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'dict';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int' : 'float';
}

function toInt(f: Pick<FieldMeta, 'kind'>, v: unknown): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\s*-?\d+(\.0*)?\s*$/.test(v)) n = Number(v);
  else throw new Bad('A valid integer is required.');
  if (!Number.isInteger(n)) throw new Bad('A valid integer is required.');
  if (f.kind === 'int' && n > INT32) throw new Bad(`Ensure this value is less than or equal to ${INT32}.`);
  if (f.kind === 'int' && n < -INT32 - 1) throw new Bad(`Ensure this value is greater than or equal to ${-INT32 - 1}.`);
  if (!Number.isSafeInteger(n)) throw new Bad(n < 0 ? `Ensure this value is greater than or equal to ${-Number.MAX_SAFE_INTEGER}.` : `Ensure this value is less than or equal to ${Number.MAX_SAFE_INTEGER}.`);
  return n === 0 ? 0 : n; // -0 is 0
}

function toBool(v: unknown): boolean {
  if (v === true || v === false) return v;
  const s = typeof v === 'string' ? v.trim().toLowerCase() : typeof v === 'number' ? String(v) : null;
  if (s !== null && ['true', '1', 'yes', 'on', 't', 'y'].includes(s)) return true;
  if (s !== null && ['false', '0', 'no', 'off', 'f', 'n'].includes(s)) return false;
  throw new Bad('Must be a valid boolean.');
}

/** One scalar value as its GraphQL input type wants it. */
export function coerceScalar(f: FieldMeta, v: unknown): unknown {
  if (v === null) return null;
  switch (f.kind) {
    case 'int': case 'bigint': case 'asn': return toInt(f, v);
    case 'float': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) throw new Bad('A valid number is required.');
      return n;
    }
    case 'bool': return toBool(v);
    case 'json': return v;
    case 'choice': {
      if (typeof v === 'object') throw new Bad('Value must be passed directly (e.g. "foo": 123); do not use a dictionary or list.');
      const numeric = typeof f.choices?.values[0]?.value === 'number';
      if (numeric) {
        if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
        if (typeof v === 'number' && Number.isInteger(v)) return v;
        throw new Bad(`"${String(v)}" is not a valid choice.`);
      }
      return String(v);
    }
    case 'datetime':
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw new Bad('Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].');
      if (!validDate(v)) throw new Bad('Datetime out of range: years 1 to 9999 only.');
      return v;
    default:
      // CharField: numbers are accepted as their text, other types are not strings.
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return String(v);
      throw new Bad('Not a valid string.');
  }
}

const unrecognized = (v: unknown) => `Related objects must be referenced by numeric ID or by dictionary of attributes. Received an unrecognized value: ${JSON.stringify(v)}`;
const isPk = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0) || (typeof v === 'string' && /^\d+$/.test(v.trim()));

/** A dict of attributes -> the target's Ref input (REST names -> GraphQL names). */
function refInput(target: ModelDescriptor, attrs: Record<string, unknown>): Record<string, unknown> {
  const allowed = new Map(refFields(target).map((f) => [f.restName, f]));
  const out = dict<unknown>();
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'id') {
      if (!isPk(v)) throw new Bad(unrecognized(v));
      out.id = String(v).trim();
      continue;
    }
    const f = allowed.get(k);
    if (!f) throw new Bad(`Related object not found using the provided attributes: ${JSON.stringify(attrs)} ("${k}" is not an attribute of ${target.verboseName}).`);
    out[f.name] = coerceScalar(f, v);
  }
  if (!Object.keys(out).length) throw new Bad(unrecognized(attrs));
  return out;
}

/** What toInput looks keys up in, per model: the same for each of a bulk write's thousands of objects. */
interface BodyKeys {
  /** Writable fields by REST name. */
  writable: Map<string, FieldMeta>;
  /** Fields of the representation a client may send back unchanged (GET -> edit -> PUT). */
  ignored: Set<string>;
  /** Writable fields an object must carry, per mode but patch, in the writable fields' order. */
  required: Record<Exclude<Mode, 'patch'>, FieldMeta[]>;
}

const bodyKeysOf = new WeakMap<ModelDescriptor, BodyKeys>();

function bodyKeys(d: ModelDescriptor): BodyKeys {
  let keys = bodyKeysOf.get(d);
  if (!keys) {
    const writable = writableFields(d);
    const requiredOn = (mode: Mode) => writable.filter((f) => (f.required && (f.kind === 'fk' || f.default === undefined)) || (mode === 'create' && !!d.presentOnCreate?.includes(f.name)));
    keys = {
      writable: new Map(writable.map((f) => [f.restName, f])),
      ignored: new Set(fullFields(d).filter((f) => f.readOnly).map((f) => f.rest)),
      required: { create: requiredOn('create'), replace: requiredOn('replace') },
    };
    bodyKeysOf.set(d, keys);
  }
  return keys;
}

export interface Translated { input: Record<string, unknown>; errors: FieldErrors }

/** One REST object -> one GraphQL input. `mode` decides which fields are required. */
export function toInput(d: ModelDescriptor, body: unknown, mode: Mode): Translated {
  const errors = dict<string[]>();
  // Keyed by the descriptor's names only, never the client's: a plain object, which V8 keeps with
  // fast properties (one without a prototype is a hash table, slower to read for everything after:
  // variable coercion, choice names, the fields applied to each row of a bulk write).
  const input: Record<string, unknown> = {};
  if (body instanceof FormBody) {
    const form = formObject(d, body, mode === 'patch');
    Object.assign(errors, form.errors);
    body = form.body;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { input, errors: { non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName(body)}.`] } };
  }
  const obj = body as Record<string, unknown>;
  const { writable, ignored, required } = bodyKeys(d);
  for (const [key, value] of Object.entries(obj)) {
    const f = writable.get(key);
    if (!f) {
      if (!ignored.has(key)) add(errors, key, 'Unknown field.');
      continue;
    }
    try {
      if (f.kind === 'fk') {
        const names = inputNames(f);
        if (value === null) input[names.id!] = null;
        else if (isPk(value)) input[names.id!] = String(value).trim();
        else if (typeof value === 'object' && !Array.isArray(value)) input[names.ref] = refInput(describe(f.target!()), value as Record<string, unknown>);
        else throw new Bad(unrecognized(value));
      } else if (f.kind === 'm2m') {
        const names = inputNames(f);
        if (!Array.isArray(value)) throw new Bad(`Expected a list of items but got type "${typeName(value)}".`);
        const target = describe(f.target!());
        const ids: string[] = [];
        const refs: Record<string, unknown>[] = [];
        for (const item of value) {
          if (isPk(item)) ids.push(String(item).trim());
          else if (item && typeof item === 'object' && !Array.isArray(item)) refs.push(refInput(target, item as Record<string, unknown>));
          else throw new Bad(unrecognized(item));
        }
        input[names.id!] = ids;
        if (refs.length) input[names.ref] = refs;
      } else {
        input[f.name] = coerceScalar(f, value);
      }
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      add(errors, key, e.message);
    }
  }
  if (mode !== 'patch') {
    for (const f of required[mode]) if (!Object.hasOwn(obj, f.restName)) add(errors, f.restName, 'This field is required.');
  }
  return { input, errors };
}

/** A bulk update/delete item must carry an integer id. */
export function itemId(item: unknown): number | null {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return null;
  const id = (item as Record<string, unknown>).id;
  if (typeof id === 'number' && Number.isInteger(id) && id > 0) return id;
  if (typeof id === 'string' && /^\d+$/.test(id)) return Number(id);
  return null;
}
