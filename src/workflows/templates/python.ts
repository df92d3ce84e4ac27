// Printing as Peering Manager's Jinja2 prints: Python's str() of the value. Values arrive from
// MiniJinja as JS values (dicts and objects as Maps); model objects carry their display string.
import { orderedKeys } from './key-order';

export const REF = '@ref';
export const STR = '@str';
export const CLASS = '@class';

function get(v: unknown, k: string): unknown {
  return v instanceof Map ? v.get(k) : v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
}

export function isModel(v: unknown): boolean {
  return typeof get(v, REF) === 'string';
}

function reprString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  return q + (q === "'" ? body.replace(/'/g, "\\'") : body) + q;
}

/** Python's type name of a template value, as its error messages print it ('NoneType', 'str', a model's class). */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  return isModel(v) ? String((v as Record<string, unknown>)[CLASS]) : 'dict';
}

export function pyRepr(v: unknown, depth = 0): string {
  if (depth > 20) return '...';
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return reprString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, depth + 1)).join(', ')}]`;
  if (isModel(v)) return `<${get(v, CLASS)}: ${get(v, STR)}>`;
  const dict = v as Map<unknown, unknown> | Record<string, unknown>;
  const at = (k: string) => (dict instanceof Map ? dict.get(k) : dict[k]);
  return `{${orderedKeys(dict).filter((k) => !k.startsWith('@')).map((k) => `${pyRepr(k, depth + 1)}: ${pyRepr(at(k), depth + 1)}`).join(', ')}}`;
}

/** str(value); undefined prints nothing (Jinja2's Undefined). */
export function pyStr(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (isModel(v)) return String(get(v, STR));
  return pyRepr(v);
}
