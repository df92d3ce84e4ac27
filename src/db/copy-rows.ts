// Rows sent with COPY ... FROM STDIN, on a PostgreSQL server: for thousands of rows of the same
// columns, COPY's text format costs the server about half of what a multi-row INSERT from one JSON
// parameter does (10,000 change records: 90-130 against 195-234 ms in psql, bench/RESULTS.md
// "Issue 16 at the end of 2026-12-07's afternoon stop"). COPY returns nothing, so the rows carry
// their ids (./json-rows takeIds). PGlite has no COPY from a client stream; it reads the same text
// from '/dev/blob' (10,000 change records in-process: 20-30% less than ./json-rows' insert).
// Used for change records (./change-log) and for the objects of a bulk create whose ids were taken
// first (./direct-insert).
import { JsonType, type EntityManager, type EntityProperty } from '@mikro-orm/core';
import type { AbstractSqlConnection, Knex } from '@mikro-orm/knex';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { columnValue, counted, quote, rowProperties, tableOf } from './json-rows';
import { EmbeddedConnection } from './embedded';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const ESCAPED = /[\\\t\n\r]/;

/** Text as a COPY text-format field: backslash, tab, newline and carriage return escaped (most text has none: tested first). */
export function copyField(text: string): string {
  return ESCAPED.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : text;
}

/** JSON text as a COPY field: JSON.stringify escapes every control character, so only backslashes are left to double. */
function jsonField(text: string): string {
  return text.includes('\\') ? text.replaceAll('\\', '\\\\') : text;
}

/** A property's values as COPY fields, from their database values (./json-rows columnValue); null is \N. */
function fieldOf(em: EntityManager, prop: EntityProperty): (v: unknown) => string {
  const value = columnValue(em, prop);
  // A json or jsonb column reads JSON text: a string value too is written as a JSON string.
  const json = prop.customType instanceof JsonType;
  return (v) => {
    const db = value(v);
    if (db === null || db === undefined) return '\\N';
    if (json) return jsonField(JSON.stringify(db));
    if (typeof db === 'string') return copyField(db);
    // Every other column type of the models writes a scalar here; an object would be stored as "[object Object]".
    if (typeof db === 'object') throw new Error(`COPY has no text for ${prop.name}'s value: an object of ${prop.type}`);
    // A number's or a boolean's text has nothing to escape.
    return String(db);
  };
}

/**
 * COPY's text of objects (property name -> value) of the entity, one line each without its id, in
 * the columns of `copyLines(...).columns` after "id". Built while earlier statements run; the ids
 * are put in front when the lines are sent (copyObjects).
 */
export function copyLines(em: EntityManager, entityName: string, objects: Record<string, unknown>[]): { columns: string[]; lines: string[] } {
  const meta = em.getMetadata().find(entityName)!;
  const props = rowProperties(meta);
  const names = props.map((p) => p.name);
  const fields = props.map((p) => fieldOf(em, p));
  const lines = objects.map((o) => {
    let line = '';
    for (let i = 0; i < fields.length; i++) line += (i ? '\t' : '') + fields[i](o[names[i]]);
    return line;
  });
  return { columns: props.map((p) => p.fieldNames[0]), lines };
}

/** Sends the lines (copyLines) with their ids in the caller's transaction; one statement. */
export async function copyObjects(em: EntityManager, entityName: string, columns: string[], lines: string[], ids: number[]): Promise<void> {
  const meta = em.getMetadata().find(entityName)!;
  const quoted = ['id', ...columns].map(quote).join(', ');
  let text = '';
  for (let i = 0; i < lines.length; i++) text += `${ids[i]}\t${lines[i]}\n`;
  const trx = em.getTransactionContext<Knex.Transaction>();
  const conn = em.getConnection();
  if (conn instanceof EmbeddedConnection) {
    await conn.copyFrom(`copy ${tableOf(meta)} (${quoted}) from '/dev/blob'`, text, trx as any, em.getLoggerContext());
    return;
  }
  const sql = `copy ${tableOf(meta)} (${quoted}) from stdin`;
  const client = (trx ?? (conn as AbstractSqlConnection).getKnex()).client as Knex.Client;
  await counted(em, sql, async () => {
    const pg = await client.acquireConnection() as ClientBase;
    try {
      await new Promise<void>((resolve, reject) => {
        const stream = pg.query(copyFrom(sql));
        stream.on('error', reject);
        stream.on('finish', resolve);
        stream.end(text);
      });
    } finally {
      await client.releaseConnection(pg);
    }
  });
}
