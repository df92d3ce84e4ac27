// `config_context`: the active config contexts assigned to an object, by (weight, name), deep-merged
// (later wins, lists replaced), then the object's local context data on top; None when both are empty.
// Peering Manager ignores `is_active` when merging (pm-workflows §0 #14); PeerGate honours it.
import type { Graph, Rec } from './graph';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

export function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Json, v) : v;
  return out;
}

export function mergedConfigContext(g: Graph, r: Rec): Json | null {
  const assigned = g.all('extras.configcontextassignment')
    .filter((a) => a.row.content_type === r.ct && Number(a.row.object_id) === r.id)
    .map((a) => ({ weight: a.row.weight as number, ctx: g.fk(a, 'config_context') }))
    .filter((a) => !!a.ctx?.row.is_active)
    .sort((a, b) => a.weight - b.weight || String(a.ctx!.row.name).localeCompare(String(b.ctx!.row.name)));
  let data: Json = {};
  for (const a of assigned) if (isObject(a.ctx!.row.data)) data = deepMerge(data, a.ctx!.row.data);
  if (isObject(r.row.local_context_data)) data = deepMerge(data, r.row.local_context_data);
  return Object.keys(data).length ? data : null;
}
