// The trust boundary's reproductions (issue "Trust boundary", section 1), each on the surface it was
// found on: privilege escalation through user and token administration, a read-only credential
// minting a writing one, account data leaking to anonymous readers through relations, the change
// log and its subscription, private PeeringDB contacts outside /pdb/api/, ordering by secrets,
// revoked tokens keeping their subscriptions, and token networks (allowedIps).
import { WebSocket } from 'ws';
import { createClient } from 'graphql-ws';
import '../../src/domain';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedPdb } from '../helpers/pdb';
import { basic } from '../interop/peergate-setup';
import { DB_KINDS } from '../helpers/db';

interface Account { id: number; key: string; roKey: string }

async function account(s: TestServer, username: string, role: 'user' | 'staff'): Promise<Account> {
  const made = await s.gql(`mutation($u: String!, $staff: Boolean!) { createUser(input: { username: $u, email: "${username}@example.net", password: "old-${username}-pw", isStaff: $staff }) { id } }`,
    { u: username, staff: role === 'staff' });
  const id = Number(made.data.createUser.id);
  const key = (await s.gql(`mutation { createToken(input: { userId: ${id} }) { key } }`)).data.createToken.key;
  const roKey = (await s.gql(`mutation { createToken(input: { userId: ${id}, writeEnabled: false }) { key } }`)).data.createToken.key;
  return { id, key, roKey };
}

const code = (r: any) => r.errors?.[0]?.extensions?.code;

describe.each(DB_KINDS)('permissions on %s', (kind) => {
  let s: TestServer;
  let admin: number;
  let alice: Account;
  let stella: Account;

  beforeAll(async () => {
    s = await startTestServer(kind, { SUBSCRIPTION_RECHECK_SECONDS: '1', LOGIN_RATE_LIMIT: 'off' });
    admin = Number((await s.gql('{ me { id } }')).data.me.id);
    alice = await account(s, 'alice', 'user');
    stella = await account(s, 'stella', 'staff');
  });
  afterAll(() => s.close());
  /** yabgp's answer for a peer that does not exist: 401 before authentication, 404 after it. */
  const SIGNED_IN = 404;
  const v1 = async (authorization: string) => (await s.http('GET', '/v1/peer/192.0.2.1/state', { token: null, headers: { Authorization: authorization } })).status;

  test('no caller below superuser administers accounts or raises its own rights', async () => {
    for (const who of [alice, stella]) {
      expect(code(await s.gql(`mutation { updateUser(id: ${who.id}, input: { isStaff: true, isSuperuser: true }) { isStaff } }`, {}, who.key))).toBe('FORBIDDEN');
      expect(code(await s.gql(`mutation { updateUser(id: ${admin}, input: { isActive: false }) { id } }`, {}, who.key))).toBe('FORBIDDEN');
      expect(code(await s.gql(`mutation { deleteUser(id: ${admin}) }`, {}, who.key))).toBe('FORBIDDEN');
      expect(code(await s.gql(`mutation { createToken(input: { userId: ${admin} }) { key } }`, {}, who.key))).toBe('FORBIDDEN');
      expect(code(await s.gql('mutation { createGroup(input: { name: "admins" }) { id } }', {}, who.key))).toBe('FORBIDDEN');
      const me = (await s.gql('{ me { isStaff isSuperuser } }', {}, who.key)).data.me;
      expect(me.isSuperuser).toBe(false);
      expect((await s.http('PATCH', `/api/users/users/${admin}/`, { body: { password: 'taken-over' }, token: who.key })).status).toBe(403);
      expect((await s.http('POST', '/api/users/users/', { body: { username: `evil-${who.id}`, password: 'x', is_superuser: true }, token: who.key })).status).toBe(403);
      expect((await s.http('PATCH', `/api/users/users/${who.id}/`, { body: { is_superuser: true }, token: who.key })).status).toBe(403);
    }
    // The admin's password was not changed: the attacker's guess does not log in.
    expect(await v1(basic('admin', 'taken-over'))).toBe(401);
    expect((await s.gql('{ users(limit: 0) { items { username isActive isSuperuser } } }')).data.users.items)
      .toEqual(expect.arrayContaining([{ username: 'admin', isActive: true, isSuperuser: true }]));
    // The superuser administers.
    const made = await s.gql('mutation { createUser(input: { username: "temp", isSuperuser: false }) { id } }');
    expect(code(await s.gql(`mutation { deleteUser(id: ${made.data.createUser.id}) }`))).toBeUndefined();
  });

  test('deleting a user, through either API, keeps its change records with no user and its name', async () => {
    const sql = (text: string, params: unknown[] = []) => s.pg.orm.em.fork().getConnection().execute(text, params) as Promise<any[]>;
    const deletes = [
      (id: number) => s.gql(`mutation { deleteUser(id: ${id}) }`),
      (id: number) => s.http('DELETE', `/api/users/users/${id}/`),
    ];
    for (const [i, remove] of deletes.entries()) {
      const author = await account(s, `leaver${i}`, 'staff');
      const made = await s.http('POST', '/api/extras/tags/', { body: { name: `left-${i}`, slug: `left-${i}` }, token: author.key });
      expect(made.status).toBe(201);
      const before = await sql('select user_id, user_name from core_object_change where changed_object_type = ? and changed_object_id = ?', ['extras.tag', made.json.id]);
      expect(before).toEqual([{ user_id: author.id, user_name: `leaver${i}` }]);
      await remove(author.id);
      expect(await sql('select id from users_user where id = ?', [author.id])).toEqual([]);
      const after = await sql('select user_id, user_name from core_object_change where changed_object_type = ? and changed_object_id = ?', ['extras.tag', made.json.id]);
      expect(after).toEqual([{ user_id: null, user_name: `leaver${i}` }]);
      // Nor does a record name a user that no longer exists (the foreign key's check, per statement).
      await expect(sql(`insert into core_object_change (time, user_id, request_id, action, changed_object_type, changed_object_id)
        values (now(), ?, gen_random_uuid(), 'create', 'extras.tag', 1)`, [author.id])).rejects.toThrow(/foreign key/);
    }
  });

  test('a user changes their own password and manages their own tokens, with a write credential only', async () => {
    expect(code(await s.gql(`mutation { updateUser(id: ${alice.id}, input: { password: "new-alice-pw" }) { id } }`, {}, alice.roKey))).toBe('FORBIDDEN');
    const r = await s.http('PATCH', `/api/users/users/${alice.id}/`, { body: { password: 'new-alice-pw' }, token: alice.key });
    expect(r.status).toBe(200);
    expect(await v1(basic('alice', 'new-alice-pw'))).toBe(SIGNED_IN);
    const own = await s.gql('mutation { createToken(input: { description: "mine" }) { token { id } key } }', {}, alice.key);
    expect(own.errors).toBeUndefined();
    expect(code(await s.gql('mutation { createToken(input: { description: "ro" }) { key } }', {}, alice.roKey))).toBe('FORBIDDEN');
    // Her tokens are hers: the admin's are neither listed nor revocable by her.
    const listed = (await s.gql('{ tokens(limit: 0) { items { id user { id } } } }', {}, alice.key)).data.tokens.items;
    expect(listed.length).toBe(3);
    expect(listed.every((t: any) => Number(t.user.id) === alice.id)).toBe(true);
    const adminTokens = (await s.gql(`{ tokens(limit: 0, filter: { user: { exact: [${admin}] } }) { items { id } } }`)).data.tokens.items;
    expect(code(await s.gql(`mutation { revokeToken(id: ${adminTokens[0].id}) }`, {}, alice.key))).toBe('NOT_FOUND');
    expect(code(await s.gql(`mutation { revokeToken(id: ${own.data.createToken.token.id}) }`, {}, alice.key))).toBeUndefined();
    // Account data of others is not hers to read.
    const seen = (await s.gql('{ users(limit: 0) { items { username } } }', {}, alice.key)).data.users.items;
    expect(seen).toEqual([{ username: 'alice' }]);
    expect((await s.gql(`{ user(id: ${admin}) { email } }`, {}, alice.key)).data.user).toBeNull();
  });

  test('a read-only token never leads to a write through NSoT', async () => {
    for (const path of ['/nsot/api/users/0/?with_secret_key=true']) {
      const r = await s.http('GET', path, { token: stella.roKey });
      expect(r.status).toBe(403);
      expect(r.text).not.toMatch(/secret_key/);
    }
    expect((await s.http('POST', '/nsot/api/users/0/rotate_secret_key/', { token: stella.roKey })).status).toBe(403);
    // With her write token she may see her key, and the AuthToken it mints writes as she may (staff: inventory).
    const withKey = await s.http('GET', '/nsot/api/users/0/?with_secret_key=true', { token: stella.key });
    expect(withKey.status).toBe(200);
    const auth = await s.http('POST', '/nsot/api/authenticate/', { body: { email: 'stella@example.net', secret_key: withKey.json.secret_key }, token: null });
    expect(auth.status).toBe(200);
    const site = await s.http('POST', '/nsot/api/sites/', { body: { name: 'stella-site' }, token: null, headers: { Authorization: `AuthToken stella@example.net:${auth.json.auth_token}` } });
    expect(site.status).toBe(201);
    // An ordinary user's session may read the inventory but not write it, whatever the credential.
    expect((await s.http('POST', '/nsot/api/sites/', { body: { name: 'alice-site' }, token: alice.key })).status).toBe(403);
    expect((await s.gql('mutation { createSite(input: { name: "alice-site" }) { id } }', {}, alice.key)).errors[0].extensions.code).toBe('FORBIDDEN');
  });

  test('anonymous callers read no account data through relations, the change log or its subscription', async () => {
    const events: any[] = [];
    const client = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket });
    const sub = client.iterate({ query: 'subscription { objectChanged { objectType postchangeData } }' });
    const collecting = (async () => { for await (const e of sub) events.push(e.data?.objectChanged); })();
    await new Promise((r) => setTimeout(r, 300));
    await s.gql('mutation { createUser(input: { username: "carol", email: "carol@example.net" }) { id } }');
    await s.gql('mutation { createTag(input: { name: "Seen", slug: "seen" }) { id } }');
    for (let i = 0; i < 50 && !events.some((e) => e.objectType === 'extras.tag'); i++) await new Promise((r) => setTimeout(r, 100));
    await client.dispose();
    await collecting.catch(() => undefined);
    expect(events.map((e) => e.objectType)).toEqual(['extras.tag']);

    const changes = await s.gql('{ objectChanges(limit: 0) { items { changedObjectType userName user { email isSuperuser } postchangeData } } }', {}, null);
    expect(changes.errors).toBeUndefined();
    const items = changes.data.objectChanges.items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((c: any) => c.user === null)).toBe(true);
    expect(items.some((c: any) => c.changedObjectType === 'users.user')).toBe(false);
    expect(JSON.stringify(items)).not.toMatch(/carol@example\.net|isSuperuser":true/);
    const rest = await s.http('GET', '/api/core/object-changes/?changed_object_type=users.user', { token: null });
    expect(rest.status).toBe(200);
    expect(rest.json.count).toBe(0);
    // The superuser sees them.
    expect((await s.gql('{ objectChanges(filter: { changedObjectType: { exact: ["users.user"] } }) { totalCount } }')).data.objectChanges.totalCount).toBeGreaterThan(0);
    expect(code(await s.gql('{ users { totalCount } }', {}, null))).toBe('UNAUTHENTICATED');
  });

  test('PeeringDB contacts are visible by their visibility on every surface', async () => {
    const w = await seedPdb(s, 'P');
    const users = await s.http('POST', `/pdb/api/poc`, { body: { net_id: w.net, role: 'Abuse', visible: 'Users', name: 'Members only', email: 'm@alpha.example' } });
    expect(users.status).toBe(201);
    const names = (items: any[]) => items.map((c: any) => c.name).sort();
    const gql = async (key: string | null) => names((await s.gql(`{ pdbNetworkContacts(limit: 0, filter: { net: { exact: [${w.net}] } }) { items { name email visible } } }`, {}, key)).data.pdbNetworkContacts.items);
    expect(await gql(null)).toEqual(['NOC']);
    expect(await gql(alice.roKey)).toEqual(['Members only', 'NOC']);
    expect(await gql(stella.roKey)).toEqual(['Members only', 'NOC', 'Secret']);
    const pm = await s.http('GET', `/api/peeringdb/network-contacts/?net_id=${w.net}`, { token: null });
    expect(pm.status).toBe(200);
    expect(names(pm.json.results)).toEqual(['NOC']);
    expect(names((await s.http('GET', `/pdb/api/poc?net_id=${w.net}`, { token: null })).json.data)).toEqual(['NOC']);
    const viaNet = await s.http('GET', `/pdb/api/net/${w.net}?depth=2`, { token: null });
    expect(names(viaNet.json.data[0].poc_set)).toEqual(['NOC']);
    expect((await s.gql(`{ pdbNetworkContact(id: ${w.pocPrivate}) { name } }`, {}, null)).data.pdbNetworkContact).toBeNull();
  });

  test('secrets are neither filterable nor orderable, and hidden from readers', async () => {
    for (const [name, secret] of [['a-first', 'zzz-secret'], ['b-second', 'aaa-secret']]) {
      const r = await s.gql(`mutation { createIxapi(input: { name: "${name}", apiUrl: "https://${name}.example", apiKey: "${name}", apiSecret: "${secret}", identity: "x" }) { id } }`);
      expect(r.errors).toBeUndefined();
    }
    const asc = await s.gql('{ iXAPIs: ixapis(ordering: ["apiSecret"]) { items { name } } }');
    const desc = await s.gql('{ iXAPIs: ixapis(ordering: ["-apiSecret"]) { items { name } } }');
    expect(asc.errors).toBeUndefined();
    expect(asc.data.iXAPIs.items).toEqual(desc.data.iXAPIs.items);
    const filterFields = (await s.gql('{ __type(name: "IxapiFilter") { inputFields { name } } }')).data.__type.inputFields.map((f: any) => f.name);
    expect(filterFields).not.toContain('apiSecret');
    expect(filterFields).toContain('apiKey');
    expect((await s.http('GET', '/api/extras/ix-api/?ordering=api_secret', {})).json.results.map((x: any) => x.name))
      .toEqual((await s.http('GET', '/api/extras/ix-api/?ordering=-api_secret', {})).json.results.map((x: any) => x.name));
    const readers = await s.gql('{ ixapis { items { apiSecret } } }', {}, alice.roKey);
    expect(readers.data.ixapis.items.every((x: any) => x.apiSecret === null)).toBe(true);
    expect((await s.gql('{ ixapis { items { apiSecret } } }', {}, alice.key)).data.ixapis.items.map((x: any) => x.apiSecret).sort()).toEqual(['aaa-secret', 'zzz-secret']);
  });

  test('a revoked token ends its subscriptions with 4403', async () => {
    const t = (await s.gql(`mutation { createToken(input: { userId: ${alice.id} }) { key token { id } } }`)).data.createToken;
    let closedWith = 0;
    const client = createClient({
      url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: false,
      connectionParams: { authorization: `Token ${t.key}` },
      on: { closed: (e: any) => { closedWith = e.code; } },
    });
    const sub = client.iterate({ query: 'subscription { objectChanged { objectType } }' });
    const running = (async () => { for await (const _ of sub) { /* events are not the point */ } })().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(code(await s.gql(`mutation { revokeToken(id: ${t.token.id}) }`))).toBeUndefined();
    for (let i = 0; i < 50 && !closedWith; i++) await new Promise((r) => setTimeout(r, 100));
    expect(closedWith).toBe(4403);
    await client.dispose();
    await running;
  });

  test('an expired token loses its subscription at the next check', async () => {
    const expires = new Date(Date.now() + 1500).toISOString();
    const t = (await s.gql(`mutation { createToken(input: { userId: ${alice.id}, expires: "${expires}" }) { key } }`)).data.createToken;
    let closedWith = 0;
    const client = createClient({
      url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: false,
      connectionParams: { authorization: `Token ${t.key}` }, on: { closed: (e: any) => { closedWith = e.code; } },
    });
    const sub = client.iterate({ query: 'subscription { objectChanged { objectType } }' });
    const running = (async () => { for await (const _ of sub) { /* nothing */ } })().catch(() => undefined);
    for (let i = 0; i < 60 && !closedWith; i++) await new Promise((r) => setTimeout(r, 100));
    expect(closedWith).toBe(4403);
    await client.dispose();
    await running;
  });

  test('a token is used only from its allowed networks, on every surface', async () => {
    const bad = await s.gql('mutation { createToken(input: { allowedIps: ["10.0.0.0/33"] }) { key } }');
    expect(code(bad)).toBe('BAD_USER_INPUT');
    const far = (await s.gql(`mutation { createToken(input: { userId: ${alice.id}, allowedIps: ["10.0.0.0/8", "2001:db8::/32"] }) { key token { allowedIps } } }`)).data.createToken;
    expect(far.token.allowedIps).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    const near = (await s.gql(`mutation { createToken(input: { userId: ${alice.id}, allowedIps: ["127.0.0.0/8"] }) { key } }`)).data.createToken;
    const viaRest = await s.http('POST', '/api/users/tokens/', { body: { allowed_ips: ['192.0.2.0/24'] }, token: alice.key });
    expect(viaRest.status).toBe(201);
    expect(viaRest.json.allowed_ips).toEqual(['192.0.2.0/24']);
    expect((await s.http('POST', '/api/users/tokens/', { body: { allowed_ips: ['not-a-net'] }, token: alice.key })).status).toBe(400);

    expect((await s.gql('{ me { username } }', {}, far.key)).errors[0].message).toMatch(/not allowed/);
    expect((await s.gql('{ me { username } }', {}, near.key)).data.me.username).toBe('alice');
    expect((await s.http('GET', '/api/peering/autonomous-systems/', { token: far.key })).status).toBe(403);
    expect((await s.http('GET', '/api/peering/autonomous-systems/', { token: near.key })).status).toBe(200);
    expect((await s.http('GET', '/pdb/api/net', { token: null, headers: { Authorization: `Api-Key ${far.key}` } })).status).toBe(401);
    expect(await v1(basic('alice', far.key))).toBe(401);
    expect(await v1(basic('alice', near.key))).toBe(SIGNED_IN);
    expect((await s.http('GET', '/nsot/api/sites/', { token: far.key })).status).toBe(401);
  });
});
