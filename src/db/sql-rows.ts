// Raw SQL in the caller's transaction when there is one (mirror tables, workflow lookups).
import type { EntityManager } from '@mikro-orm/core';
import { sqlConnection } from './context';

export type Row = Record<string, unknown>;

/** Runs `sql` with `?` placeholders; inside `em`'s transaction if it has one. */
export async function sqlRows(em: EntityManager, sql: string, args: unknown[] = []): Promise<Row[]> {
  return sqlConnection(em).execute(sql, args as any[], 'all', em.getTransactionContext(), em.getLoggerContext()) as Promise<Row[]>;
}
