// Raw SQL on the mirror tables, inside the caller's transaction when there is one.
import type { EntityManager } from '@mikro-orm/core';

export type Row = Record<string, unknown>;

/** Runs `sql` with `?` placeholders; inside `em`'s transaction if it has one. */
export async function sqlRows(em: EntityManager, sql: string, args: unknown[] = []): Promise<Row[]> {
  return em.getConnection().execute(sql, args as any[], 'all', em.getTransactionContext()) as Promise<Row[]>;
}

/** Double-quoted identifier (names come from descriptors, never from requests). */
export const qi = (name: string): string => `"${name.replace(/"/g, '""')}"`;
