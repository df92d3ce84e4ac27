// Declares a BGP speaker router and one direct session through GraphQL, as an operator
// would, so the embedded worker runs it; plus a graphql-ws subscriber of session events.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestServer } from '../helpers/server';

export interface SessionSpec {
  localAsn: number;
  remoteAsn: number;
  routerIp: string;
  corePort: number;
  remoteIp: string;
  remotePort: number;
  /** Unique per server: names of the router/ASes. */
  tag: string;
}

export async function declareSession(s: Pick<TestServer, 'gql'>, o: SessionSpec): Promise<string> {
  const setup = await s.gql(`mutation {
    local: createAutonomousSystem(input: {asn: ${o.localAsn}, name: "local-${o.tag}"}) { id }
    remote: createAutonomousSystem(input: {asn: ${o.remoteAsn}, name: "remote-${o.tag}"}) { id }
    rel: createRelationship(input: {name: "Peer ${o.tag}", slug: "peer-${o.tag}"}) { id }
    platform: createPlatform(input: {name: "bgp-core ${o.tag}", slug: "bgp-core-${o.tag}"}) { id }
  }`);
  if (setup.errors) throw new Error(JSON.stringify(setup.errors));
  const router = await s.gql(`mutation { createRouter(input: {name: "pg-${o.tag}", hostname: "pg-${o.tag}", platformId: "${setup.data.platform.id}",
    localAutonomousSystemId: "${setup.data.local.id}", bgpSpeaker: true, routerId: "${o.routerIp}", bgpListenAddress: "${o.routerIp}", bgpListenPort: ${o.corePort}}) { id } }`);
  if (router.errors) throw new Error(JSON.stringify(router.errors));
  const session = await s.gql(`mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${setup.data.local.id}",
    autonomousSystemId: "${setup.data.remote.id}", ipAddress: "${o.remoteIp}", localIpAddress: "${o.routerIp}", relationshipId: "${setup.data.rel.id}",
    routerId: "${router.data.createRouter.id}", remotePort: ${o.remotePort}}) { id } }`);
  if (session.errors) throw new Error(JSON.stringify(session.errors));
  return session.data.createDirectPeeringSession.id;
}

export interface SessionEvent {
  sessionId: string; state: string; previousState: string | null; lastError: string | null;
  lastErrorCode: number | null; lastErrorSubcode: number | null; reason: string | null; messagesIn: number; receivedPrefixCount: number;
}

/** Subscribes to bgpSessionChanged and collects every event. */
export async function subscribeEvents(s: TestServer): Promise<{ client: Client; events: SessionEvent[] }> {
  const events: SessionEvent[] = [];
  const client = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Token ${s.token}` } });
  client.subscribe({ query: 'subscription { bgpSessionChanged { sessionId state previousState lastError lastErrorCode lastErrorSubcode reason messagesIn receivedPrefixCount } }' }, {
    next: (v) => { if (v.data?.bgpSessionChanged) events.push(v.data.bgpSessionChanged as unknown as SessionEvent); },
    error: () => undefined, complete: () => undefined,
  });
  await new Promise((r) => setTimeout(r, 300));
  return { client, events };
}

export const basic = (user: string, secret: string): string => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
