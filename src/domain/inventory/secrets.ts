// NSoT credentials: per-user secret keys (stored encrypted, shown on request)
// and stateless auth tokens (NSoT's Fernet tokens; here AES-256-GCM of the
// e-mail and an expiry, under the same server key).
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { Config } from '../../config';
import { User } from '../users/user';
import { UserSecret } from './secret';

let processKey: Buffer | null = null;

/** The 32-byte server key: NSOT_SECRET_KEY, else derived from the admin token, else random per process. */
export function serverKey(config: Config): Buffer {
  const seed = config.nsotSecretKey ?? (config.adminToken ? `peergate-nsot:${config.adminToken}` : null);
  if (seed) return createHash('sha256').update(seed).digest();
  processKey ??= randomBytes(32);
  return processKey;
}

function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64url');
}

function open(key: Buffer, sealed: string): string | null {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < 29) return null;
    const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  } catch {
    return null;
  }
}

const newSecret = () => randomBytes(32).toString('base64url');

/** The user's secret key, created on first use. */
export async function secretKeyOf(em: EntityManager, user: User, key: Buffer): Promise<string> {
  const row = await em.findOne(UserSecret, { user: user.id });
  const known = row ? open(key, row.secretEnc) : null;
  if (row && known !== null) return known;
  return rotateSecretKey(em, user, key);
}

export async function rotateSecretKey(em: EntityManager, user: User, key: Buffer): Promise<string> {
  const secret = newSecret();
  const row = await em.findOne(UserSecret, { user: user.id });
  if (row) row.secretEnc = seal(key, secret);
  else em.persist(em.create(UserSecret, { user, secretEnc: seal(key, secret) } as any));
  await em.flush();
  return secret;
}

export async function checkSecretKey(em: EntityManager, user: User, given: string, key: Buffer): Promise<boolean> {
  const row = await em.findOne(UserSecret, { user: user.id });
  const known = row ? open(key, row.secretEnc) : null;
  if (known === null || typeof given !== 'string') return false;
  const a = Buffer.from(known), b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function issueAuthToken(email: string, ttlSeconds: number, key: Buffer, now = Date.now()): string {
  return seal(key, JSON.stringify({ e: email, x: Math.floor(now / 1000) + ttlSeconds }));
}

/** The e-mail an auth token was issued to, or null when it is forged, for someone else, or expired. */
export function verifyAuthToken(token: string, email: string, key: Buffer, now = Date.now()): boolean {
  const plain = open(key, token);
  if (!plain) return false;
  try {
    const t = JSON.parse(plain) as { e: string; x: number };
    return t.e === email && t.x * 1000 > now;
  } catch {
    return false;
  }
}

export async function userByEmail(em: EntityManager, email: string): Promise<User | null> {
  return em.findOne(User, { email }, { orderBy: { id: 'asc' } });
}
