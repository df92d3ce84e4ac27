// Tables a process creates at run time on a PostgreSQL server (the event log, BGP leases, speaker
// nodes), outside the migrations. `create table if not exists` is not safe against itself: two
// processes starting together on a fresh database (GATEWAY_PROCESSES, several workers) both create,
// and one fails on the catalog's unique index, or goes on before the other's table is committed.
// An advisory lock on the table's name makes them take turns.
import type { Client } from 'pg';

/** Creates `table` with `columns` (its definition's parenthesized list, without the parentheses) unless it exists. */
export async function ensureTable(client: Pick<Client, 'query'>, table: string, columns: string): Promise<void> {
  await client.query(`begin; select pg_advisory_xact_lock(hashtext('${table}')); create table if not exists ${table} (${columns}); commit`);
}
