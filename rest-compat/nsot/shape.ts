// ?fields=, ?omit= and ?expand= -> one GraphQL selection set and a renderer,
// built once per (resource, projection) and cached. `expand` takes dot paths
// ("parent_id.parent_id", "device.site_id"); names that cannot expand are ignored.
import { resource, type Resource } from './resources';

type Item = Record<string, any>;
export type ExpandTree = Map<string, ExpandTree>;

export interface Projection { fields?: string[]; omit?: string[]; expand?: ExpandTree }

export interface Shape { selection: string; render: (item: Item) => Record<string, unknown> }

const MAX_DEPTH = 6; // deeper expansion is ignored: a cycle (parent_id.parent_id...) must end

const list = (v: string | null): string[] | undefined => (v === null ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean));

export function parseExpand(values: string[]): ExpandTree {
  const root: ExpandTree = new Map();
  for (const v of values.flatMap((x) => x.split(','))) {
    let node = root;
    for (const part of v.trim().split('.').filter(Boolean).slice(0, MAX_DEPTH)) {
      if (!node.has(part)) node.set(part, new Map());
      node = node.get(part)!;
    }
  }
  return root;
}

export function projectionFrom(params: URLSearchParams): Projection {
  const expand = params.getAll('expand');
  return { fields: list(params.get('fields')), omit: list(params.get('omit')), expand: expand.length ? parseExpand(expand) : undefined };
}

const treeKey = (t: ExpandTree | undefined): string => (t && t.size ? `{${[...t].sort(([a], [b]) => a.localeCompare(b)).map(([k, sub]) => `${k}${treeKey(sub)}`).join(',')}}` : '');

function compile(r: Resource, fields: Projection['fields'], omit: Projection['omit'], expand: ExpandTree | undefined): Shape {
  let out = r.out;
  if (fields) { const keep = new Set(fields); out = out.filter((f) => keep.has(f.name)); }
  if (omit) { const drop = new Set(omit); out = out.filter((f) => !drop.has(f.name)); }
  const selects: string[] = [];
  const steps: ((item: Item, o: Record<string, unknown>) => void)[] = [];
  for (const f of out) {
    const sub = expand?.get(f.name);
    const target = f.expand && sub ? resource(f.expand.target) : undefined;
    if (f.expand && sub && target) {
      // The related object in full, itself expanded by the rest of the path.
      const inner = compile(target, undefined, undefined, sub);
      selects.push(`${f.expand.rel} ${inner.selection}`);
      const rel = f.expand.rel;
      steps.push((item, o) => { o[f.name] = item[rel] ? inner.render(item[rel]) : null; });
    } else {
      selects.push(f.select);
      steps.push((item, o) => { o[f.name] = f.read(item); });
    }
  }
  return {
    selection: `{ ${selects.length ? selects.join(' ') : 'id'} }`,
    render: (item) => {
      const o: Record<string, unknown> = {};
      for (const s of steps) s(item, o);
      return o;
    },
  };
}

const cache = new Map<string, Shape>();

export function shapeFor(r: Resource, p: Projection = {}): Shape {
  const key = `${r.key}|${p.fields?.join(',') ?? '*'}|${p.omit?.join(',') ?? ''}|${treeKey(p.expand)}`;
  let s = cache.get(key);
  if (!s) {
    s = compile(r, p.fields, p.omit, p.expand);
    if (cache.size > 5000) cache.clear(); // projections come from clients: keep the cache bounded
    cache.set(key, s);
  }
  return s;
}
