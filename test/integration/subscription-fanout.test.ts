// Subscription fan-out (issue 15 §3): an event is executed once for the subscribers that share
// document, variables and rights, and each subscriber still gets exactly what it got before:
// its own argument filters, only what its rights show, the same payload as its peers.
import { WebSocket } from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { ExecutionArgs } from 'graphql';
import { parse } from 'graphql';
import '../../src/domain';
import { startTestServer, type TestServer } from '../helpers/server';
import { shareKey } from '../../src/graphql/shared-subscribe';
import type { BgpSessionEvent, JobChangedEvent } from '../../src/events/bus';
import type { Caller } from '../../src/http/auth';
import type { User } from '../../src/domain/users/user';

const BGP = 'subscription($r: ID) { bgpSessionChanged(routerId: $r) { sessionId routerId state receivedPrefixCount time } }';
const JOBS = 'subscription { jobChanged { id name status userId } }';
/** Session ids from here on are the readiness markers, not the events under test. */
const MARKER = 900_000;

interface Sub { client: Client; got: any[] }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function bgpEvent(sessionId: number, routerId: number): BgpSessionEvent {
  return {
    sessionType: 'peering.directpeeringsession', sessionId, routerId, remoteAddress: '192.0.2.1', remoteAs: 64500,
    state: 'established', previousState: 'openconfirm', uptime: 0, receivedPrefixCount: sessionId, advertisedPrefixCount: 0,
    messagesIn: 0, messagesOut: 0, lastError: null, staleFamilies: [], source: 'speaker', time: new Date().toISOString(),
  };
}

function jobEvent(id: number, userId: number): JobChangedEvent {
  return { id, jobId: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`, name: 'fanout.test', status: 'running', objectType: 'core.job', objectId: null, userId, started: null, completed: null };
}

describe('subscription fan-out', () => {
  let s: TestServer;
  let alice: { id: number; key: string; roKey: string };
  let bob: { id: number; key: string };
  const clients: Client[] = [];

  beforeAll(async () => {
    s = await startTestServer('pglite');
    const user = async (username: string) => {
      const id = Number((await s.gql(`mutation { createUser(input: { username: "${username}", email: "${username}@example.net" }) { id } }`)).data.createUser.id);
      const key = (await s.gql(`mutation { createToken(input: { userId: ${id} }) { key } }`)).data.createToken.key;
      const roKey = (await s.gql(`mutation { createToken(input: { userId: ${id}, writeEnabled: false }) { key } }`)).data.createToken.key;
      return { id, key, roKey };
    };
    alice = await user('fan-alice');
    bob = await user('fan-bob');
  });
  // Each test counts executions: the subscribers of the one before must be gone.
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.dispose()));
    await sleep(200);
  });
  afterAll(async () => { await s?.close(); });

  const subscribe = (token: string, query: string, variables: Record<string, unknown> = {}): Sub => {
    const client = createClient({ url: `${s.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Token ${token}` } });
    clients.push(client);
    const sub: Sub = { client, got: [] };
    client.subscribe({ query, variables }, { next: (v) => { sub.got.push(v); }, error: (e) => { sub.got.push({ error: e }); }, complete: () => undefined });
    return sub;
  };

  /** Publishes markers until every subscriber has one (its subscription runs), then forgets them. */
  const untilLive = async (subs: Sub[], publishMarker: (n: number) => void) => {
    for (let n = 0; n < 100 && !subs.every((x) => x.got.length); n++) {
      publishMarker(MARKER + n);
      await sleep(100);
    }
    expect(subs.every((x) => x.got.length)).toBe(true);
    await sleep(100);
    for (const x of subs) x.got.length = 0;
  };

  const waitFor = async (subs: Sub[], counts: number[]) => {
    for (let n = 0; n < 100 && !subs.every((x, i) => x.got.length >= counts[i]); n++) await sleep(50);
    // Anything more than expected would still arrive: give it a moment to show up.
    await sleep(150);
  };

  const executions = async () => {
    const values = (await s.pg.http.metrics.subscriptionExecutions.get()).values;
    const of = (result: string) => values.find((v) => v.labels.result === result)?.value ?? 0;
    return { executed: of('executed'), shared: of('shared') };
  };

  test('subscribers with the same document, variables and rights share one execution and get the same payload', async () => {
    const subs = [subscribe(s.token, BGP), subscribe(s.token, BGP), subscribe(s.token, BGP)];
    await untilLive(subs, (n) => s.pg.bus.publishBgpSession(bgpEvent(n, 1)));
    const before = await executions();
    s.pg.bus.publishBgpSession(bgpEvent(1, 1));
    s.pg.bus.publishBgpSession(bgpEvent(2, 2));
    await waitFor(subs, [2, 2, 2]);
    const after = await executions();
    expect(after.executed - before.executed).toBe(2);
    expect(after.shared - before.shared).toBe(4);
    for (const x of subs) expect(x.got.map((v) => v.data.bgpSessionChanged.sessionId)).toEqual(['1', '2']);
    expect(JSON.stringify(subs[1].got)).toBe(JSON.stringify(subs[0].got));
    expect(JSON.stringify(subs[2].got)).toBe(JSON.stringify(subs[0].got));
    expect(subs[0].got[1].data.bgpSessionChanged).toMatchObject({ sessionId: '2', routerId: '2', state: 'ESTABLISHED', receivedPrefixCount: 2 });
  });

  test('argument filters still apply per subscriber, and different variables are executed apart', async () => {
    const all = subscribe(s.token, BGP);
    const one = subscribe(s.token, BGP, { r: '1' });
    const two = subscribe(s.token, BGP, { r: '2' });
    const oneAgain = subscribe(s.token, BGP, { r: '1' });
    await untilLive([all, one, two, oneAgain], (n) => { s.pg.bus.publishBgpSession(bgpEvent(n, 1)); s.pg.bus.publishBgpSession(bgpEvent(n, 2)); });
    const before = await executions();
    for (let i = 1; i <= 4; i++) s.pg.bus.publishBgpSession(bgpEvent(100 + i, i % 2 ? 1 : 2));
    await waitFor([all, one, two, oneAgain], [4, 2, 2, 2]);
    const ids = (x: Sub) => x.got.map((v) => v.data.bgpSessionChanged.sessionId);
    expect(ids(all)).toEqual(['101', '102', '103', '104']);
    expect(ids(one)).toEqual(['101', '103']);
    expect(ids(two)).toEqual(['102', '104']);
    expect(JSON.stringify(oneAgain.got)).toBe(JSON.stringify(one.got));
    // Per event: the unfiltered subscriber's execution, and one for the router's filtered pair or single.
    const after = await executions();
    expect(after.executed - before.executed).toBe(8);
    expect(after.shared - before.shared).toBe(2);
  });

  test('subscribers with different rights are executed apart and see only what their rights show', async () => {
    const admin = subscribe(s.token, JOBS);
    const aliceSub = subscribe(alice.key, JOBS);
    const aliceAgain = subscribe(alice.key, JOBS);
    const aliceReadOnly = subscribe(alice.roKey, JOBS);
    const bobSub = subscribe(bob.key, JOBS);
    await untilLive([admin, aliceSub, aliceAgain, aliceReadOnly], (n) => s.pg.bus.publishJob(jobEvent(n, alice.id)));
    await untilLive([bobSub], (n) => s.pg.bus.publishJob(jobEvent(n, bob.id)));
    for (const x of [admin, aliceSub, aliceAgain, aliceReadOnly]) x.got.length = 0;
    const before = await executions();
    s.pg.bus.publishJob(jobEvent(1, alice.id));
    s.pg.bus.publishJob(jobEvent(2, bob.id));
    await waitFor([admin, aliceSub, aliceAgain, aliceReadOnly, bobSub], [2, 1, 1, 1, 1]);
    const ids = (x: Sub) => x.got.map((v) => v.data.jobChanged.id);
    expect(ids(admin)).toEqual(['1', '2']);
    expect(ids(aliceSub)).toEqual(['1']);
    expect(ids(aliceAgain)).toEqual(['1']);
    expect(ids(aliceReadOnly)).toEqual(['1']);
    expect(ids(bobSub)).toEqual(['2']);
    // Alice's job: the admin, Alice's write token (shared by her two) and her read-only token apart;
    // Bob's job: the admin and Bob.
    const after = await executions();
    expect(after.executed - before.executed).toBe(5);
    expect(after.shared - before.shared).toBe(1);
  });

  test('a burst reaches every subscriber complete, in order and byte for byte the same', async () => {
    const subs = [subscribe(s.token, BGP), subscribe(s.token, BGP), subscribe(s.token, BGP, { r: '1' })];
    await untilLive(subs, (n) => s.pg.bus.publishBgpSession(bgpEvent(n, 1)));
    // Several messages per socket in one turn: they leave in one write (src/http/ws-batching.ts).
    for (let i = 1; i <= 300; i++) s.pg.bus.publishBgpSession(bgpEvent(1000 + i, 1));
    await waitFor(subs, [300, 300, 300]);
    const expected = Array.from({ length: 300 }, (_, i) => String(1001 + i));
    for (const x of subs) expect(x.got.map((v) => v.data.bgpSessionChanged.sessionId)).toEqual(expected);
    expect(JSON.stringify(subs[1].got)).toBe(JSON.stringify(subs[0].got));
    expect(JSON.stringify(subs[2].got)).toBe(JSON.stringify(subs[0].got));
  });

  test('a burst of events for different owners reaches each subscriber with exactly what its rights show, once and in order', async () => {
    const admin = subscribe(s.token, JOBS);
    const aliceSub = subscribe(alice.key, JOBS);
    const bobSub = subscribe(bob.key, JOBS);
    await untilLive([admin, aliceSub], (n) => s.pg.bus.publishJob(jobEvent(n, alice.id)));
    await untilLive([bobSub], (n) => s.pg.bus.publishJob(jobEvent(n, bob.id)));
    admin.got.length = 0;
    const owner = (i: number) => (i % 3 ? alice.id : bob.id);
    for (let i = 1; i <= 300; i++) s.pg.bus.publishJob(jobEvent(i, owner(i)));
    const ids = (x: Sub) => x.got.map((v) => Number(v.data.jobChanged.id));
    const expected = (keep: (i: number) => boolean) => Array.from({ length: 300 }, (_, k) => k + 1).filter(keep);
    await waitFor([admin, aliceSub, bobSub], [300, 200, 100]);
    expect(ids(admin)).toEqual(expected(() => true));
    expect(ids(aliceSub)).toEqual(expected((i) => owner(i) === alice.id));
    expect(ids(bobSub)).toEqual(expected((i) => owner(i) === bob.id));
  });

  test('graphql-transport-ws per subscription: own ids in shared frames, complete ends only that one, groups end with their sockets', async () => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const got: any[] = [];
    ws.on('message', (raw) => { const m = JSON.parse(raw.toString()); if (m.type !== 'ping') got.push(m); });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Token ${s.token}` } }));
    for (let n = 0; n < 100 && !got.some((m) => m.type === 'connection_ack'); n++) await sleep(20);
    const sessionIds = (id: string) => got.filter((m) => m.id === id && m.type === 'next').map((m) => Number(m.payload.data.bgpSessionChanged.sessionId));
    const live = async (ids: string[]) => {
      for (let n = 0; n < 100 && !ids.every((id) => sessionIds(id).length); n++) {
        s.pg.bus.publishBgpSession(bgpEvent(MARKER + n, 2));
        await sleep(100);
      }
      expect(ids.every((id) => sessionIds(id).length)).toBe(true);
      await sleep(100);
      got.length = 0;
    };
    const subscribeRaw = (id: string, variables: Record<string, unknown> = {}) => ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query: BGP, variables } }));
    try {
      subscribeRaw('a');
      subscribeRaw('b');
      subscribeRaw('c', { r: '2' });
      await live(['a', 'b', 'c']);
      const groups = async () => Number(/^peergate_subscription_groups (\d+)$/m.exec((await s.http('GET', '/metrics', {})).text ?? '')?.[1]);
      expect(await groups()).toBe(2);
      for (let i = 1; i <= 4; i++) s.pg.bus.publishBgpSession(bgpEvent(i, i % 2 ? 1 : 2));
      for (let n = 0; n < 100 && sessionIds('b').length < 4; n++) await sleep(50);
      // The client completes "a"; a subscription made after it shows that the server has read it.
      ws.send(JSON.stringify({ id: 'a', type: 'complete' }));
      subscribeRaw('d');
      for (let n = 0; n < 100 && !sessionIds('d').length; n++) {
        s.pg.bus.publishBgpSession(bgpEvent(MARKER + 100 + n, 1));
        await sleep(100);
      }
      const before = got.length;
      for (let i = 5; i <= 6; i++) s.pg.bus.publishBgpSession(bgpEvent(i, 1));
      for (let n = 0; n < 100 && got.slice(before).filter((m) => m.id === 'd').length < 2; n++) await sleep(50);
      await sleep(150);
      const events = (id: string) => sessionIds(id).filter((x) => x < MARKER);
      expect(events('a')).toEqual([1, 2, 3, 4]);
      expect(events('b')).toEqual([1, 2, 3, 4, 5, 6]);
      expect(events('c')).toEqual([2, 4]);
      expect(events('d')).toEqual([5, 6]);
      // A completion the client asked for is not answered; nothing else but next messages came.
      expect(got.filter((m) => m.type !== 'next')).toEqual([]);
      expect(new Set(got.map((m) => m.id))).toEqual(new Set(['a', 'b', 'c', 'd']));
      // A bad argument is refused when subscribing, for that subscription only.
      got.length = 0;
      ws.send(JSON.stringify({ id: 'bad', type: 'subscribe', payload: { query: 'subscription { bgpSessionChanged(sessionType: "bogus") { sessionId } }' } }));
      for (let n = 0; n < 100 && !got.some((m) => m.id === 'bad' && m.type === 'complete'); n++) await sleep(20);
      const bad = got.filter((m) => m.id === 'bad');
      expect(bad.map((m) => m.type)).toEqual(['next', 'complete']);
      expect(bad[0].payload.errors).toHaveLength(1);
      expect(bad[0].payload.errors[0].message).toMatch(/direct|ixp|sessionType/i);
      s.pg.bus.publishBgpSession(bgpEvent(7, 1));
      for (let n = 0; n < 100 && !sessionIds('b').includes(7); n++) await sleep(20);
      expect(sessionIds('b')).toEqual([7]);
      ws.close();
      for (let n = 0; n < 50 && (await groups()) !== 0; n++) await sleep(100);
      expect(await groups()).toBe(0);
    } finally {
      ws.terminate();
    }
  });

  test('a reader that stops reading is closed with 1013 once 16 MiB wait for it, after what it was sent, in order', async () => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const got: any[] = [];
    let closed = 0;
    ws.on('message', (raw) => { const m = JSON.parse(raw.toString()); if (m.type !== 'ping') got.push(m); });
    ws.on('close', (code) => { closed = code; });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Token ${s.token}` } }));
    for (let n = 0; n < 100 && !got.some((m) => m.type === 'connection_ack'); n++) await sleep(20);
    ws.send(JSON.stringify({ id: 'slow', type: 'subscribe', payload: { query: 'subscription { bgpSessionChanged { sessionId lastError } }' } }));
    for (let n = 0; n < 100 && !got.some((m) => m.type === 'next'); n++) {
      s.pg.bus.publishBgpSession(bgpEvent(MARKER + n, 1));
      await sleep(100);
    }
    got.length = 0;
    const raw = (ws as unknown as { _socket: import('node:net').Socket })._socket;
    raw.pause();
    // 100 kB events, a turn apart, until the server gives up on the reader (or 64 MiB were sent).
    for (let i = 1; i <= 640 && ws.readyState === WebSocket.OPEN; i++) {
      s.pg.bus.publishBgpSession({ ...bgpEvent(i, 1), lastError: 'x'.repeat(100_000) });
      await new Promise((r) => setImmediate(r));
      if (i % 20 === 0) await sleep(20);
    }
    raw.resume();
    for (let n = 0; n < 200 && !closed; n++) await sleep(50);
    expect(closed).toBe(1013);
    const ids = got.filter((m) => m.type === 'next').map((m) => Number(m.payload.data.bgpSessionChanged.sessionId));
    // Less than everything, and what came is the start of the stream, without gaps.
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(640);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, k) => k + 1));
  });

  test('the share key tells apart everything access.ts decides by', () => {
    const document = parse(BGP);
    const caller = (id: number, over: Partial<User> = {}, canWrite = true): Caller =>
      ({ user: { id, isSuperuser: false, isStaff: false, isActive: true, ...over } as User, token: null, error: null, canWrite });
    const key = (c: Caller | null, variables: Record<string, unknown> = {}, doc = document) =>
      shareKey({ document: doc, variableValues: variables, contextValue: c ? { caller: c } : undefined } as unknown as ExecutionArgs);
    // Superusers read every row of every model: they share.
    expect(key(caller(1, { isSuperuser: true }))).toBe(key(caller(2, { isSuperuser: true })));
    // Below that, owner rules (tokens, users) make each user its own reader.
    expect(key(caller(3))).not.toBe(key(caller(4)));
    expect(key(caller(3, { isStaff: true }))).not.toBe(key(caller(4, { isStaff: true })));
    expect(key(caller(3))).not.toBe(key(caller(3, { isStaff: true })));
    expect(key(caller(1, { isSuperuser: true }))).not.toBe(key(caller(1, { isSuperuser: true }), {}, parse(JOBS)));
    // A read-only credential sees no secrets: its own key.
    expect(key(caller(1, { isSuperuser: true }, false))).not.toBe(key(caller(1, { isSuperuser: true })));
    expect(key(caller(1, { isSuperuser: true }), { r: '1' })).not.toBe(key(caller(1, { isSuperuser: true }), { r: '2' }));
    // Refused credentials and anonymous callers differ; without a context nothing is shared.
    expect(key({ user: null, token: null, error: 'Invalid token', canWrite: false })).not.toBe(key({ user: null, token: null, error: null, canWrite: false }));
    expect(key(null)).toBe('');
  });
});
