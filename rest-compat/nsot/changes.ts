// /changes/: the ObjectChange log of the inventory models, in NSoT's Change shape
// (event, change_at epoch seconds, user {id, email}, site, resource_name/id/resource).
import { NsotError, notFound } from './errors';
import { run, send, type Call } from './call';
import { pageLinks } from '../core/pagination';

const TYPES: Record<string, string> = {
  'inventory.site': 'Site', 'inventory.attribute': 'Attribute', 'inventory.device': 'Device',
  'inventory.network': 'Network', 'inventory.interface': 'Interface', 'inventory.circuit': 'Circuit',
};
const EVENTS: Record<string, string> = { create: 'Create', update: 'Update', delete: 'Delete' };

const DOC = `query($filter: ObjectChangeFilter, $limit: Int, $offset: Int) {
  objectChanges(filter: $filter, limit: $limit, offset: $offset, ordering: ["-time", "-id"]) { totalCount items {
    id time action changedObjectType changedObjectId user { id email } prechangeData postchangeData } } }`;
const SITES = `query($filter: SiteFilter) { sites(filter: $filter, limit: 0) { items { id name description } } }`;

type Item = Record<string, any>;

/** Snapshot keys (model field names) -> NSoT's names. */
function resourceOf(data: Item | null): Item | null {
  if (!data) return null;
  const out: Item = {};
  for (const [k, v] of Object.entries(data)) out[k === 'site' ? 'site_id' : k === 'displayed' ? 'display' : k] = v;
  return out;
}

export async function changes(call: Call, segs: string[], siteId: number | null): Promise<void> {
  if (!['GET', 'HEAD'].includes(call.req.method)) throw new NsotError(405, `Method "${call.req.method}" not allowed.`);
  const [idText, action, ...rest] = segs;
  if (rest.length || (action !== undefined && action !== 'diff')) throw notFound();
  const filter: Item = { changedObjectType: { exact: Object.keys(TYPES) } };
  if (idText !== undefined) {
    if (!/^\d+$/.test(idText)) throw notFound();
    filter.id = { exact: [Number(idText)] };
  }
  const event = call.params.get('event');
  if (event) filter.action = { exact: [event.toLowerCase()] };
  const rn = call.params.get('resource_name');
  if (rn) filter.changedObjectType = { exact: Object.keys(TYPES).filter((t) => TYPES[t] === rn) };
  const rid = call.params.get('resource_id');
  if (rid && /^\d+$/.test(rid)) filter.changedObjectId = { exact: [Number(rid)] };
  const limitText = call.params.get('limit');
  const limit = limitText && /^\d+$/.test(limitText) ? Number(limitText) : 0;
  const offset = Number(call.params.get('offset') ?? 0) || 0;
  const data = (await run(call, DOC, { filter, limit, offset }, null)).objectChanges as any;
  let items: Item[] = data.items;
  const siteOf = (c: Item) => Number((c.postchangeData ?? c.prechangeData)?.site ?? (c.changedObjectType === 'inventory.site' ? c.changedObjectId : 0)) || null;
  if (siteId !== null) items = items.filter((c) => siteOf(c) === siteId);
  const ids = [...new Set(items.map(siteOf).filter((x): x is number => !!x))];
  const sites = ids.length ? ((await run(call, SITES, { filter: { id: { exact: ids } } }, null)).sites as any).items as Item[] : [];
  const byId = new Map(sites.map((s) => [Number(s.id), { id: Number(s.id), name: s.name, description: s.description }]));
  const render = (c: Item) => ({
    id: Number(c.id), event: EVENTS[c.action] ?? c.action, change_at: Math.floor(new Date(c.time).getTime() / 1000),
    user: c.user ? { id: Number(c.user.id), email: c.user.email } : null,
    site: byId.get(siteOf(c) ?? -1) ?? null, resource_name: TYPES[c.changedObjectType], resource_id: Number(c.changedObjectId),
    resource: resourceOf(c.postchangeData ?? c.prechangeData),
  });
  if (idText !== undefined) {
    if (!items.length) throw new NsotError(404, `No such Change found at (id) = (${idText})`);
    const c = items[0];
    send(call, 200, action === 'diff' ? { event: EVENTS[c.action], before: resourceOf(c.prechangeData), after: resourceOf(c.postchangeData) } : render(c));
    return;
  }
  if (limitText !== null && limit > 0) {
    send(call, 200, { count: data.totalCount, ...pageLinks(`${call.base}${call.req.originalUrl}`, { limit, offset }, data.totalCount), results: items.map(render) });
    return;
  }
  send(call, 200, items.map(render));
}
