// The gateway remembers token lookups for a few seconds (src/http/token-cache.ts); revoking a
// token or deactivating its user must still refuse it at once: on the gateway that made the
// change, and on another gateway sharing the PostgreSQL server, which hears it over the bus.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { startPeerGate, type PeerGate } from '../../src/server';
import { createToken } from '../../src/domain/users/tokens';
import { HOLD_MS } from '../../src/http/token-cache';
import { User } from '../../src/domain/users/user';
import { freshDatabaseUrl } from '../helpers/db';
import { buildOnce, peergate } from '../helpers/cli';

describe('cached token lookups on two gateways sharing PostgreSQL', () => {
  const admin = randomBytes(20).toString('hex');
  let a: PeerGate;
  let b: PeerGate;
  let url: string;
  beforeAll(async () => {
    // The CLI test runs the compiled program; compiled first, while no server waits on this event loop.
    buildOnce();
    url = await freshDatabaseUrl('postgres');
    const config = loadConfig({ DATABASE_URL: url, PEERGATE_ADMIN_TOKEN: admin, HOST: '127.0.0.1', PORT: '0', BGP_WORKER: 'off' });
    a = await startPeerGate(config, { migrate: true, port: 0 });
    b = await startPeerGate(config, { port: 0 });
  }, 300_000);
  afterAll(async () => { await a?.close(); await b?.close(); });

  async function gql(g: PeerGate, query: string, key: string, variables: Record<string, unknown> = {}): Promise<any> {
    const port = (g.http.server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Token ${key}` }, body: JSON.stringify({ query, variables }),
    });
    return res.json();
  }
  const me = async (g: PeerGate, key: string) => {
    const r = await gql(g, '{ me { username } }', key);
    return r.errors ? `refused: ${r.errors[0].message}` : r.data.me.username;
  };

  /** A new user with one token; returns the user's id, the token's id and its key. */
  async function userWithToken(username: string, expires?: string): Promise<{ userId: string; tokenId: string; key: string }> {
    const u = await gql(a, 'mutation($n: String!) { createUser(input: { username: $n, isActive: true }) { id } }', admin, { n: username });
    const userId = u.data.createUser.id;
    const t = await gql(a, 'mutation($u: ID!, $e: DateTime) { createToken(input: { userId: $u, expires: $e }) { key token { id } } }', admin, { u: userId, e: expires ?? null });
    return { userId, tokenId: t.data.createToken.token.id, key: t.data.createToken.key };
  }

  /** Resolves with the next credentialsChanged event gateway g hears from the bus. */
  function nextCredentialsEvent(g: PeerGate): Promise<unknown> {
    return new Promise((resolve) => { const stop = g.bus.listen('credentialsChanged', (e) => { stop(); resolve(e); }); });
  }

  test('a lookup is reused, and a token revoked on gateway A is refused at once on A and on B', async () => {
    const { tokenId, key } = await userWithToken('carol');
    for (const g of [a, b]) expect(await me(g, key)).toBe('carol');
    const hits = [a.http.tokens.hits, b.http.tokens.hits];
    for (const g of [a, b]) expect(await me(g, key)).toBe('carol');
    // The second request on each gateway read no token row.
    expect([a.http.tokens.hits, b.http.tokens.hits]).toEqual([hits[0] + 1, hits[1] + 1]);

    expect(b.http.tokens.size).toBeGreaterThan(0);
    const heard = nextCredentialsEvent(b);
    expect(await gql(a, 'mutation($id: ID!) { revokeToken(id: $id) }', admin, { id: tokenId })).toEqual({ data: { revokeToken: true } });
    expect(await me(a, key)).toBe('refused: Invalid token');
    await heard;
    // B forgot its lookups on hearing it (not because they aged out), and refuses the token.
    expect(b.http.tokens.size).toBe(0);
    expect(await me(b, key)).toBe('refused: Invalid token');
  });

  test('a user deactivated on gateway A has their token refused at once on B', async () => {
    const { userId, key } = await userWithToken('dave');
    expect(await me(b, key)).toBe('dave');
    expect(await me(b, key)).toBe('dave');
    const heard = nextCredentialsEvent(b);
    const r = await gql(a, 'mutation($id: ID!) { updateUser(id: $id, input: { isActive: false }) { isActive } }', admin, { id: userId });
    expect(r).toEqual({ data: { updateUser: { isActive: false } } });
    await heard;
    expect(await me(b, key)).toBe('refused: User inactive');
    expect(await me(a, key)).toBe('refused: User inactive');
  });

  test('a cached token past its expiry is refused (the expiry is checked on every request)', async () => {
    // Past the hold that follows the deactivation above, so this lookup is remembered.
    await new Promise((r) => setTimeout(r, HOLD_MS));
    const { key } = await userWithToken('erin', new Date(Date.now() + 1500).toISOString());
    expect(await me(a, key)).toBe('erin');
    const hits = a.http.tokens.hits;
    await new Promise((r) => setTimeout(r, 1600));
    expect(await me(a, key)).toBe('refused: Token expired');
    expect(a.http.tokens.hits).toBe(hits + 1);
  });

  test('a token created after a refused lookup of the same key works at once (unknown keys are not remembered)', async () => {
    const key = randomBytes(20).toString('hex');
    expect(await me(a, key)).toBe('refused: Invalid token');
    const u = await gql(a, '{ me { id } }', admin);
    const em = a.orm.em.fork();
    await createToken(em, em.getReference(User, Number(u.data.me.id)), { key });
    expect(await me(a, key)).toBe('admin');
  });

  test('`peergate token revoke` in another process: both gateways refuse the token at once', async () => {
    const { tokenId, key } = await userWithToken('frank');
    for (const g of [a, b]) { expect(await me(g, key)).toBe('frank'); expect(await me(g, key)).toBe('frank'); }
    const heard = [nextCredentialsEvent(a), nextCredentialsEvent(b)];
    const out = await peergate(['token', 'revoke', tokenId], { DATABASE_URL: url });
    expect(out).toMatchObject({ code: 0, stdout: `Token ${tokenId} revoked.\n` });
    await Promise.all(heard);
    for (const g of [a, b]) expect(await me(g, key)).toBe('refused: Invalid token');
  });

  test('a lookup, reused or not, is the same frozen plain data and attaches no entity to the request\'s EntityManager', async () => {
    const { key } = await userWithToken('grace');
    // Past the hold that follows creating the user and token, so this lookup is remembered.
    await new Promise((r) => setTimeout(r, HOLD_MS));
    const first = a.orm.em.fork();
    const missed = await a.http.tokens.find(first, key);
    const reused = a.orm.em.fork();
    const hit = await a.http.tokens.find(reused, key);
    expect(hit).toBe(missed);
    expect(hit).toMatchObject({ writeEnabled: true, expiresAt: null, user: { username: 'grace', isActive: true, isStaff: false, isSuperuser: false } });
    expect(Object.isFrozen(hit) && Object.isFrozen(hit!.user)).toBe(true);
    for (const em of [first, reused]) expect(em.getUnitOfWork().getIdentityMap().values()).toEqual([]);
    // What only the row has is read when asked for: `me` selects any field of the user.
    expect((await gql(a, '{ me { username email isActive } }', key)).data.me).toEqual({ username: 'grace', email: '', isActive: true });
  });

  test('a write by a caller whose lookup was reused changes nothing of the caller\'s own rows', async () => {
    const userChanges = async () => (await gql(a, '{ objectChanges(filter: {changedObjectType: {exact: ["users.user", "users.token"]}}) { totalCount } }', admin)).data.objectChanges.totalCount;
    await new Promise((r) => setTimeout(r, HOLD_MS));
    expect(await me(a, admin)).toBe('admin');
    const hits = a.http.tokens.hits;
    const before = await userChanges();
    const tag = await gql(a, 'mutation { createTag(input: {name: "cached caller", slug: "cached-caller"}) { id } }', admin);
    expect(tag.errors).toBeUndefined();
    expect(a.http.tokens.hits).toBeGreaterThan(hits);
    expect(await userChanges()).toBe(before);
  });
});
