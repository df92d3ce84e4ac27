// Projection -> GraphQL selection set, and the renderer that turns the selected
// GraphQL data back into the REST representation. One shape per (model,
// projection), built once and cached: brief, fields and exclude are only a
// choice of which fields the document selects.
import type { ModelDescriptor } from '../../src/domain/model';
import { choiceLabel } from '../../src/domain/choices';
import { briefFields, fullFields, type RestField } from './fields';

/** Absolute URLs of objects, as the dialect spells them. */
export interface UrlBuilder {
  api(d: ModelDescriptor, id: number): string;
  ui(d: ModelDescriptor, id: number): string;
}

export interface Projection {
  brief?: boolean;
  fields?: string[];   // takes precedence over brief
  exclude?: string[];
}

type Item = Record<string, any>;
type Render = (item: Item, urls: UrlBuilder) => Record<string, unknown>;
/** One key's value in a representation. */
type Value = (item: Item, urls: UrlBuilder) => unknown;

export interface Shape {
  key: string;
  selection: string;   // the GraphQL selection set, braces included
  render: Render;
}

/** Nested objects inside nested objects stop at id/url/display: the brief lists never need more. */
const MAX_NESTING = 2;

const shapes = new Map<string, Shape>();

export function shapeFor(d: ModelDescriptor, p: Projection = {}): Shape {
  const key = `${d.name}|${p.fields ? `f:${p.fields.join(',')}` : p.brief ? 'brief' : 'full'}|${p.exclude?.join(',') ?? ''}`;
  const hit = shapes.get(key);
  if (hit) return hit;
  let fields: RestField[];
  let asked: Set<string>;
  if (p.fields) {
    asked = new Set(p.fields);
    fields = fullFields(d).filter((f) => asked.has(f.rest));
  } else {
    asked = new Set();
    fields = p.brief ? briefFields(d) : fullFields(d);
  }
  if (p.exclude?.length) {
    const drop = new Set(p.exclude);
    fields = fields.filter((f) => !drop.has(f.rest));
  }
  const shape = compile(d, fields, 0, (f) => !f.heavy || asked.has(f.rest), true);
  const out = { key, ...shape };
  shapes.set(key, out);
  return out;
}

/** The related-object representation (Peering Manager's nested serializers): plain choices. */
function nested(d: ModelDescriptor, depth: number): { selection: string; render: Render } {
  const fields = depth >= MAX_NESTING ? briefFields(d).filter((f) => ['id', 'url', 'display'].includes(f.kind)) : briefFields(d);
  return compile(d, fields, depth, (f) => !f.heavy, false);
}

function compile(d: ModelDescriptor, fields: RestField[], depth: number, load: (f: RestField) => boolean, objectChoices: boolean): { selection: string; render: Render } {
  const select = new Set<string>(['id']);
  const names: string[] = [];
  const values: Value[] = [];
  for (const f of fields) {
    names.push(f.rest);
    switch (f.kind) {
      case 'id':
        values.push((item) => Number(item.id));
        break;
      case 'url':
        values.push((item, urls) => urls.api(d, Number(item.id)));
        break;
      case 'display_url':
        values.push((item, urls) => urls.ui(d, Number(item.id)));
        break;
      case 'fk': case 'm2m': {
        const inner = nested(f.target!, depth + 1);
        select.add(`${f.gql} ${inner.selection}`);
        if (f.kind === 'fk') values.push((item, urls) => { const v = item[f.gql]; return v ? inner.render(v, urls) : null; });
        else values.push((item, urls) => ((item[f.gql] ?? []) as Item[]).map((v) => inner.render(v, urls)));
        break;
      }
      case 'choice': {
        if (!load(f)) { values.push(() => null); break; }
        select.add(f.gql);
        const set = f.meta!.choices!;
        // GraphQL carries every choice as a string; numeric sets (address families) are numbers in REST.
        const numeric = typeof set.values[0]?.value === 'number';
        const value = (v: unknown) => (v === null || v === undefined ? null : numeric && v !== '' ? Number(v) : v);
        if (objectChoices && f.meta!.choiceStyle !== 'plain') {
          values.push((item) => {
            const v = value(item[f.gql]);
            return v === null ? null : { value: v, label: choiceLabel(set, v) ?? String(v) };
          });
        } else {
          values.push((item) => value(item[f.gql]));
        }
        break;
      }
      default:
        if (!load(f)) { values.push(() => null); break; }
        select.add(f.gql);
        values.push((item) => { const v = item[f.gql]; return v === undefined ? null : v; });
    }
  }
  return { selection: `{ ${[...select].join(' ')} }`, render: objectLiteral(names, values) };
}

/**
 * A renderer that builds the representation as one object literal of these keys, each value from
 * its function, in order (a key given twice keeps its first place and takes its last value, as
 * setting it twice did). Generated once per shape: every object of a page then has one hidden
 * class from the start and each call site one function, where setting the keys one by one
 * through a loop of closures took 2-3 times as long (a 50-AS page, in isolation: 150-220 us
 * against 55-95 us) and gave JSON.stringify slower objects.
 */
function objectLiteral(names: string[], values: Value[]): Render {
  // The keys are the descriptors' field names, written as JSON string literals; no value is in the source.
  if (names.includes('__proto__')) throw new Error('a REST field named __proto__'); // a literal would set the prototype
  const props = names.map((n, i) => `${JSON.stringify(n)}: values[${i}](item, urls)`);
  return new Function('values', `return function render(item, urls) { return { ${props.join(', ')} }; };`)(values) as Render;
}
