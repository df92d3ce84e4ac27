// NSoT auth: secret keys, /authenticate/ -> AuthToken (with expiry), /verify_token/,
// users/0/?with_secret_key and rotate_secret_key, the e-mail header only when enabled.
import { startTestServer, type TestServer } from '../helpers/server';
import { User } from '../../src/domain/users/user';
import { secretKeyOf, serverKey } from '../../src/domain/inventory/secrets';

const API = '/nsot/api';

describe('NSoT auth (pglite)', () => {
  let s: TestServer;
  let secret: string;
  const email = 'ops@example.com';

  beforeAll(async () => {
    s = await startTestServer('pglite', { NSOT_AUTH_TOKEN_TTL: '2' });
    const u = await s.http('POST', `${API}/users/`, { body: { email } });
    expect(u.status).toBe(201);
    // The admin (superuser) needs an e-mail to use the NSoT flow itself.
    await s.gql('mutation { updateUser(id: 1, input: {email: "admin@example.com"}) { id } }');
    // Header auth is off by default: the header alone is not a login.
    expect((await s.http('GET', `${API}/users/0/?with_secret_key=true`, { token: null, headers: { 'X-NSoT-Email': email } })).status).toBe(401);
  });
  afterAll(async () => { await s?.close(); });

  const authToken = async (sk: string) => s.http('POST', `${API}/authenticate/`, { token: null, body: { email, secret_key: sk } });

  test('secret key -> auth_token -> AuthToken header; expiry gives 400', async () => {
    // The admin reads its own key, then the user's key is read by the user itself through AuthToken with its secret.
    const admin = await s.http('GET', `${API}/users/0/?with_secret_key=true`);
    expect(admin.json).toMatchObject({ id: 1, email: 'admin@example.com', secret_key: expect.any(String) });
    const adminToken = (await s.http('POST', `${API}/authenticate/`, { token: null, body: { email: 'admin@example.com', secret_key: admin.json.secret_key } })).json.auth_token;
    const auth = { Authorization: `AuthToken admin@example.com:${adminToken}` };
    const other = await s.http('GET', `${API}/users/2/?with_secret_key=true`, { token: null, headers: auth });
    expect(other.status).toBe(403);
    const list = await s.http('GET', `${API}/users/?email=${email}`, { token: null, headers: auth });
    expect(list.json).toEqual([{ id: 2, email, permissions: {} }]);

    // The doc's email:secret_key form is accepted too; the user sees its own key.
    const em = s.pg.orm.em.fork();
    secret = await secretKeyOf(em, (await em.findOneOrFail(User, { email }))!, serverKey(s.config));
    const self = await s.http('GET', `${API}/users/0/?with_secret_key=true`, { token: null, headers: { Authorization: `AuthToken ${email}:${secret}` } });
    expect(self.json).toEqual({ id: 2, email, permissions: {}, secret_key: secret });

    expect((await authToken('wrong')).status).toBe(401);
    const t = await authToken(secret);
    expect(t.status).toBe(200);
    const header = { Authorization: `AuthToken ${email}:${t.json.auth_token}` };
    const v = await s.http('POST', `${API}/verify_token/`, { token: null, headers: header });
    expect(v.status).toBe(200);
    expect(v.json).toBe(true);
    expect((await s.http('GET', `${API}/sites/`, { token: null, headers: header })).status).toBe(200);
    // A plain user reads but does not write.
    expect((await s.http('POST', `${API}/sites/`, { token: null, headers: header, body: { name: 'nope' } })).status).toBe(403);
    const forged = await s.http('POST', `${API}/verify_token/`, { token: null, headers: { Authorization: `AuthToken ${email}:${t.json.auth_token.slice(0, -2)}xx` } });
    expect(forged.json).toEqual({ error: { code: 400, message: { auth_token: 'Invalid/expired auth_token.' } } });
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await s.http('POST', `${API}/verify_token/`, { token: null, headers: header });
    expect(expired.status).toBe(400);
    expect(expired.json.error.message).toEqual({ auth_token: 'Invalid/expired auth_token.' });
  });

  test('rotate_secret_key invalidates the old key', async () => {
    const header = { Authorization: `AuthToken ${email}:${secret}` };
    const r = await s.http('POST', `${API}/users/0/rotate_secret_key/`, { token: null, headers: header });
    expect(r.status).toBe(200);
    expect(typeof r.json).toBe('string');
    expect(r.json).not.toBe(secret);
    expect((await authToken(secret)).status).toBe(401);
    expect((await authToken(r.json)).status).toBe(200);
  });

  test('PeerGate API tokens work on the NSoT API; no credentials is 401', async () => {
    expect((await s.http('GET', `${API}/sites/`)).status).toBe(200);
    const none = await s.http('GET', `${API}/sites/`, { token: null });
    expect(none.json).toEqual({ error: { code: 401, message: 'Authentication credentials were not provided.' } });
  });
});

describe('NSoT e-mail header auth when enabled', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite', { NSOT_EMAIL_HEADER_AUTH: 'true' }); });
  afterAll(async () => { await s?.close(); });

  test('an unknown e-mail is auto-created, not as a superuser', async () => {
    const r = await s.http('GET', `${API}/users/0/`, { token: null, headers: { 'X-NSoT-Email': 'new@example.com' } });
    expect(r.json).toMatchObject({ email: 'new@example.com' });
    const w = await s.http('POST', `${API}/sites/`, { token: null, headers: { 'X-NSoT-Email': 'new@example.com' }, body: { name: 'x' } });
    expect(w.status).toBe(403);
    expect((await s.http('GET', `${API}/sites/`, { token: null, headers: { 'X-NSoT-Email': 'not-an-email' } })).status).toBe(400);
  });
});
