import { type Rel } from '@mikro-orm/core';
import { Model, F, IdField } from '../model';
import { INVENTORY_ACCESS } from './access';
import { Site } from './site';
import { ResourceName } from './choices';

export interface Constraints { pattern: string; valid_values: string[]; allow_empty: boolean }

const DEFAULTS: Constraints = { pattern: '', valid_values: [], allow_empty: false };

/** Missing constraint keys get defaults; wrong types are errors (NSoT's ConstraintsField). */
export function checkConstraints(raw: unknown): { value: Constraints; errors: string[] } {
  const errors: string[] = [];
  if (raw === null || raw === undefined) return { value: { ...DEFAULTS }, errors };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { value: { ...DEFAULTS }, errors: ['Expected a dictionary of items.'] };
  const c = { ...DEFAULTS, ...(raw as Partial<Constraints>) };
  if (typeof c.pattern !== 'string') errors.push('pattern: Not a valid string.');
  else if (c.pattern) {
    try { new RegExp(c.pattern); } catch { errors.push(`pattern: Invalid regular expression: ${c.pattern}`); }
  }
  if (!Array.isArray(c.valid_values) || c.valid_values.some((v) => typeof v !== 'string')) errors.push('valid_values: Expected a list of strings.');
  if (typeof c.allow_empty !== 'boolean') errors.push('allow_empty: Must be a valid boolean.');
  const unknown = Object.keys(raw as object).filter((k) => !(k in DEFAULTS));
  if (unknown.length) errors.push(`Unknown constraints: ${unknown.join(', ')}`);
  return { value: { pattern: c.pattern, valid_values: c.valid_values, allow_empty: c.allow_empty }, errors };
}

/** A user-defined attribute of one resource type in one site. */
@Model<Attribute>({
  app: 'inventory',
  access: INVENTORY_ACCESS,
  display: (o) => `${o.resourceName}:${o.name}`,
  brief: ['id', 'name', 'resourceName'],
  ordering: ['id'],
  q: ['name', 'description'],
  uniqueTogether: [['site', 'resourceName', 'name']],
  compute: (o) => {
    if (o.required) o.displayed = true; // a required attribute is always displayed
    const { value, errors } = checkConstraints(o.constraints);
    if (!errors.length) o.constraints = value;
  },
  validate: (o) => {
    const { errors } = checkConstraints(o.constraints);
    return errors.length ? { constraints: errors } : {};
  },
})
export class Attribute {
  @IdField() id!: number;
  @F.fk(() => Site, { required: true, deleteRule: 'restrict', via: ['name'] }) site!: Rel<Site>;
  @F.string({ maxLength: 64, required: true, pattern: [/^[a-z][a-z0-9_]*$/, 'Attribute names must be lowercase letters, digits and underscores, starting with a letter.'] })
  name!: string;
  @F.string({ maxLength: 255, default: '' }) description: string = '';
  @F.choice(ResourceName, { required: true, choiceStyle: 'plain' }) resourceName!: string;
  @F.bool({ default: false }) required: boolean = false;
  @F.bool({ default: false, restName: 'display', help: 'Shown in listings (always true when required)' }) displayed: boolean = false;
  @F.bool({ default: false }) multi: boolean = false;
  @F.json({ objectOnly: true, default: { ...DEFAULTS } }) constraints: Constraints | null = { ...DEFAULTS };
}
