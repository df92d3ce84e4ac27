// Raw SQL on the mirror tables, inside the caller's transaction when there is one.
import type { EntityManager } from '@mikro-orm/core';
import { sqlConnection } from '../../db/context';

export type Row = Record<string, unknown>;

/** Runs `sql` with `?` placeholders; inside `em`'s transaction if it has one. */
export async function sqlRows(em: EntityManager, sql: string, args: unknown[] = []): Promise<Row[]> {
  return sqlConnection(em).execute(sql, args as any[], 'all', em.getTransactionContext(), em.getLoggerContext()) as Promise<Row[]>;
}

/** Double-quoted identifier (names come from descriptors, never from requests). */
export const qi = (name: string): string => `"${name.replace(/"/g, '""')}"`;
