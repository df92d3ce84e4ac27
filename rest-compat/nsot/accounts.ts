// /authenticate/, /verify_token/ and /users/: NSoT's token flow on PeerGate users.
import { User } from '../../src/domain/users/user';
import { describe } from '../../src/domain/model';
import { requireReadGrant, toWhere, writeGrant } from '../../src/domain/access';
import { withScope } from '../../src/domain/crud';
import { AuthError } from '../../src/domain/errors';
import { issueAuthToken, rotateSecretKey, secretKeyOf, serverKey, userByEmail, checkSecretKey } from '../../src/domain/inventory/secrets';
import { NsotError, badRequest, notFound } from './errors';
import { jsonBody, send, writable, type Call } from './call';
import { parseBool } from '../core/query';
import { readBody } from '../core/http';
import { limitedLogin, throttledMessage } from '../../src/http/login-limit';

/** POST /authenticate/ {email, secret_key} -> {auth_token}; wrong credentials are 401. */
export async function authenticate(call: Call): Promise<void> {
  if (call.req.method !== 'POST') throw new NsotError(405, `Method "${call.req.method}" not allowed.`);
  // No login needed here: the body is the credential.
  const ctx = await call.running.contextFor(call.req);
  const body = (await readBody(call.req, call.res, ctx.config.bodyLimit).catch((e) => {
    if (e?.status === 413) throw new NsotError(413, 'Request body is too large.');
    return undefined;
  })) as any;
  const email = typeof body?.email === 'string' ? body.email : '';
  const secret = typeof body?.secret_key === 'string' ? body.secret_key : '';
  if (!email || !secret) throw new NsotError(401, 'Missing email or secret_key.');
  const key = serverKey(ctx.config);
  // Under the core's failed-login limits: 429 with Retry-After once spent.
  const login = await limitedLogin(call.req, ctx.config, email, async () => {
    const user = await userByEmail(ctx.em, email);
    return user && user.isActive && (await checkSecretKey(ctx.em, user, secret, key)) ? user : null;
  });
  if (!login.ok) throw login.retryAfter === null ? new NsotError(401, 'Invalid email or secret key.') : new NsotError(429, throttledMessage(login.retryAfter));
  send(call, 200, { auth_token: issueAuthToken(email, ctx.config.nsotAuthTokenTtl, key) });
}

/** POST /verify_token/ with `Authorization: AuthToken email:token` -> true (invalid tokens fail in auth). */
export async function verifyToken(call: Call): Promise<void> {
  if (call.req.method !== 'POST') throw new NsotError(405, `Method "${call.req.method}" not allowed.`);
  await call.ctx();
  send(call, 200, true);
}

function userOut(u: User, secret?: string): Record<string, unknown> {
  // PeerGate has no per-site object permissions: the map is empty, superusers write everywhere.
  return { id: u.id, email: u.email, permissions: {}, ...(secret !== undefined ? { secret_key: secret } : {}) };
}

/** The core's permission decisions, in NSoT's status codes. */
function permitted<T>(decide: () => T): T {
  try { return decide(); } catch (e) {
    if (e instanceof AuthError) throw new NsotError(e.code === 'FORBIDDEN' ? 403 : 401, e.message);
    throw e;
  }
}

export async function users(call: Call, segs: string[]): Promise<void> {
  const ctx = await call.ctx();
  const me = ctx.caller.user!;
  const d = describe(User);
  // Accounts this caller may read (src/domain/access.ts: staff all, others their own).
  const scope = (where: Record<string, unknown>) => withScope(where, permitted(() => toWhere(requireReadGrant(ctx.caller, d))));
  const [idText, action, ...rest] = segs;
  if (rest.length) throw notFound();
  if (idText === undefined) {
    if (call.req.method === 'POST') {
      await writable(call);
      permitted(() => writeGrant(ctx.caller, d, 'create'));
      const body = (await jsonBody(call)) as any;
      const email = typeof body?.email === 'string' ? body.email.trim() : '';
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw badRequest({ email: 'Enter a valid email address.' });
      if (await userByEmail(ctx.em, email)) throw new NsotError(409, `A user with email ${email} already exists.`);
      const u = ctx.em.create(User, { username: email.slice(0, 150), email, isActive: true } as any);
      await ctx.em.persist(u).flush();
      send(call, 201, userOut(u), { Location: `${call.path}${u.id}/` });
      return;
    }
    if (call.req.method !== 'GET') throw new NsotError(405, `Method "${call.req.method}" not allowed.`);
    const email = call.params.get('email');
    const all = await ctx.em.find(User, scope(email ? { email } : {}), { orderBy: { id: 'asc' } });
    send(call, 200, all.map((u) => userOut(u)));
    return;
  }
  if (!/^\d+$/.test(idText)) throw notFound();
  const id = Number(idText) === 0 ? me.id : Number(idText);
  const user = await ctx.em.findOne(User, scope({ id }));
  if (!user) throw new NsotError(404, `No such User found at (id) = (${idText})`);
  const self = user.id === me.id;
  const key = serverKey(ctx.config);
  if (action === 'rotate_secret_key') {
    if (call.req.method !== 'POST') throw new NsotError(405, `Method "${call.req.method}" not allowed.`);
    if (!self) throw new NsotError(403, 'You may only rotate your own secret key.');
    await writable(call);
    send(call, 200, await rotateSecretKey(ctx.em, user, key));
    return;
  }
  if (action !== undefined) throw notFound();
  if (call.req.method !== 'GET') throw new NsotError(405, `Method "${call.req.method}" not allowed.`);
  let withSecret = false;
  try { withSecret = parseBool(call.params.get('with_secret_key') ?? 'false'); } catch { /* NSoT ignores bad values */ }
  if (withSecret && !self) throw new NsotError(403, 'You may only view your own secret key.');
  // The secret key mints AuthTokens that write: a read-only credential never sees it.
  if (withSecret) await writable(call);
  send(call, 200, userOut(user, withSecret ? await secretKeyOf(ctx.em, user, key) : undefined));
}
