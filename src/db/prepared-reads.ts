// The read compiler's statements (src/graphql/read-compiler) on a PostgreSQL server, as named
// prepared statements. A list's statement is kilobytes of SQL with a subquery per nested list;
// parsing and planning it again on every request cost the server about as much as a quarter of
// running it (bench/read-ratios). Its text is the same for every page of one shape (limit, offset
// and ids are parameters), so each pool connection parses and plans it once, as PostGraphile does.
// Values travel as parameters the way the embedded driver sends them (./sql-text parameterise);
// the embedded driver runs statements unnamed, in its own process.
import type { EntityManager } from '@mikro-orm/core';
import type { AbstractSqlConnection, Knex } from '@mikro-orm/knex';
import { EmbeddedConnection } from './embedded';
import { parameterise, type QuotingPlatform, type Statement } from './sql-text';
import { retriesAfterDrop, sessionDropped } from './dropped-session';

/** Statements kept prepared per connection (PostGraphile 4 keeps 100); the least recently used is deallocated. */
export const PREPARED_PER_CONNECTION = 100;
/** Texts remembered to tell a repeated statement from a one-off: a one-off (a filter's values inlined) runs unnamed. */
const SEEN = 500;

/** The pg client of a pool connection, as much of it as is used here. */
export interface PgClient {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: Record<string, any>[] }>;
  query(text: string): Promise<unknown>;
  connection: { parsedStatements: Record<string, string> };
}

/**
 * Configurations (one per opened database) whose reads run unnamed: behind a pooler that hands a
 * client's statements to whichever server session is free (pgbouncer in transaction mode), a
 * statement prepared on one session is unknown on the next (DATABASE_PREPARED_STATEMENTS=false).
 */
const unprepared = new WeakSet<object>();

export function readUnprepared(em: EntityManager): void {
  unprepared.add(em.config);
}

/** Insertion order is recency (a hit moves to the end). */
const seen = new Map<string, true>();
const preparedOn = new WeakMap<PgClient, { names: Map<string, string>; next: number }>();

/** Rows of one read statement (`?` placeholders) in the entity manager's transaction, counted as every query. */
export function executeRead(em: EntityManager, sql: string, params: readonly unknown[]): Promise<Record<string, any>[]> {
  const conn = em.getConnection() as AbstractSqlConnection;
  const trx = em.getTransactionContext<Knex.Transaction>();
  if (conn instanceof EmbeddedConnection) return conn.execute(sql, [...params] as any[], 'all', trx, em.getLoggerContext());
  const stmt = numberedStatement(sql, params, conn.getPlatform() as unknown as QuotingPlatform);
  // Through executeQuery, so the query is counted and logged (without its values) as every other.
  return (conn as unknown as { executeQuery<T>(q: string, cb: () => Promise<T>, ctx: object): Promise<T> }).executeQuery(sql, async () => {
    if (trx?.isCompleted()) throw new Error('Transaction query already complete');
    const client = (trx ?? conn.getKnex()).client;
    const name = !unprepared.has(em.config) && repeated(stmt.text);
    // A read outside a transaction runs again on another connection when the server had ended the
    // session of the one it got (./dropped-session); inside one, the transaction is lost anyway.
    for (let attempt = 0, retries = trx ? 0 : retriesAfterDrop(em); ; attempt++) {
      const pg = await client.acquireConnection() as PgClient;
      try {
        const named = name ? await preparedName(pg, stmt.text, trx ? Infinity : PREPARED_PER_CONNECTION) : undefined;
        return (await pg.query({ name: named, text: stmt.text, values: stmt.values })).rows;
      } catch (e) {
        if (attempt >= retries || !sessionDropped(e)) throw e;
      } finally {
        await client.releaseConnection(pg);
      }
    }
  }, { query: sql, params: [], ...em.getLoggerContext() });
}

/** Texts with numbered placeholders by their `?` text, for parameters that are all strings (insertion order is age). */
const numbered = new Map<string, string>();

/**
 * parameterise()'s statement, its text made once per `?` text when every parameter is a string
 * (a compiled read's always are: limits, offsets and ids as text, a filter's values): each becomes
 * a numbered placeholder, whatever its value. The same text object each time then costs no
 * rebuilding of a kilobytes-long string, and no hashing of it again where it is looked up.
 */
export function numberedStatement(sql: string, params: readonly unknown[], platform: QuotingPlatform): Statement {
  if (!params.every((p) => typeof p === 'string')) return parameterise(sql, params, platform);
  const text = numbered.get(sql);
  if (text !== undefined) return { text, values: [...params] as string[] };
  const stmt = parameterise(sql, params, platform);
  // A `??` takes its parameter as an identifier, into the text: such a text is not kept.
  if (stmt.values.length === params.length) {
    if (numbered.size >= SEEN) numbered.delete(numbered.keys().next().value!);
    numbered.set(sql, stmt.text);
  }
  return stmt;
}

function repeated(text: string): boolean {
  const hit = seen.delete(text);
  seen.set(text, true);
  if (seen.size > SEEN) seen.delete(seen.keys().next().value!);
  return hit;
}

/**
 * The name `text` is prepared under on this connection, after deallocating the least recently
 * used beyond `keep`. A name is never reused once deallocated. Within a transaction nothing is
 * deallocated (keep = Infinity): a DEALLOCATE there could meet an aborted transaction, or a
 * statement of the same transaction still running.
 */
export async function preparedName(pg: PgClient, text: string, keep = PREPARED_PER_CONNECTION): Promise<string> {
  let prepared = preparedOn.get(pg);
  if (!prepared) preparedOn.set(pg, (prepared = { names: new Map(), next: 0 }));
  const { names } = prepared;
  const name = names.get(text) ?? `peergate_read_${++prepared.next}`;
  names.delete(text);
  names.set(text, name);
  while (names.size > keep) {
    const [oldest, old] = names.entries().next().value!;
    names.delete(oldest);
    await pg.query(`deallocate ${old}`);
    delete pg.connection.parsedStatements[old];
  }
  return name;
}
