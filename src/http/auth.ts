// Who is calling: from `Authorization: Token <key>` (or `Bearer <key>`), as
// Peering Manager's token authentication decides it. Dialects render the outcome.
import type { EntityManager } from '@mikro-orm/core';
import type { Response } from 'express';
import type { RequestContext } from '../db/context';
import type { GqlContext } from '../graphql/context';
import { findCallerToken } from '../domain/users/tokens';
import type { TokenCache } from './token-cache';
import { ipAllowed } from '../domain/users/allowed-ips';
import { anonymous, type Caller, type CallerToken } from '../domain/users/caller';

// The caller is the core's type; the surfaces import it from here with the authentication.
export { anonymous, type Caller };

/**
 * Makes `caller` the request's: its GraphQL context's, and the request store's, which the change
 * log and the request log read. Every surface and scheme goes through here.
 */
export function recordCaller(res: Response, ctx: GqlContext, caller: Caller): void {
  ctx.caller = caller;
  const store = res.locals.store as RequestContext;
  store.userId = caller.user?.id ?? null;
  store.userName = caller.user?.username ?? '';
}

const LAST_USED_EVERY_MS = 60_000;
/** When this process last wrote each token's last_used. */
const lastRecorded = new Map<number, number>();

/** Why a found token may not be used now from this client address (Peering Manager's words), or null. */
export function tokenRefusal(token: CallerToken, clientIp: string | undefined): string | null {
  if (token.expiresAt !== null && token.expiresAt < Date.now()) return 'Token expired';
  if (!token.user.isActive) return 'User inactive';
  if (!ipAllowed(token.allowedIps, clientIp)) return 'Source IP is not allowed to use this token';
  return null;
}

/** `cache`: the gateway's short-lived token lookups (token-cache.ts); without it every call reads the row. */
export async function authenticate(em: EntityManager, header: string | undefined, clientIp?: string, opts: { touch?: boolean; cache?: TokenCache } = {}): Promise<Caller> {
  if (!header) return anonymous();
  const parts = header.trim().split(/\s+/);
  const scheme = parts[0]?.toLowerCase();
  if (scheme !== 'token' && scheme !== 'bearer') return anonymous();
  if (parts.length === 1) return { ...anonymous(), error: 'Invalid token header. No credentials provided.' };
  if (parts.length > 2) return { ...anonymous(), error: 'Invalid token header. Token string should not contain spaces.' };
  const token = opts.cache ? await opts.cache.find(em, parts[1]) : await findCallerToken(em, parts[1]);
  if (!token) return { ...anonymous(), error: 'Invalid token' };
  const refused = tokenRefusal(token, clientIp);
  if (refused) return { ...anonymous(), error: refused };
  const now = Date.now();
  if (opts.touch !== false && now - Math.max(token.lastUsedAt ?? 0, lastRecorded.get(token.id) ?? 0) > LAST_USED_EVERY_MS) {
    // Bookkeeping outside any change log or request transaction; noted first so that the
    // requests arriving meanwhile with the same token do not all update the same row.
    lastRecorded.set(token.id, now);
    await em.nativeUpdate('Token', { id: token.id }, { lastUsed: new Date(now) });
  }
  return { user: token.user, token, error: null, canWrite: token.writeEnabled };
}
