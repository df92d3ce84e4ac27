// Many rows in one INSERT with one parameter: the rows travel as a JSON array that
// json_populate_recordset turns into the table's own row type, so PostgreSQL parses each
// value by its column's type. Bind parameters per value (what the ORM sends) cost the
// driver and the server far more for 10,000 rows, and overflow PGlite's protocol buffer.
import { BigIntType, JsonType, ReferenceKind, type EntityManager, type EntityMetadata, type EntityProperty } from '@mikro-orm/core';
import type { AbstractSqlConnection, Knex } from '@mikro-orm/knex';
import { EmbeddedConnection } from './embedded';
import { executeRead } from './prepared-reads';
import { isoTexts } from '../domain/iso-time';

/** Rows per statement: bounds the size of one parameter (a change-log row carries two JSON copies of an object). */
export const CHUNK = 2000;

/**
 * `column` is one of `ids`, as SQL and its parameter: the planner looks the rows up by index, where
 * a set from JSON (estimated at 100 rows) had it scan the whole index. One id is compared as one
 * value: for an array parameter PostgreSQL guesses ten elements, finds the generic plan dearer than
 * one made for a single id, and plans a prepared statement again on every execution. The id is
 * sent as text so it stays a parameter (./sql-text inlines numbers: a statement text per id).
 */
export function idsIn(column: string, ids: readonly number[]): { sql: string; param: string } {
  return ids.length === 1 ? { sql: `${column} = ?::int`, param: String(ids[0]) } : { sql: `${column} = any(?::int[])`, param: `{${ids.join(',')}}` };
}

/** A double-quoted SQL identifier. */
export const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function tableOf(meta: EntityMetadata): string {
  return meta.schema ? `${quote(meta.schema)}.${quote(meta.tableName)}` : quote(meta.tableName);
}

/** A property's values as JSON that the column's input function reads back as the same values (decided once per property, used per row). */
export function columnValue(em: EntityManager, prop: EntityProperty): (v: unknown) => unknown {
  if (prop.kind === ReferenceKind.MANY_TO_ONE || prop.kind === ReferenceKind.ONE_TO_ONE) return (v) => (v === undefined || v === null ? null : (v as { id?: unknown }).id ?? v);
  // A json or jsonb column takes the JSON value as it is.
  if (prop.customType instanceof JsonType) return (v) => v ?? null;
  const type = prop.customType;
  const platform = em.getPlatform();
  const isoText = isoTexts();
  return (v) => {
    if (v === undefined || v === null) return null;
    if (v instanceof Date) return isoText(v);
    return type ? type.convertToDatabaseValue(v, platform, QUERY_MODE) : v;
  };
}

const QUERY_MODE = { mode: 'query' } as any;

/** The properties stored in the entity's own row (scalars and owning foreign keys), not the generated id. */
export function rowProperties(meta: EntityMetadata): EntityProperty[] {
  return Object.values(meta.props).filter((p) => p.persist !== false && !p.formula && !(p.primary && p.autoincrement)
    && (p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.MANY_TO_ONE || (p.kind === ReferenceKind.ONE_TO_ONE && p.owner)));
}

/**
 * Inserts objects (property name -> value) into the entity's table and returns the RETURNING rows in
 * the objects' order, with column names (`returning` must include the generated id). A property left undefined takes the column's default, so
 * objects are grouped by the properties they set (one statement per group and chunk). `withIds`:
 * the objects carry their ids already (takeIds), in ascending order, and are inserted with them.
 */
export async function insertObjects(em: EntityManager, entityName: string, objects: Record<string, unknown>[], returning = 'id', withIds = false): Promise<Record<string, any>[]> {
  const meta = em.getMetadata().find(entityName)!;
  const props = withIds ? [...meta.props.filter((p) => p.primary), ...rowProperties(meta)] : rowProperties(meta);
  const out: Record<string, any>[] = new Array(objects.length);
  const groups = new Map<string, number[]>();
  objects.forEach((o, i) => {
    let key = '';
    for (const p of props) key += o[p.name] === undefined ? '0' : '1';
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(i);
  });
  // One statement in flight at a time; on a server the next chunk's JSON is built while it runs the last.
  let inFlight: Promise<void> | undefined;
  for (const [key, indexes] of groups) {
    const set = props.filter((_, j) => key[j] === '1').map((p) => ({ name: p.name, column: p.fieldNames[0], value: columnValue(em, p) }));
    const columns = set.map((c) => quote(c.column)).join(', ');
    const row = (o: Record<string, unknown>) => {
      const r: Record<string, unknown> = {};
      for (const c of set) r[c.column] = c.value(o[c.name]);
      return r;
    };
    for (let start = 0; start < indexes.length; start += CHUNK) {
      const chunk = indexes.slice(start, start + CHUNK);
      const json = JSON.stringify(chunk.map((i) => row(objects[i])));
      await inFlight;
      inFlight = execute(em, `insert into ${tableOf(meta)} (${columns}) select ${columns} from json_populate_recordset(null::${tableOf(meta)}, ?::json) returning ${returning}`, [json]).then((rows) => {
        // Ids come from the sequence in insertion order, which is the array's order.
        rows.sort((a, b) => Number(a.id) - Number(b.id));
        rows.forEach((r, j) => { out[chunk[j]] = r; });
      });
    }
  }
  await inFlight;
  return out;
}

/**
 * `n` new ids from the table's id sequence, ascending: with the ids known before the rows are
 * inserted, what records them (the change log) can be built while they insert.
 */
export async function takeIds(em: EntityManager, entityName: string, n: number): Promise<number[]> {
  if (n < 1) return [];
  const meta = em.getMetadata().find(entityName)!;
  // The sequence is looked up once (`offset 0` keeps the subquery from being folded into every
  // row), and the ids come back as one text: per row, the lookup and the driver's row cost
  // 25-40 ms for 10,000 ids on a local server, against 4-8 ms this way.
  // n as text: a parameter, not a literal (./sql-text inlines numbers), so the text is the same for every n (prepared once).
  const [row] = await execute(em, `select string_agg(nextval(q.s)::text, ',') as ids from (select pg_get_serial_sequence(?, 'id')::regclass as s offset 0) q, generate_series(1, ?::int)`, [tableOf(meta), String(n)]);
  return (row.ids as string).split(',').map(Number).sort((a, b) => a - b);
}

/**
 * Which of `values` a plain scalar property (no custom type but bigint) already has in the entity's table,
 * ignoring the rows `exceptIds`, as text: one statement with the values as one JSON parameter
 * (a uniqueness check of 10,000 new objects; a condition of 10,000 values costs the ORM more than
 * the query). Undefined for properties it does not handle, which the caller checks its own way.
 */
export async function takenValues(em: EntityManager, entityName: string, property: string, values: unknown[], exceptIds: number[]): Promise<Set<string> | undefined> {
  const meta = em.getMetadata().find(entityName)!;
  const prop = meta.props.find((p) => p.name === property);
  // A bigint mapped to a JS number reads back as the same digits.
  const plain = !prop?.customType || prop.customType instanceof BigIntType;
  if (!prop || prop.kind !== ReferenceKind.SCALAR || !plain || prop.fieldNames.length !== 1) return undefined;
  const column = quote(prop.fieldNames[0]);
  const except = exceptIds.length ? ` and id not in (select value::bigint from json_array_elements_text(?::json))` : '';
  const rows = await execute(em, `select ${column} as v from ${tableOf(meta)} where ${column} in (select ${column} from json_populate_recordset(null::${tableOf(meta)}, ?::json))${except}`,
    [JSON.stringify(values.map((v) => ({ [prop.fieldNames[0]]: v }))), ...(exceptIds.length ? [JSON.stringify(exceptIds)] : [])]);
  return new Set(rows.map((r) => String(r.v)));
}

/** Inserts (owner id, target id) pairs into a many-to-many relation's pivot table. */
export async function insertPivotRows(em: EntityManager, prop: EntityProperty, pairs: [number, number][]): Promise<void> {
  if (!pairs.length) return;
  const [owner, target] = [prop.joinColumns[0], prop.inverseJoinColumns[0]];
  const table = quote(prop.pivotTable);
  for (let start = 0; start < pairs.length; start += CHUNK * 5) {
    const json = JSON.stringify(pairs.slice(start, start + CHUNK * 5).map(([a, b]) => ({ [owner]: a, [target]: b })));
    await execute(em, `insert into ${table} (${quote(owner)}, ${quote(target)}) select ${quote(owner)}, ${quote(target)} from json_populate_recordset(null::${table}, ?::json)`, [json]);
  }
}

/**
 * One statement with its values as bind parameters, in the entity manager's transaction. On a
 * server MikroORM's execute inlines values into the text, escaping a megabyte of JSON character by
 * character; knex sends them as parameters. The embedded connection sends parameters itself.
 */
export function execute(em: EntityManager, sql: string, params: unknown[]): Promise<Record<string, any>[]> {
  const conn = em.getConnection() as AbstractSqlConnection;
  const trx = em.getTransactionContext<Knex.Transaction>();
  if (conn instanceof EmbeddedConnection) return conn.execute(sql, params as any[], 'all', trx, em.getLoggerContext());
  // In a write's transaction, as the read compiler's statements run (./prepared-reads): a model's
  // insert, its change records' and a uniqueness check are the same text write after write, so the
  // server parses and plans them once per connection, and knex's raw query is not built for them.
  if (trx) return executeRead(em, sql, params);
  return counted(em, sql, async () => ((await conn.getKnex().raw(sql, params as Knex.RawBinding[])) as { rows: Record<string, any>[] }).rows);
}

/** Runs `run` as the statement `sql` of a server connection: counted and logged as every other (without its values). */
export function counted<T>(em: EntityManager, sql: string, run: () => Promise<T>): Promise<T> {
  const conn = em.getConnection() as unknown as { executeQuery<R>(q: string, cb: () => Promise<R>, ctx: object): Promise<R> };
  return conn.executeQuery(sql, run, { query: sql, params: [], ...em.getLoggerContext() });
}
