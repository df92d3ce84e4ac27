// Who calls the NSoT dialect. In order: `Authorization: AuthToken <email>:<token>`
// (the auth_token from /authenticate/, or the secret_key as the seed docs show),
// the trusted e-mail header when enabled, then PeerGate's own `Token <key>`.
// NSoT answers a missing login with 401, an invalid/expired auth_token with 400;
// AuthToken attempts run under the core's failed-login limits (429 + Retry-After).
import type { Request } from 'express';
import type { GqlContext } from '../../src/graphql/context';
import type { RunningApp } from '../../src/http/app';
import { User } from '../../src/domain/users/user';
import { checkSecretKey, serverKey, userByEmail, verifyAuthToken } from '../../src/domain/inventory/secrets';
import { limitedLogin, throttledMessage } from '../../src/http/login-limit';
import { recordCaller } from '../../src/http/auth';
import { callerUserOf } from '../../src/domain/users/caller';
import { anonymousContext, authenticateRequest } from '../core/auth';
import { NsotError } from './errors';

const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** An AuthToken or a trusted e-mail is a whole session, as a password is; what the user may write is the models' rule. */
function callerFor(user: User) {
  return { user: callerUserOf(user), token: null, error: null, canWrite: true };
}

function setCaller(req: Request, ctx: GqlContext, user: User): void {
  recordCaller(req.res!, ctx, callerFor(user));
}

export async function nsotContext(req: Request, running: RunningApp): Promise<GqlContext> {
  const auth = req.headers.authorization?.trim() ?? '';
  if (/^authtoken\s/i.test(auth)) return authTokenLogin(req, await anonymousContext(req, running), auth);
  const { ctx, refused } = await authenticateRequest(req, running);
  const header = !auth && ctx.config.nsotEmailHeaderAuth ? req.get(ctx.config.nsotEmailHeader) : undefined;
  if (header !== undefined) return emailHeaderLogin(req, ctx, header);
  if (refused?.kind === 'token') throw new NsotError(401, refused.message);
  if (!ctx.caller.user) throw new NsotError(401, 'Authentication credentials were not provided.');
  return ctx;
}

/** `AuthToken <email>:<auth_token or secret_key>`, under the failed-login limits. */
async function authTokenLogin(req: Request, ctx: GqlContext, auth: string): Promise<GqlContext> {
  const cred = auth.replace(/^authtoken\s+/i, '');
  const cut = cred.indexOf(':');
  if (cut < 1) throw new NsotError(401, 'Invalid token header. No credentials provided.');
  const email = cred.slice(0, cut), secret = cred.slice(cut + 1);
  const key = serverKey(ctx.config);
  const login = await limitedLogin(req, ctx.config, email, async () => {
    const user = await userByEmail(ctx.em, email);
    const ok = !!user && user.isActive && (verifyAuthToken(secret, email, key) || (await checkSecretKey(ctx.em, user, secret, key)));
    return ok ? user : null;
  });
  if (!login.ok) throw login.retryAfter === null ? new NsotError(400, { auth_token: 'Invalid/expired auth_token.' }) : new NsotError(429, throttledMessage(login.retryAfter));
  setCaller(req, ctx, login.value!);
  return ctx;
}

/** The trusted e-mail header (NSOT_EMAIL_HEADER_AUTH), when no Authorization header was sent. */
async function emailHeaderLogin(req: Request, ctx: GqlContext, header: string): Promise<GqlContext> {
  const email = header.trim();
  if (!EMAIL.test(email)) throw new NsotError(400, { email: 'Enter a valid email address.' });
  let user = await userByEmail(ctx.em, email);
  if (!user) {
    // Auto-created, as NSoT does, but never as a superuser (PeerGate's decision).
    user = ctx.em.create(User, { username: email.slice(0, 150), email, isActive: true, isStaff: false, isSuperuser: false } as any);
    await ctx.em.persist(user).flush();
  }
  setCaller(req, ctx, user);
  return ctx;
}
