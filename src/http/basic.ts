// The one password authenticator: HTTP Basic (and any other username + secret pair) on
// PeerGate's users. The secret is either one of that user's API tokens (the caller then
// has the token's write flag) or the user's password (a full session: may write, as in
// Peering Manager's UI). Every attempt runs under the failed-login limits
// (login-limit.ts), and every refusal costs the same: the token lookup and one scrypt run
// whether the user exists, is inactive, has no password or gave a wrong one.
import type { EntityManager } from '@mikro-orm/core';
import type { Request } from 'express';
import type { Config } from '../config';
import { User } from '../domain/users/user';
import { findCallerToken } from '../domain/users/tokens';
import { callerUserOf } from '../domain/users/caller';
import { verifyPassword } from '../domain/users/passwords';
import { limitedLogin } from './login-limit';
import { tokenRefusal, type Caller } from './auth';

export interface BasicCredentials { username: string; secret: string }

/**
 * The username and secret of `Basic <base64>` credentials (the part after the scheme);
 * null when it is not base64 of `user:secret`. Without a colon the whole is the username.
 */
export function decodeBasic(encoded: string): BasicCredentials | null {
  if (!/^[A-Za-z0-9+/_-]+=*$/.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i >= 0 ? { username: decoded.slice(0, i), secret: decoded.slice(i + 1) } : { username: decoded, secret: '' };
}

/** The caller these credentials name, or null; no rate limit (see passwordLogin). */
export async function checkCredentials(em: EntityManager, { username, secret }: BasicCredentials, clientIp: string | undefined): Promise<Caller | null> {
  const user = username ? await em.findOne(User, { username }) : null;
  const token = await findCallerToken(em, secret);
  const active = !!user && user.isActive;
  if (active && token && token.user.id === user.id && !tokenRefusal(token, clientIp)) {
    return { user: token.user, token, error: null, canWrite: token.writeEnabled };
  }
  // Always one scrypt run: against the dummy hash when there is no user or no password.
  const matches = await verifyPassword(secret, user?.password);
  if (active && user.password && matches) return { user: callerUserOf(user), token: null, error: null, canWrite: true };
  return null;
}

export type LoginResult = { ok: true; caller: Caller } | { ok: false; retryAfter: number | null };

/**
 * One password login from this request: the caller, a refusal (retryAfter null: 401 in
 * the dialect's words) or a rate refusal (retryAfter in seconds, Retry-After already set:
 * 429 in the dialect's shape).
 */
export async function passwordLogin(req: Request, em: EntityManager, config: Config, creds: BasicCredentials): Promise<LoginResult> {
  const out = await limitedLogin(req, config, creds.username, () => checkCredentials(em, creds, req.socket.remoteAddress));
  return out.ok ? { ok: true, caller: out.value } : out;
}
