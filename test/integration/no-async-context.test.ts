// Issue 16: serving enters no AsyncLocalStorage of ours. Once one is entered (run or enterWith),
// Node 20 keeps per-promise hooks on for the whole process, several percent of a busy server's CPU.
// The request's context travels on its EntityManager instead (src/db/context.ts), and transactions
// are explicit (src/db/transaction.ts) rather than MikroORM's em.transactional. What remains is
// MikroORM's own: UnitOfWork.commit runs every flush inside one (a guard against flushing from a
// flush hook), so a write, or the start's admin token, turns the hooks on; src/db/flush-guard.ts
// disables that storage again once no flush runs, so they are off between writes.
import { AsyncLocalStorage } from 'node:async_hooks';
import { WebSocket } from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { startTestServer, type TestServer } from '../helpers/server';
import { AS, asn } from '../helpers/pm';

const entered: string[] = [];
/** The storages entered by the server (not the test runner), to check which stay enabled. */
const storages = new Set<AsyncLocalStorage<unknown>>();
/** Entries by the test runner itself (jest-circus runs each test in one) are not the server's. */
const serverEntries = () => entered.filter((stack) => !stack.includes('jest-circus'));
const isFlushGuard = (stack: string) => /\n\s+at UnitOfWork\.commit /.test(stack);
const originals = { run: AsyncLocalStorage.prototype.run, enterWith: AsyncLocalStorage.prototype.enterWith };

function watchEntries(): void {
  AsyncLocalStorage.prototype.run = function (this: AsyncLocalStorage<unknown>, ...args: Parameters<typeof originals.run>) {
    entered.push(`run\n${new Error().stack}`);
    if (!entered[entered.length - 1].includes('jest-circus')) storages.add(this);
    return originals.run.apply(this, args as any);
  } as typeof originals.run;
  AsyncLocalStorage.prototype.enterWith = function (this: AsyncLocalStorage<unknown>, store: unknown) {
    entered.push(`enterWith\n${new Error().stack}`);
    return originals.enterWith.call(this, store);
  };
}

describe('serving enters no AsyncLocalStorage', () => {
  let s: TestServer;
  let client: Client | undefined;
  beforeAll(async () => {
    watchEntries();
    s = await startTestServer('pglite');
  });
  afterAll(async () => {
    await client?.dispose();
    await s?.close();
    Object.assign(AsyncLocalStorage.prototype, originals);
  });

  test('a GraphQL list and a REST list enter none; a bulk write and a subscription event only the flush guard', async () => {
    entered.length = 0;
    const rest = await s.http('GET', `${AS}?limit=10`);
    expect(rest.status).toBe(200);
    const gql = await s.gql('{ autonomousSystems(limit: 10) { totalCount items { id name } } }');
    expect(gql.errors).toBeUndefined();
    expect(serverEntries()).toEqual([]);

    const made = await s.http('POST', AS, { body: [{ asn: asn(), name: 'ALS One' }, { asn: asn(), name: 'ALS Two' }] });
    expect(made.status).toBe(201);
    const requestId = made.headers.get('x-request-id');
    // The change log still knows the request and the caller.
    const changes = await s.pg.orm.em.fork().getConnection().execute('select user_name from core_object_change where request_id = ?', [requestId]) as { user_name: string }[];
    expect(changes).toHaveLength(2);
    expect(changes[0].user_name).not.toBe('');
    const listed = await s.gql('{ autonomousSystems(limit: 10) { totalCount } }');
    expect(listed.data.autonomousSystems.totalCount).toBe(2);
    // The flush guard is entered, and disabled again once the write is done: the hooks are off.
    expect(storages.size).toBeGreaterThan(0);
    expect([...storages].filter((x) => (x as unknown as { enabled: boolean }).enabled)).toEqual([]);

    const got: any[] = [];
    client = createClient({ url: `${s.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Token ${s.token}` } });
    client.subscribe({ query: 'subscription { objectChanged { action objectId objectRepr } }' }, { next: (v) => { got.push(v); }, error: (e) => { got.push({ error: e }); }, complete: () => undefined });
    // Writes until the subscription (started asynchronously) reports one.
    for (let n = 0; n < 50 && !got.length; n++) {
      expect((await s.http('POST', AS, { body: { asn: asn(), name: `ALS sub ${n}` } })).status).toBe(201);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(got[0]?.data?.objectChanged?.action).toBeDefined();

    const entries = serverEntries();
    expect(entries.filter((stack) => !isFlushGuard(stack))).toEqual([]);
  });
});
