// Checks a resource's `attributes` dict against its site's Attribute definitions,
// with NSoT's messages. Pure: the definitions are loaded by the caller.
import type { Constraints } from './attribute';
import type { FieldErrors } from '../validate';

export interface AttributeDef {
  id: number;
  name: string;
  required: boolean;
  multi: boolean;
  constraints: Constraints;
}

const pyRepr = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function checkOne(def: AttributeDef, v: unknown): string | null {
  if (typeof v !== 'string') return 'Attribute values must be a string type';
  const c = def.constraints;
  if (v === '' && !c.allow_empty) return `Attribute ${def.name} doesn't allow empty values`;
  // Python's re.match: anchored at the start only.
  if (c.pattern && !new RegExp(`^(?:${c.pattern})`).test(v)) return `Attribute value ${pyRepr(v)} for ${def.name} didn't match pattern: ${c.pattern}`;
  if (c.valid_values.length && !c.valid_values.includes(v)) return `Attribute value ${pyRepr(v)} for ${def.name} not a valid value: ${c.valid_values.join(', ')}`;
  return null;
}

/** Errors for one object's attributes; an empty object when valid. */
export function checkAttributes(attrs: unknown, defs: Map<string, AttributeDef>): FieldErrors {
  if (attrs === null || attrs === undefined) attrs = {};
  if (typeof attrs !== 'object' || Array.isArray(attrs)) return { attributes: ['Expected a dictionary of items.'] };
  for (const [name, value] of Object.entries(attrs as Record<string, unknown>)) {
    const def = defs.get(name);
    if (!def) return { attributes: [`Attribute name (${name}) does not exist.`] };
    if (def.multi) {
      if (!Array.isArray(value)) return { multi: ['Attribute values must be a list type'] };
      for (const v of value) { const e = checkOne(def, v); if (e) return { attributes: [e] }; }
    } else {
      const e = checkOne(def, value);
      if (e) return { attributes: [e] };
    }
  }
  const missing = [...defs.values()].filter((d) => d.required && !(d.name in (attrs as object))).map((d) => d.name).sort();
  if (missing.length) return { attributes: [`Missing required attributes: ${missing.join(', ')}`] };
  return {};
}

/** (name, value) rows of the value table; a multi attribute gives one row per element. */
export function valueRows(attrs: Record<string, string | string[]> | null | undefined): [string, string][] {
  const rows: [string, string][] = [];
  for (const [name, v] of Object.entries(attrs ?? {})) {
    for (const x of Array.isArray(v) ? v : [v]) rows.push([name, String(x)]);
  }
  return rows;
}
