// The one authenticator chain of the REST dialects: the Authorization header becomes the
// request's GraphQL context with its caller, or a refusal saying why, which each dialect renders
// in its own words and status. `Token <key>` and `Bearer <key>` (src/http/auth.ts) count on
// every dialect; a dialect may add aliases of them (PeeringDB's `Api-Key`) and HTTP Basic (the
// core's password login, src/http/basic.ts, under the failed-login limits).
import type { Request } from 'express';
import type { RunningApp } from '../../src/http/app';
import type { GqlContext } from '../../src/graphql/context';
import { recordCaller } from '../../src/http/auth';
import { decodeBasic, passwordLogin } from '../../src/http/basic';

export interface Schemes {
  /** Other names of the token scheme (lower case). */
  tokenAliases?: string[];
  /** HTTP Basic with a username and one of that user's tokens or the password. */
  basic?: boolean;
}

export type Refusal =
  /** A token was sent and refused; the message is Peering Manager's ("Invalid token", "Token expired" ...). */
  | { kind: 'token'; message: string }
  /** A username and secret were refused; retryAfter (seconds, Retry-After already set) when the login limits are spent. */
  | { kind: 'password'; retryAfter: number | null }
  /** A scheme this dialect does not take, or a malformed one. */
  | { kind: 'scheme' };

export interface Authenticated { ctx: GqlContext; refused: Refusal | null }

/** The request's context as if it carried no Authorization header (the caller is then set from other credentials). */
export async function anonymousContext(req: Request, running: RunningApp): Promise<GqlContext> {
  const header = req.headers.authorization;
  delete req.headers.authorization;
  try {
    return await running.contextFor(req);
  } finally {
    if (header !== undefined) req.headers.authorization = header;
  }
}

export async function authenticateRequest(req: Request, running: RunningApp, schemes: Schemes = {}): Promise<Authenticated> {
  const header = req.headers.authorization?.trim();
  if (!header) return { ctx: await running.contextFor(req), refused: null };
  const [scheme, ...rest] = header.split(/\s+/);
  const s = scheme.toLowerCase();
  if (s === 'token' || s === 'bearer' || schemes.tokenAliases?.includes(s)) {
    if (s !== 'token' && s !== 'bearer') req.headers.authorization = `Token ${rest.join(' ')}`;
    const ctx = await running.contextFor(req);
    return { ctx, refused: ctx.caller.error ? { kind: 'token', message: ctx.caller.error } : null };
  }
  const ctx = await anonymousContext(req, running);
  if (!schemes.basic || s !== 'basic' || rest.length !== 1) return { ctx, refused: { kind: 'scheme' } };
  const creds = decodeBasic(rest[0]);
  if (!creds) return { ctx, refused: { kind: 'password', retryAfter: null } };
  const login = await passwordLogin(req, ctx.em, ctx.config, creds);
  if (!login.ok) return { ctx, refused: { kind: 'password', retryAfter: login.retryAfter } };
  recordCaller(req.res!, ctx, login.caller);
  return { ctx, refused: null };
}
