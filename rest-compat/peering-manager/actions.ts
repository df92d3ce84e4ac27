// Peering Manager's custom actions (spec §6). PeerGate answers those it can
// honestly answer from its own data, its renders, its mirror and bgp-core; the others
// need systems it does not run (NAPALM, IRR/bgpq, IX-API, NetBox, data sources)
// and are refused with 501 and a detail saying why. Never a fake success.
import { modelByContentType } from '../../src/domain/model';
import { RestError, detail } from '../core/errors';
import { loadObject } from './crud';
import { body, readable, run, writable, type Call } from './call';
import { FormBody } from '../core/form';
import { CONFIGURE_RESPONSES, EMAIL_RESPONSES, RENDER_JOB_RESPONSES, RENDER_SYNC_RESPONSES, exportTemplateJob, configureRouters, exportTemplateSynchronous, generateEmail, routerConfiguration } from './rendering';
import { shapeFor, type Projection } from '../core/projection';
import { NO_AFFILIATED_AS, isPrivateAsn } from '../../src/workflows/peeringdb-actions';
import { RENDER_NETWORK_EMAIL_RESPONSES, renderNetworkEmail, updateLocalCache } from './peeringdb';
import { POLL_FAN_OUT_RESPONSES, POLL_ROUTER_RESPONSES, POLL_SESSION_RESPONSES, pollRouter, pollRoutersOf, pollSession } from './polling';
import { jobBody } from './jobs';
import { actionDocument, documentFor, type Doc } from '../core/documents';
import type { Job } from '../../src/domain/core/job';

/** Runs a GraphQL operation of the core for an action; its errors become DRF responses (404, 403, 503 ...). */
async function core<T = unknown>(call: Call, doc: Doc, variables: Record<string, unknown>, contentType?: string): Promise<T> {
  const ctx = await call.ctx();
  return run<T>(call, ctx, doc, variables, { d: contentType ? modelByContentType(contentType)! : null });
}

// Looked up when used: models register as their modules load.
const AS = () => modelByContentType('peering.autonomoussystem')!;
const IX = () => modelByContentType('peering.internetexchange')!;

const ENCRYPT_RESPONSES = { 200: 'The password is encrypted (no body)', 503: 'No router, no platform or the router does not encrypt passwords' };

/** POST …/{id}/encrypt-password/ (spec pm-workflows §5): 200 with no body, 503 when the router cannot encrypt. */
function encryptPasswordAction(mutation: string, contentType: string) {
  return async (call: Call, id: string): Promise<[number, unknown]> => {
    await core(call, actionDocument(mutation), { id }, contentType);
    return [200, undefined];
  };
}

/** The model's REST shape (projection as given) of objects a core operation returns. */
function restShape(contentType: string, p: Projection = {}) {
  return shapeFor(modelByContentType(contentType)!, p);
}

const notFound = (contentType: string) => detail(404, `No ${modelByContentType(contentType)!.className} matches the given query.`);

/** POST …/autonomous-systems/{id}/sync-with-peeringdb/ (§6.1): 200 synced or private ASN, 204 not in PeeringDB. */
async function syncWithPeeringdb(call: Call, id: string): Promise<[number, unknown]> {
  const as = await core<{ asn: number } | null>(call, documentFor('detail', AS(), '{ asn }'), { id });
  if (!as) throw notFound('peering.autonomoussystem');
  if (isPrivateAsn(as.asn)) return [200, undefined];
  try {
    await core(call, actionDocument('syncAutonomousSystemWithPeeringdb'), { id }, 'peering.autonomoussystem');
  } catch (e) {
    // Not in the mirror (the AS itself exists: read above), or the values do not fit the AS: PM answers 204.
    if (e instanceof RestError && (e.status === 404 || e.status === 400)) return [204, undefined];
    throw e;
  }
  return [200, undefined];
}

/** GET …/autonomous-systems/{id}/shared-ixps/ and shared-facilities/ (§6.1): 503 without an affiliated AS. */
function sharedWithAffiliated(field: 'sharedInternetExchanges' | 'sharedFacilities') {
  const shape = () => (field === 'sharedInternetExchanges' ? restShape('peering.internetexchange', { brief: true }) : restShape('peeringdb.pdbfacility'));
  return async (call: Call, id: string): Promise<[number, unknown]> => {
    const sh = shape();
    const as = await core<Record<string, any[]> | null>(call, documentFor('detail', AS(), `{ ${field} ${sh.selection} }`), { id });
    if (!as) throw notFound('peering.autonomoussystem');
    return [200, as[field].map((o) => sh.render(o, call.urls))];
  };
}

/** POST …/internet-exchanges/{id}/link-to-peeringdb/ (§6.2): 200 linked, 503 no or conflicting netixlans. */
async function linkToPeeringdb(call: Call, id: string): Promise<[number, unknown]> {
  await core(call, actionDocument('linkInternetExchangeToPeeringdb'), { id }, 'peering.internetexchange');
  return [200, undefined];
}

const AVAILABLE_PEER_FIELDS = ['id', 'asn', 'ipaddr4', 'ipaddr6', 'is_rs_peer', 'bfd_support', 'notes', 'speed', 'operational', 'net', 'ixlan', 'net_side', 'ix_side'];

/** GET …/internet-exchanges/{id}/available-peers/ (§6.2): PeeringDB netixlans worth a session; [] when not linked. */
async function availablePeers(call: Call, id: string): Promise<[number, unknown]> {
  const sh = restShape('peeringdb.pdbnetworkixlan', { fields: AVAILABLE_PEER_FIELDS });
  const ix = await core<{ availablePeers: any[] } | null>(call, documentFor('detail', IX(), `{ availablePeers ${sh.selection} }`), { id });
  if (!ix) throw notFound('peering.internetexchange');
  const idOf = (v: unknown) => (v && typeof v === 'object' ? (v as { id: unknown }).id : v);
  // PM's rows name the network and the IX LAN by id; the facility sides stay objects.
  return [200, ix.availablePeers.map((o) => {
    const row = sh.render(o, call.urls) as Record<string, unknown>;
    return { ...row, net: idOf(row.net), ixlan: idOf(row.ixlan) };
  })];
}

/** POST …/internet-exchanges/{id}/import-sessions/ (§6.2): 202 + Job peering.internet_exchange.import_sessions. */
async function importSessions(call: Call, id: string): Promise<[number, unknown]> {
  const job = await core<Job>(call, actionDocument('importInternetExchangePeeringSessions'), { id }, 'peering.internetexchange');
  return [202, await jobBody(call, job)];
}

const IMPORT_SESSIONS_RESPONSES = { 202: 'The queued job importing the BGP neighbours that the IX\'s routers report over BMP as IX peering sessions' };

/** GET …/internet-exchanges/{id}/prefixes/ (§6.2, deprecated in PM): the PeeringDB LAN's prefixes by family. */
async function ixPrefixes(call: Call, id: string): Promise<[number, unknown]> {
  const ix = await core<{ peeringdbPrefixes: unknown } | null>(call, documentFor('detail', IX(), '{ peeringdbPrefixes }'), { id });
  if (!ix) throw notFound('peering.internetexchange');
  return [200, ix.peeringdbPrefixes];
}

export interface Action {
  contentType: string;     // the model the action hangs off
  name: string;            // the URL segment
  method: 'GET' | 'POST' | 'PATCH';
  detail: boolean;         // /<id>/<name>/ or /<name>/
  /** Implemented: returns [status, body]. Absent: 501 with `unavailable`. */
  run?: (call: Call, id: string) => Promise<[number, unknown]>;
  unavailable?: string;
  /** Answers besides 403/404 for the OpenAPI document (status -> description); default 200. */
  responses?: Record<number, string>;
}

const NAPALM = 'Polling and configuring routers through NAPALM is not available in PeerGate; live BGP session state comes from bgp-core (GraphQL subscription bgpSessionChanged).';
const IRR = 'Querying IRR databases (bgpq3/bgpq4) is not available in PeerGate.';
const PEERINGDB = 'Of the PeeringDB cache endpoints, PeerGate answers update-local/ only (a peeringdb.synchronise job); its mirror is read at /pdb/api/ and /api/peeringdb/.';
const IXAPI = 'Calling IX-API endpoints is not available in PeerGate.';
const DATA_SOURCES = 'PeerGate keeps templates in its database and does not synchronise data sources (local directories, git repositories).';

/** Cached IRR prefixes of an AS; querying IRR itself would need bgpq. */
async function asSetPrefixes(call: Call, id: string): Promise<[number, unknown]> {
  const ctx = await readable(call);
  const o = await loadObject(call, ctx, modelByContentType('peering.autonomoussystem')!, id, ['id', 'prefixes']);
  if (o.prefixes && typeof o.prefixes === 'object') return [200, o.prefixes];
  throw detail(501, `No cached prefixes for this autonomous system. ${IRR}`);
}

export const ACTIONS: Action[] = [
  { contentType: 'peering.autonomoussystem', name: 'poll-bgp-sessions', method: 'POST', detail: true, run: pollRoutersOf('pollAutonomousSystemBgpSessions', 'peering.autonomoussystem'), responses: POLL_FAN_OUT_RESPONSES },
  { contentType: 'peering.autonomoussystem', name: 'sync-with-peeringdb', method: 'POST', detail: true, run: syncWithPeeringdb, responses: { 200: 'Synchronised (or a private ASN: nothing to do); no body', 204: 'No PeeringDB record for this ASN' } },
  { contentType: 'peering.autonomoussystem', name: 'as-set-prefixes', method: 'GET', detail: true, run: asSetPrefixes },
  { contentType: 'peering.autonomoussystem', name: 'shared-ixps', method: 'GET', detail: true, run: sharedWithAffiliated('sharedInternetExchanges'), responses: { 200: 'IXPs shared with the affiliated AS (nested)', 503: NO_AFFILIATED_AS } },
  { contentType: 'peering.autonomoussystem', name: 'shared-facilities', method: 'GET', detail: true, run: sharedWithAffiliated('sharedFacilities'), responses: { 200: 'PeeringDB facilities shared with the affiliated AS', 503: NO_AFFILIATED_AS } },
  { contentType: 'peering.autonomoussystem', name: 'generate-email', method: 'POST', detail: true, run: generateEmail, responses: EMAIL_RESPONSES },
  { contentType: 'peering.bgpgroup', name: 'poll-bgp-sessions', method: 'POST', detail: true, run: pollRoutersOf('pollBgpGroupBgpSessions', 'peering.bgpgroup'), responses: POLL_FAN_OUT_RESPONSES },
  { contentType: 'peering.directpeeringsession', name: 'encrypt-password', method: 'POST', detail: true, run: encryptPasswordAction('encryptDirectPeeringSessionPassword', 'peering.directpeeringsession'), responses: ENCRYPT_RESPONSES },
  { contentType: 'peering.directpeeringsession', name: 'poll', method: 'POST', detail: true, run: pollSession('pollDirectPeeringSession', 'peering.directpeeringsession'), responses: POLL_SESSION_RESPONSES },
  { contentType: 'peering.internetexchangepeeringsession', name: 'encrypt-password', method: 'POST', detail: true, run: encryptPasswordAction('encryptInternetExchangePeeringSessionPassword', 'peering.internetexchangepeeringsession'), responses: ENCRYPT_RESPONSES },
  { contentType: 'peering.internetexchangepeeringsession', name: 'poll', method: 'POST', detail: true, run: pollSession('pollInternetExchangePeeringSession', 'peering.internetexchangepeeringsession'), responses: POLL_SESSION_RESPONSES },
  { contentType: 'peering.internetexchange', name: 'link-to-peeringdb', method: 'POST', detail: true, run: linkToPeeringdb, responses: { 200: 'Linked (no body)', 503: 'No connection linked to a PeeringDB netixlan, or netixlans of different IX LANs' } },
  { contentType: 'peering.internetexchange', name: 'available-peers', method: 'GET', detail: true, run: availablePeers },
  { contentType: 'peering.internetexchange', name: 'import-sessions', method: 'POST', detail: true, run: importSessions, responses: IMPORT_SESSIONS_RESPONSES },
  { contentType: 'peering.internetexchange', name: 'prefixes', method: 'GET', detail: true, run: ixPrefixes },
  { contentType: 'peering.internetexchange', name: 'poll-bgp-sessions', method: 'POST', detail: true, run: pollRoutersOf('pollInternetExchangeBgpSessions', 'peering.internetexchange'), responses: POLL_FAN_OUT_RESPONSES },
  { contentType: 'net.connection', name: 'update-ixapi-mac', method: 'POST', detail: true, unavailable: IXAPI },
  { contentType: 'devices.router', name: 'configuration', method: 'GET', detail: true, run: routerConfiguration, responses: RENDER_JOB_RESPONSES },
  { contentType: 'devices.router', name: 'poll-bgp-sessions', method: 'POST', detail: true, run: pollRouter, responses: POLL_ROUTER_RESPONSES },
  { contentType: 'devices.router', name: 'test-napalm-connection', method: 'GET', detail: true, unavailable: NAPALM },
  { contentType: 'devices.router', name: 'configure', method: 'POST', detail: false, run: configureRouters, responses: CONFIGURE_RESPONSES },
  { contentType: 'devices.router', name: 'push-datasource', method: 'POST', detail: false, unavailable: DATA_SOURCES },
  { contentType: 'devices.router', name: 'update-from-netbox', method: 'POST', detail: false, unavailable: 'Receiving NetBox webhooks is not available in PeerGate.' },
  { contentType: 'core.datasource', name: 'synchronise', method: 'POST', detail: true, unavailable: DATA_SOURCES },
  { contentType: 'extras.exporttemplate', name: 'render', method: 'GET', detail: true, run: exportTemplateJob, responses: RENDER_JOB_RESPONSES },
  { contentType: 'extras.exporttemplate', name: 'render-synchronous', method: 'GET', detail: true, run: exportTemplateSynchronous, responses: RENDER_SYNC_RESPONSES },
  { contentType: 'extras.ixapi', name: 'accounts', method: 'GET', detail: false, unavailable: IXAPI },
  { contentType: 'peeringdb.pdbnetwork', name: 'render-email', method: 'POST', detail: false, run: renderNetworkEmail, responses: RENDER_NETWORK_EMAIL_RESPONSES },
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

/** GET / PATCH /api/users/userpref/ (spec §7): the caller's own preferences; PATCH deep-merges an object. */
async function userPreferences(call: Call): Promise<void> {
  const method = call.req.method;
  const safe = method === 'GET' || method === 'HEAD';
  await (safe ? readable(call) : writable(call));
  if (!safe && method !== 'PATCH') throw new RestError(405, { detail: `Method "${method}" not allowed.`, allow: ['GET', 'HEAD', 'PATCH'] });
  if (safe) {
    call.reply.send(200, await core(call, { text: '{ myPreferences }', root: 'myPreferences' }, {}));
    return;
  }
  const patch = await body(call);
  // PM answers a body that is not an object with a 500; here it is the client's error.
  if (patch === undefined || patch === null || patch instanceof FormBody) {
    throw new RestError(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${patch === undefined ? 'nothing' : patch === null ? 'null' : 'form data'}.`] });
  }
  call.reply.send(200, await core(call, { text: 'mutation($p: JSON!) { updateMyPreferences(preferences: $p) }', root: 'updateMyPreferences' }, { p: patch }));
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
    await userPreferences(call);
    return true;
  }
  if (app === 'peeringdb' && path === 'cache') {
    await (call.req.method === 'GET' ? readable(call) : writable(call));
    if (rest.length === 1 && rest[0] === 'update-local') {
      if (call.req.method !== 'POST') throw new RestError(405, { detail: `Method "${call.req.method}" not allowed.` });
      const [status, reply] = await updateLocalCache(call);
      call.reply.send(status, reply);
      return true;
    }
    throw detail(501, PEERINGDB);
  }
  return false;
}
