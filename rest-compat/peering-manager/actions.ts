// Peering Manager's custom actions (spec §6). PeerGate answers those it can
// honestly answer from its own data; the others need systems it does not run
// (NAPALM, IRR/bgpq, PeeringDB cache, IX-API, Jinja2 rendering, NetBox, RQ jobs)
// and are refused with 501 and a detail saying why. Never a fake success.
import { modelByContentType } from '../../src/domain/model';
import { RestError, detail } from '../core/errors';
import { loadObject } from './crud';
import { readable, writable, type Call } from './call';

export interface Action {
  contentType: string;     // the model the action hangs off
  name: string;            // the URL segment
  method: 'GET' | 'POST' | 'PATCH';
  detail: boolean;         // /<id>/<name>/ or /<name>/
  /** Implemented: returns [status, body]. Absent: 501 with `unavailable`. */
  run?: (call: Call, id: string) => Promise<[number, unknown]>;
  unavailable?: string;
}

const NAPALM = 'Polling and configuring routers through NAPALM is not available in PeerGate; live BGP session state comes from bgp-core (GraphQL subscription bgpSessionChanged).';
const JINJA = 'Rendering Jinja2 templates is not available in PeerGate.';
const IRR = 'Querying IRR databases (bgpq3/bgpq4) is not available in PeerGate.';
const PEERINGDB = 'The PeeringDB cache is not available through this API in PeerGate.';
const IXAPI = 'Calling IX-API endpoints is not available in PeerGate.';
const JOBS = 'Background jobs of this kind are not available in PeerGate.';

/** Cached IRR prefixes of an AS; querying IRR itself would need bgpq. */
async function asSetPrefixes(call: Call, id: string): Promise<[number, unknown]> {
  const ctx = await readable(call);
  const o = await loadObject(call, ctx, modelByContentType('peering.autonomoussystem')!, id, ['id', 'prefixes']);
  if (o.prefixes && typeof o.prefixes === 'object') return [200, o.prefixes];
  throw detail(501, `No cached prefixes for this autonomous system. ${IRR}`);
}

/** An IX not linked to PeeringDB has no available peers and no PeeringDB prefixes (Peering Manager answers [] / {}). */
function unlinkedIx(empty: unknown, why: string) {
  return async (call: Call, id: string): Promise<[number, unknown]> => {
    const ctx = await readable(call);
    const o = await loadObject(call, ctx, modelByContentType('peering.internetexchange')!, id, ['id', 'peeringdb_ixlan']);
    if (o.peeringdb_ixlan === null || o.peeringdb_ixlan === undefined) return [200, empty];
    throw detail(501, why);
  };
}

export const ACTIONS: Action[] = [
  { contentType: 'peering.autonomoussystem', name: 'poll-bgp-sessions', method: 'POST', detail: true, unavailable: NAPALM },
  { contentType: 'peering.autonomoussystem', name: 'sync-with-peeringdb', method: 'POST', detail: true, unavailable: PEERINGDB },
  { contentType: 'peering.autonomoussystem', name: 'as-set-prefixes', method: 'GET', detail: true, run: asSetPrefixes },
  { contentType: 'peering.autonomoussystem', name: 'shared-ixps', method: 'GET', detail: true, unavailable: 'User preferences (the affiliated AS of the user) are not available in PeerGate.' },
  { contentType: 'peering.autonomoussystem', name: 'shared-facilities', method: 'GET', detail: true, unavailable: PEERINGDB },
  { contentType: 'peering.autonomoussystem', name: 'generate-email', method: 'POST', detail: true, unavailable: JINJA },
  { contentType: 'peering.bgpgroup', name: 'poll-bgp-sessions', method: 'POST', detail: true, unavailable: NAPALM },
  { contentType: 'peering.directpeeringsession', name: 'encrypt-password', method: 'POST', detail: true, unavailable: 'Encrypting passwords with a platform cipher is not available in PeerGate.' },
  { contentType: 'peering.directpeeringsession', name: 'poll', method: 'POST', detail: true, unavailable: NAPALM },
  { contentType: 'peering.internetexchangepeeringsession', name: 'encrypt-password', method: 'POST', detail: true, unavailable: 'Encrypting passwords with a platform cipher is not available in PeerGate.' },
  { contentType: 'peering.internetexchangepeeringsession', name: 'poll', method: 'POST', detail: true, unavailable: NAPALM },
  { contentType: 'peering.internetexchange', name: 'link-to-peeringdb', method: 'POST', detail: true, unavailable: PEERINGDB },
  { contentType: 'peering.internetexchange', name: 'available-peers', method: 'GET', detail: true, run: unlinkedIx([], PEERINGDB) },
  { contentType: 'peering.internetexchange', name: 'import-sessions', method: 'POST', detail: true, unavailable: PEERINGDB },
  { contentType: 'peering.internetexchange', name: 'prefixes', method: 'GET', detail: true, run: unlinkedIx({}, PEERINGDB) },
  { contentType: 'peering.internetexchange', name: 'poll-bgp-sessions', method: 'POST', detail: true, unavailable: NAPALM },
  { contentType: 'net.connection', name: 'update-ixapi-mac', method: 'POST', detail: true, unavailable: IXAPI },
  { contentType: 'devices.router', name: 'configuration', method: 'GET', detail: true, unavailable: JINJA },
  { contentType: 'devices.router', name: 'poll-bgp-sessions', method: 'POST', detail: true, unavailable: NAPALM },
  { contentType: 'devices.router', name: 'test-napalm-connection', method: 'GET', detail: true, unavailable: NAPALM },
  { contentType: 'devices.router', name: 'configure', method: 'POST', detail: false, unavailable: NAPALM },
  { contentType: 'devices.router', name: 'push-datasource', method: 'POST', detail: false, unavailable: JOBS },
  { contentType: 'devices.router', name: 'update-from-netbox', method: 'POST', detail: false, unavailable: 'Receiving NetBox webhooks is not available in PeerGate.' },
  { contentType: 'core.datasource', name: 'synchronise', method: 'POST', detail: true, unavailable: JOBS },
  { contentType: 'extras.exporttemplate', name: 'render', method: 'GET', detail: true, unavailable: JINJA },
  { contentType: 'extras.exporttemplate', name: 'render-synchronous', method: 'GET', detail: true, unavailable: JINJA },
  { contentType: 'extras.ixapi', name: 'accounts', method: 'GET', detail: false, unavailable: IXAPI },
];

export function findAction(contentType: string, name: string, detailRoute: boolean): Action | undefined {
  return ACTIONS.find((a) => a.contentType === contentType && a.name === name && a.detail === detailRoute);
}

/** Runs an action: same permission rules as Peering Manager (write_enabled for unsafe methods), existence check first. */
export async function runAction(call: Call, a: Action, id: string | null): Promise<void> {
  const safe = ['GET', 'HEAD', 'OPTIONS'].includes(call.req.method);
  if (call.req.method !== a.method && !(a.method === 'GET' && call.req.method === 'HEAD')) {
    // Permission before the method check, as DRF does.
    await (safe ? readable(call) : writable(call));
    throw new RestError(405, { detail: `Method "${call.req.method}" not allowed.` });
  }
  const ctx = a.method === 'GET' ? await readable(call) : await writable(call);
  if (a.run) {
    const [status, body] = await a.run(call, id ?? '');
    call.reply.send(status, body);
    return;
  }
  if (id !== null) await loadObject(call, ctx, modelByContentType(a.contentType)!, id, ['id']);
  throw detail(501, a.unavailable ?? 'Not implemented.');
}

/** Plain views without a model (spec §1 and §6). */
export async function plainView(call: Call, app: string, path: string, rest: string[]): Promise<boolean> {
  if (app === 'extras' && path === 'prefix-list' && !rest.length) {
    await readable(call);
    const af = (call.params.get('af') ?? '4,6').split(',').map((s) => s.trim()).filter(Boolean);
    if (!af.length || af.some((x) => x !== '4' && x !== '6')) throw new RestError(400, { detail: 'Invalid af parameter, must be 4, 6 or both.' });
    const sets = (call.params.get('as-set') ?? '').split(',').map((s) => s.trim()).filter((s) => /^(AS\d+|\d+|[A-Za-z0-9:_-]*AS-[A-Za-z0-9:_-]+)$/i.test(s));
    if (!sets.length) throw new RestError(400, { detail: 'No valid IRR AS-SETs or AS numbers given.' });
    throw detail(501, IRR);
  }
  if (app === 'users' && path === 'userpref' && !rest.length) {
    await (call.req.method === 'GET' ? readable(call) : writable(call));
    throw detail(501, 'User preferences are not available in PeerGate.');
  }
  if (app === 'peeringdb' && path === 'cache') {
    await (call.req.method === 'GET' ? readable(call) : writable(call));
    throw detail(501, PEERINGDB);
  }
  return false;
}
