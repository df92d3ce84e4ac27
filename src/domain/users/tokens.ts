// Creating, finding and revoking API tokens. The key is returned once, at creation.
import type { EntityManager } from '@mikro-orm/core';
import { Token } from './token';
import { User } from './user';
import { hashTokenKey, newTokenKey, TOKEN_KEY } from './passwords';
import { transaction } from '../../db/transaction';
import { callerUserOf, type CallerToken } from './caller';

export interface NewToken { token: Token; key: string }

export async function createToken(em: EntityManager, user: User, opts: { key?: string; writeEnabled?: boolean; expires?: Date | null; description?: string; allowedIps?: string[] | null } = {}): Promise<NewToken> {
  const key = (opts.key ?? newTokenKey()).toLowerCase();
  if (!TOKEN_KEY.test(key)) throw new Error('A token key is 40 hexadecimal characters.');
  const token = em.create(Token, {
    user, keyHash: hashTokenKey(key), keyPrefix: key.slice(0, 8),
    writeEnabled: opts.writeEnabled ?? true, expires: opts.expires ?? null, description: opts.description ?? '', allowedIps: opts.allowedIps ?? null,
  } as any);
  await em.persist(token).flush();
  return { token, key };
}

export async function findToken(em: EntityManager, key: string): Promise<Token | null> {
  if (!TOKEN_KEY.test(key.toLowerCase())) return null;
  return em.findOne(Token, { keyHash: hashTokenKey(key) }, { populate: ['user'] });
}

/** The plain, frozen copy of a token row (its user loaded) that a caller carries. */
export function callerTokenOf(token: Token): CallerToken {
  return Object.freeze({
    id: token.id,
    expiresAt: token.expires ? token.expires.getTime() : null,
    lastUsedAt: token.lastUsed ? token.lastUsed.getTime() : null,
    writeEnabled: token.writeEnabled,
    allowedIps: token.allowedIps ? Object.freeze([...token.allowedIps]) : null,
    user: callerUserOf(token.user as User),
  });
}

/** The token with this key as a caller carries it, or null; the row is read in a fork, so `em` holds no entity afterwards. */
export async function findCallerToken(em: EntityManager, key: string): Promise<CallerToken | null> {
  const token = await findToken(em.fork(), key);
  return token && callerTokenOf(token);
}

/** Makes sure an admin user holds the configured admin token (PEERGATE_ADMIN_TOKEN). */
export async function ensureAdminToken(em: EntityManager, key: string): Promise<void> {
  await transaction(em, async (tem) => {
    let admin = await tem.findOne(User, { username: 'admin' });
    if (!admin) {
      admin = tem.create(User, { username: 'admin', isStaff: true, isSuperuser: true, isActive: true } as any);
      tem.persist(admin);
    }
    const existing = await tem.findOne(Token, { keyHash: hashTokenKey(key) });
    if (existing) {
      existing.user = admin;
      existing.writeEnabled = true;
      existing.expires = null;
      await tem.flush();
    } else {
      await createToken(tem, admin, { key, writeEnabled: true, description: 'PEERGATE_ADMIN_TOKEN' });
    }
  });
}
