import type { EntityManager } from '@mikro-orm/core';

// PostgreSQL ended the session under a statement (a restart, a failover, pg_terminate_backend):
// told apart from a statement the server refused or timed out, because only then may a statement
// that certainly did nothing yet (a BEGIN) run again on another connection.

/** SQLSTATEs of a session the server ended: admin_shutdown, crash_shutdown. */
const ENDED_STATES = new Set(['57P01', '57P02']);

/** What node-postgres and the socket say when the session is gone before the server could answer. */
const ENDED_MESSAGE = /Connection terminated|not queryable|ECONNRESET|EPIPE/;

export function sessionDropped(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  return ENDED_STATES.has(String(err.code ?? '')) || ENDED_MESSAGE.test(String(err.message ?? ''));
}

/**
 * How many times a statement that certainly did nothing yet may run again after a dropped session:
 * once for each connection the pool may hold, as a server restart ends all of them at once and the
 * pool may not have heard of it yet; none without a pool (PGlite).
 */
export function retriesAfterDrop(em: EntityManager): number {
  return (em.config.get('pool') as { max?: number } | undefined)?.max ?? 0;
}
