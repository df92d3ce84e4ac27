// OPTIONS on a resource: DRF's metadata (name, renders, parses, and the fields
// a POST takes with type/required/read_only), derived from the resource table.
import type { FieldMeta } from '../../src/domain/model';
import type { Resource } from './resources';

const TYPES: Partial<Record<FieldMeta['kind'], string>> = {
  id: 'integer', int: 'integer', bool: 'boolean', json: 'dict', choice: 'choice', prefix: 'string', fk: 'field', string: 'string', text: 'string',
};

const title = (s: string) => s.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

export function metadata(r: Resource, detail: boolean): Record<string, unknown> {
  const writable = new Map(r.create.map((f) => [f.name, f]));
  const fields: Record<string, unknown> = {};
  for (const out of r.out) {
    const w = writable.get(out.name);
    const meta = r.d.field(w?.gql ?? out.select.split(/[\s{]/)[0]);
    fields[out.name] = {
      type: meta ? TYPES[meta.kind] ?? 'string' : 'string',
      required: !!w && (meta?.required ?? false),
      read_only: !w,
      label: title(out.name),
      ...(meta?.choices ? { choices: meta.choices.values.map((c) => ({ value: c.value, display_name: c.label })) } : {}),
    };
  }
  return {
    name: `${r.label} ${detail ? 'Instance' : 'List'}`,
    description: '',
    renders: ['application/json'],
    parses: ['application/json'],
    actions: r.create.length ? { [detail ? 'PUT' : 'POST']: fields } : {},
  };
}
