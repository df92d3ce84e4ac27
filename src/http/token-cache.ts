// Token lookups, remembered for a few seconds: every authenticated request would otherwise
// spend a query (token joined to its user) on the same few keys. What is remembered is the
// row as read, as frozen plain data (a hit attaches no entity to the request's EntityManager);
// whether it may be used now (expiry, the user's active flag, the client's address) is decided
// again on every request (auth.ts, tokenRefusal). A revoked token or a
// changed user clears the whole cache at once: in this process when the write is made, in the
// others when the event bus brings the change (src/domain/users/credential-changes.ts).
import type { EntityManager } from '@mikro-orm/core';
import type { CallerToken } from '../domain/users/caller';
import { findCallerToken } from '../domain/users/tokens';
import { hashTokenKey, TOKEN_KEY } from '../domain/users/passwords';

/** How long a lookup is reused; the bound on staleness if an invalidation were ever lost. */
export const TOKEN_CACHE_MS = 10_000;
/**
 * After an invalidation, lookups are not remembered for this long: a write that changes a
 * credential tells the bus when it flushes, which may be a little before its transaction
 * commits, and a lookup made meanwhile would still read the old row.
 */
export const HOLD_MS = 1_000;
/** Distinct keys kept; beyond it the oldest go (a flood of valid keys cannot grow memory). */
export const TOKEN_CACHE_MAX = 10_000;

/** Frozen plain data (users/caller.ts): one object serves every request that presents the key. */
interface Entry { token: CallerToken; until: number }

export class TokenCache {
  private entries = new Map<string, Entry>();
  private generation = 0;
  private holdUntil = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly ttlMs = TOKEN_CACHE_MS, private readonly now: () => number = Date.now) {}

  /**
   * The token with this key as a caller carries it, or null. A hit reads nothing and attaches
   * nothing to `em`. Unknown keys are not remembered: a token created a moment ago must work at once.
   */
  async find(em: EntityManager, key: string): Promise<CallerToken | null> {
    if (!TOKEN_KEY.test(key.toLowerCase())) return null;
    const hash = hashTokenKey(key);
    const now = this.now();
    const hit = this.entries.get(hash);
    if (hit && hit.until > now) {
      this.hits++;
      return hit.token;
    }
    this.misses++;
    const generation = this.generation;
    const token = await findCallerToken(em, key);
    if (token && generation === this.generation && this.now() >= this.holdUntil) {
      this.entries.delete(hash);
      this.entries.set(hash, { token, until: now + this.ttlMs });
      if (this.entries.size > TOKEN_CACHE_MAX) this.entries.delete(this.entries.keys().next().value!);
    }
    return token;
  }

  /** Forgets every lookup; lookups running now are not remembered either. */
  invalidate(): void {
    this.entries.clear();
    this.generation++;
    this.holdUntil = this.now() + HOLD_MS;
  }

  get size(): number { return this.entries.size; }
}
