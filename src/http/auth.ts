// Who is calling: from `Authorization: Token <key>` (or `Bearer <key>`), as
// Peering Manager's token authentication decides it. Dialects render the outcome.
import type { EntityManager } from '@mikro-orm/core';
import { findToken } from '../domain/users/tokens';
import type { Token } from '../domain/users/token';
import type { User } from '../domain/users/user';

export interface Caller {
  user: User | null;
  token: Token | null;
  /** Set when credentials were sent but refused; the text is Peering Manager's. */
  error: string | null;
  canWrite: boolean;
}

export const anonymous = (): Caller => ({ user: null, token: null, error: null, canWrite: false });

const LAST_USED_EVERY_MS = 60_000;

export async function authenticate(em: EntityManager, header: string | undefined): Promise<Caller> {
  if (!header) return anonymous();
  const parts = header.trim().split(/\s+/);
  const scheme = parts[0]?.toLowerCase();
  if (scheme !== 'token' && scheme !== 'bearer') return anonymous();
  if (parts.length === 1) return { ...anonymous(), error: 'Invalid token header. No credentials provided.' };
  if (parts.length > 2) return { ...anonymous(), error: 'Invalid token header. Token string should not contain spaces.' };
  const token = await findToken(em, parts[1]);
  if (!token) return { ...anonymous(), error: 'Invalid token' };
  if (token.expires && token.expires.getTime() < Date.now()) return { ...anonymous(), error: 'Token expired' };
  const user = token.user as User;
  if (!user.isActive) return { ...anonymous(), error: 'User inactive' };
  if (!token.lastUsed || Date.now() - token.lastUsed.getTime() > LAST_USED_EVERY_MS) {
    // Bookkeeping outside any change log or request transaction.
    await em.nativeUpdate('Token', { id: token.id }, { lastUsed: new Date() });
  }
  return { user, token, error: null, canWrite: token.writeEnabled };
}
