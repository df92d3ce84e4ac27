// yabgp requests as GraphQL operations on the one schema (bgpPeers, bgpRouteLookup, the control
// mutations), run in the caller's context; GraphQL's error codes become yabgp's answers.
import type { GraphQLFormattedError } from 'graphql';
import type { RunningApp } from '../../src/http/app';
import type { GqlContext } from '../../src/graphql/context';
import type { RefusalReason } from '../../src/bgp/speaker-api/types';
import { CODES, YabgpError, refusal } from './errors';

/** What the dialect reads of a peer: enough for state, statistic, versions and the send paths. */
const PEER_FIELDS = `sessionType sessionId routerId state localAddress localAs remoteAddress remoteAs uptime
  downReason { kind direction code subcode codeName subcodeName communication detail time }
  statistics versions capabilities negotiated`;

const SESSION = '$type: String!, $id: ID!';
const AT = 'sessionType: $type, sessionId: $id';

export const DOCS = {
  peers: `query($address: String!, $router: ID) { bgpPeers(remoteAddress: $address, routerId: $router) { ${PEER_FIELDS} } }`,
  start: `mutation(${SESSION}) { bgpSessionStart(${AT}) }`,
  stop: `mutation(${SESSION}, $communication: String) { bgpSessionStop(${AT}, communication: $communication) }`,
  refresh: `mutation(${SESSION}, $afi: Int!, $safi: Int!, $subtype: Int!) { bgpRouteRefresh(${AT}, afi: $afi, safi: $safi, subtype: $subtype) }`,
  update: `mutation(${SESSION}, $attributes: JSON, $nlri: [String!], $withdraw: [String!]) { bgpSendUpdate(${AT}, attributes: $attributes, nlri: $nlri, withdraw: $withdraw) }`,
  raw: `mutation(${SESSION}, $hex: String!) { bgpSendRawUpdate(${AT}, hex: $hex) }`,
  lookup: `query(${SESSION}, $queries: [String!]!, $rib: String) { bgpRouteLookup(${AT}, queries: $queries, rib: $rib) { prefix attributes } }`,
} as const;

/** bgp-core's refusals in yabgp's own words (scripts match on them); others keep the core's message. */
function refusalText(r: RefusalReason | undefined): string | null {
  switch (r?.kind) {
    case 'not-established': return CODES.peerState;
    case 'already-started': return CODES.alreadyStarted;
    case 'idle-hold': return CODES.idleHold;
    case 'family-not-negotiated': return `address family unsupported, afi=${r.afi},safi=${r.safi}`;
    default: return null;
  }
}

/** The first message of a validation error's fields (the field name is GraphQL's, not yabgp's). */
function fieldMessage(e: GraphQLFormattedError): string {
  const fields = e.extensions?.fields as Record<string, string[]> | undefined;
  const first = fields ? Object.values(fields)[0]?.[0] : undefined;
  return first ?? e.message;
}

/** GraphQL's error codes in yabgp's terms: refusals answer 200 with `status: false`, as yabgp does. */
export function yabgpErrorOf(e: GraphQLFormattedError): YabgpError {
  switch (e.extensions?.code) {
    case 'CONFLICT': return refusal(refusalText(e.extensions?.reason as RefusalReason | undefined) ?? e.message);
    case 'BAD_USER_INPUT': return new YabgpError(400, fieldMessage(e));
    case 'NOT_FOUND': return new YabgpError(404, e.message);
    case 'SERVICE_UNAVAILABLE': return new YabgpError(503, e.message);
    case 'UNAUTHENTICATED': return new YabgpError(401, CODES.unauthorized);
    case 'FORBIDDEN': return new YabgpError(403, CODES.forbidden);
    default: return new YabgpError(500, CODES.sendFailed);
  }
}

export async function run<T>(running: RunningApp, ctx: GqlContext, doc: string, variables: Record<string, unknown>): Promise<T> {
  const r = await running.executor.run(doc, variables, ctx);
  if (r.errors?.length) throw yabgpErrorOf(r.errors[0]);
  return r.data as T;
}
