// Two gateways on one PostgreSQL server: a change made through one reaches a
// graphql-ws subscriber on the other, through LISTEN/NOTIFY (large payloads via the log),
// and events a gateway missed while its listening connection was down are replayed to it.
import { createClient, type Client } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { startPeerGate, type PeerGate } from '../../src/server';
import { PgBus } from '../../src/events/pg-bus';
import { freshDatabaseUrl } from '../helpers/db';
import { waitFor } from '../interop/daemons';

describe('event bus: gateways starting together on a fresh database', () => {
  test('each creates or finds the event log, none fails (several processes of one gateway start so)', async () => {
    for (let round = 0; round < 3; round++) {
      const fresh = await freshDatabaseUrl('postgres');
      const buses = await Promise.allSettled(Array.from({ length: 4 }, () => PgBus.connect(fresh)));
      for (const b of buses) if (b.status === 'fulfilled') await b.value.close();
      expect(buses.map((b) => (b.status === 'rejected' ? String(b.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);
    }
  }, 60_000);
});

describe('event bus over PostgreSQL', () => {
  const token = randomBytes(20).toString('hex');
  let a: PeerGate;
  let b: PeerGate;
  let url: string;
  let config: ReturnType<typeof loadConfig>;
  beforeAll(async () => {
    url = await freshDatabaseUrl('postgres');
    config = loadConfig({ DATABASE_URL: url, PEERGATE_ADMIN_TOKEN: token, HOST: '127.0.0.1', PORT: '0', BGP_WORKER: 'off' });
    a = await startPeerGate(config, { migrate: true, port: 0 });
    b = await startPeerGate(config, { port: 0 });
  });
  afterAll(async () => { await a?.close(); await b?.close(); });

  const portOf = (g: PeerGate) => (g.http.server.address() as { port: number }).port;

  function subscribe(g: PeerGate, query: string): { client: Client; next: () => Promise<any> } {
    const client = createClient({ url: `ws://127.0.0.1:${portOf(g)}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Token ${token}` } });
    const events: any[] = [];
    const waiters: ((v: any) => void)[] = [];
    client.subscribe({ query }, {
      next: (v) => { const w = waiters.shift(); if (w) w(v.data); else events.push(v.data); },
      error: (e) => { throw e; }, complete: () => undefined,
    });
    return {
      client,
      next: () => (events.length ? Promise.resolve(events.shift()) : new Promise((resolve, reject) => {
        waiters.push(resolve);
        setTimeout(() => reject(new Error('no event within 5 s')), 5000);
      })),
    };
  }

  test('a mutation on gateway A reaches a subscriber on gateway B', async () => {
    const sub = subscribe(b, 'subscription { objectChanged(types: ["devices.configuration"]) { action objectRepr postchangeData } }');
    await new Promise((r) => setTimeout(r, 300));
    const small = await fetch(`http://127.0.0.1:${portOf(a)}/graphql`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` },
      body: JSON.stringify({ query: 'mutation($t: String!) { createConfiguration(input: {name: "small", template: $t}) { id } }', variables: { t: 'hostname {{ router.name }}' } }),
    });
    expect((await small.json() as any).errors).toBeUndefined();
    const first = await sub.next();
    expect(first.objectChanged).toMatchObject({ action: 'CREATE', objectRepr: 'small' });
    // Over NOTIFY's 8000-byte limit: carried through the payload table.
    const big = 'x'.repeat(20_000);
    await fetch(`http://127.0.0.1:${portOf(a)}/graphql`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` },
      body: JSON.stringify({ query: 'mutation($t: String!) { createConfiguration(input: {name: "big", template: $t}) { id } }', variables: { t: big } }),
    });
    const second = await sub.next();
    expect(second.objectChanged.objectRepr).toBe('big');
    expect(second.objectChanged.postchangeData.template).toHaveLength(20_000);
    await sub.client.dispose();
  });

  test('a burst published at once (a router reboot) reaches the other gateway all, once, in order, big payloads included', async () => {
    const received: any[] = [];
    const sub = b.bus.pubSub.subscribe('bgpSessionChanged');
    void (async () => { for await (const e of sub) received.push(e); })();
    // Every 50th over NOTIFY's limit: it travels as its log id and is read back in its place.
    const events = Array.from({ length: 500 }, (_, i) => ({ sessionId: `burst-${i}`, state: 'idle', lastError: i % 50 === 7 ? 'x'.repeat(9000) : null }) as unknown as Parameters<typeof a.bus.publishBgpSession>[0]);
    for (const e of events) a.bus.publishBgpSession(e);
    await (a.bus as unknown as { flushed(): Promise<unknown> }).flushed();
    await waitFor('the burst on gateway B', () => received.length >= events.length, 15_000, 50);
    await new Promise((r) => setTimeout(r, 300));
    await sub.return();
    expect(received.map((e) => e.sessionId)).toEqual(events.map((e: any) => e.sessionId));
    expect(received.filter((e) => e.lastError).map((e) => e.lastError.length)).toEqual(Array(10).fill(9000));
  });

  test('a publish while the sending connection is lost is sent on its replacement, not dropped', async () => {
    const received: unknown[] = [];
    const sub = b.bus.pubSub.subscribe('bgpSessionChanged');
    void (async () => { for await (const e of sub) received.push(e); })();
    const sender = (a.bus as unknown as { sender: { processID: number } }).sender;
    await a.orm.em.fork().getConnection().execute('select pg_terminate_backend(?)', [sender.processID]);
    // Published at once: the NOTIFY goes out on the dead connection and has to be sent again.
    const event = { sessionId: 'resend-check', state: 'established' } as unknown as Parameters<typeof a.bus.publishBgpSession>[0];
    a.bus.publishBgpSession(event);
    await waitFor('the event on gateway B', () => received.length > 0, 8000, 50).catch(() => undefined);
    await sub.return();
    expect(received).toEqual([event]);
  });

  test('events published while a gateway cannot listen are replayed to it when it is back: all, once, in order', async () => {
    const received: any[] = [];
    const sub = b.bus.pubSub.subscribe('bgpSessionChanged');
    void (async () => { for await (const e of sub) received.push(e); })();
    const busB = b.bus as unknown as { listener: { processID: number }; replayed: number };
    const replayedBefore = busB.replayed;
    // From another database of the server: a database cannot refuse connections to itself.
    const adminUrl = new URL(url);
    const db = decodeURIComponent(adminUrl.pathname.slice(1));
    adminUrl.pathname = '/postgres';
    const admin = new PgClient({ connectionString: adminUrl.toString() });
    await admin.connect();
    const events = Array.from({ length: 20 }, (_, i) => ({ sessionId: `gap-${i}`, state: 'idle' }) as unknown as Parameters<typeof a.bus.publishBgpSession>[0]);
    try {
      // B's listener cannot come back while A publishes: the database takes no new connections.
      await admin.query(`alter database "${db}" allow_connections false`);
      try {
        await admin.query('select pg_terminate_backend($1)', [busB.listener.processID]);
        for (const e of events) a.bus.publishBgpSession(e);
        await (a.bus as unknown as { flushed(): Promise<unknown> }).flushed();
        await new Promise((r) => setTimeout(r, 300));
        expect(received).toEqual([]);
      } finally {
        await admin.query(`alter database "${db}" allow_connections true`);
      }
    } finally {
      await admin.end();
    }
    await waitFor('the missed events on gateway B', () => received.length >= events.length, 15_000, 50);
    await new Promise((r) => setTimeout(r, 300));
    await sub.return();
    expect(received.map((e) => e.sessionId)).toEqual(events.map((e: any) => e.sessionId));
    expect(busB.replayed - replayedBefore).toBe(events.length);
  });

  test('a gateway started later does not take the events from before its start for missed ones', async () => {
    for (let i = 0; i < 5; i++) a.bus.publishBgpSession({ sessionId: `before-${i}`, state: 'idle' } as unknown as Parameters<typeof a.bus.publishBgpSession>[0]);
    await (a.bus as unknown as { flushed(): Promise<unknown> }).flushed();
    const c = await startPeerGate(config, { port: 0 });
    try {
      const received: any[] = [];
      const sub = c.bus.pubSub.subscribe('bgpSessionChanged');
      void (async () => { for await (const e of sub) received.push(e); })();
      const busC = c.bus as unknown as { listener: { processID: number }; replayed: number };
      const old = busC.listener;
      await a.orm.em.fork().getConnection().execute('select pg_terminate_backend(?)', [old.processID]);
      await waitFor('the listener replaced', () => busC.listener !== old, 10_000, 50);
      a.bus.publishBgpSession({ sessionId: 'after', state: 'idle' } as unknown as Parameters<typeof a.bus.publishBgpSession>[0]);
      await waitFor('the new event', () => received.length > 0, 8000, 50);
      await new Promise((r) => setTimeout(r, 300));
      await sub.return();
      expect(received.map((e) => e.sessionId)).toEqual(['after']);
      expect(busC.replayed).toBe(0);
    } finally {
      await c.close();
    }
  });
});
