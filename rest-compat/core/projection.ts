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
  const steps: ((item: Item, out: Record<string, unknown>, urls: UrlBuilder) => void)[] = [];
  for (const f of fields) {
    const name = f.rest;
    switch (f.kind) {
      case 'id':
        steps.push((item, out) => { out[name] = Number(item.id); });
        break;
      case 'url':
        steps.push((item, out, urls) => { out[name] = urls.api(d, Number(item.id)); });
        break;
      case 'display_url':
        steps.push((item, out, urls) => { out[name] = urls.ui(d, Number(item.id)); });
        break;
      case 'fk': case 'm2m': {
        const inner = nested(f.target!, depth + 1);
        select.add(`${f.gql} ${inner.selection}`);
        if (f.kind === 'fk') steps.push((item, out, urls) => { const v = item[f.gql]; out[name] = v ? inner.render(v, urls) : null; });
        else steps.push((item, out, urls) => { out[name] = ((item[f.gql] ?? []) as Item[]).map((v) => inner.render(v, urls)); });
        break;
      }
      case 'choice': {
        if (!load(f)) { steps.push((_i, out) => { out[name] = null; }); break; }
        select.add(f.gql);
        const set = f.meta!.choices!;
        // GraphQL carries every choice as a string; numeric sets (address families) are numbers in REST.
        const numeric = typeof set.values[0]?.value === 'number';
        const value = (v: unknown) => (v === null || v === undefined ? null : numeric && v !== '' ? Number(v) : v);
        if (objectChoices && f.meta!.choiceStyle !== 'plain') {
          steps.push((item, out) => {
            const v = value(item[f.gql]);
            out[name] = v === null ? null : { value: v, label: choiceLabel(set, v) ?? String(v) };
          });
        } else {
          steps.push((item, out) => { out[name] = value(item[f.gql]); });
        }
        break;
      }
      default:
        if (!load(f)) { steps.push((_i, out) => { out[name] = null; }); break; }
        select.add(f.gql);
        steps.push((item, out) => { const v = item[f.gql]; out[name] = v === undefined ? null : v; });
    }
  }
  return {
    selection: `{ ${[...select].join(' ')} }`,
    render: (item, urls) => {
      const out: Record<string, unknown> = {};
      for (const s of steps) s(item, out, urls);
      return out;
    },
  };
}
