// Mirrors a PeeringDB API (PeeringDB itself or another PeerGate's /pdb/api) into the
// local tables the way peeringdb-py does: object types in its fixed order; an empty
// table gets a full load, a filled one `since=<max(updated) - 1s>` increments; parents
// missing locally are fetched with `since=1&id__in=`; rows are upserted by PeeringDB id
// in multi-row INSERT ... ON CONFLICT batches, deletions arrive as status "deleted".
// Each type is one transaction, so a crash leaves every type either before or after
// its step, and the next run continues from what the tables hold.
import type { EntityManager } from '@mikro-orm/core';
import { pdbTable, type PdbTable } from './columns';
import { SYNC_ORDER, type PdbTag } from './tags';
import { sqlRows, type Row } from '../../db/sql-rows';
import { quote } from '../../db/json-rows';
import { jsonDepthExceeds, jsonTooDeep } from '../values';
import { fetchFailure } from '../../fetch-failure';
import { transaction } from '../../db/transaction';

export const DEFAULT_PEERINGDB_URL = 'https://www.peeringdb.com/api';
/** peeringdb-py's PDB_SYNC_LOOKBACK: `updated` has whole seconds and the server compares with >. */
const LOOKBACK_S = 1;
/** PostgreSQL takes at most 65535 bind parameters per statement, PGlite's protocol 32767. */
const MAX_PARAMS = 15000;

export interface SyncOptions {
  url?: string;
  /** Where full loads read `<tag>-0.json` (peeringdb-py's cache URL: https://public.peeringdb.com, or a PeerGate's /pdb/public). */
  cacheUrl?: string;
  full?: boolean;
  apiKey?: string;
  tags?: PdbTag[];
  fetch?: typeof fetch;
  onProgress?: (p: SyncProgress) => void;
}

export interface SyncProgress { tag: PdbTag; index: number; of: number; phase: 'fetch' | 'write' | 'done'; rows: number; done: number }

export interface TagSummary { tag: PdbTag; mode: 'full' | 'incremental'; fetched: number; upserted: number; deleted: number; parentsFetched: number; skipped: number; ms: number }

export interface SyncSummary { url: string; tags: TagSummary[]; ms: number }

export class SyncError extends Error {}

/** GET with peeringdb-py's backoff on 429 (2^n seconds, at most 60). */
async function getJson(opts: SyncOptions, path: string, base = opts.url ?? DEFAULT_PEERINGDB_URL): Promise<Row[]> {
  const url = `${base.replace(/\/+$/, '')}/${path}`;
  const doFetch = opts.fetch ?? fetch;
  const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'PeerGate-sync/1 (+peeringdb mirror)' };
  if (opts.apiKey) headers.Authorization = `Api-Key ${opts.apiKey}`;
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await doFetch(url, { headers });
    } catch (e) {
      throw new SyncError(`cannot reach ${url}: ${fetchFailure(e)}`);
    }
    if (res.status === 429 && attempt < 6) {
      await new Promise((r) => setTimeout(r, Math.min(60, 2 ** attempt) * 1000));
      continue;
    }
    const text = await res.text();
    let body: any;
    try { body = JSON.parse(text); } catch { throw new SyncError(`${url}: HTTP ${res.status}, not JSON`); }
    if (res.status === 404 && Array.isArray(body?.data)) return [];
    if (!res.ok) throw new SyncError(`${url}: HTTP ${res.status} ${body?.meta?.error ?? ''}`.trim());
    if (!Array.isArray(body?.data)) throw new SyncError(`${url}: no data list in the response`);
    return body.data as Row[];
  }
}

function columnValue(t: PdbTable, rest: string, v: unknown, id: unknown): unknown {
  const c = t.byRest.get(rest)!;
  if (v === undefined) return undefined;
  if (c.kind === 'json') {
    // The source is not trusted more than a client: a value nested past JSON_MAX_DEPTH would
    // make the database engine recurse on it (the embedded one can fault), so the sync stops.
    if (jsonDepthExceeds(v)) throw new SyncError(`${t.tag} ${String(id)}: ${rest}: ${jsonTooDeep()}`);
    return v === null ? null : JSON.stringify(v);
  }
  return v;
}

/**
 * A large statement straight through knex, in the transaction: MikroORM's query logging
 * formats every statement with its parameters inlined, which for a 2,000-row INSERT
 * costs more than running it.
 */
async function bulk(em: EntityManager, sql: string, args: unknown[]): Promise<Row[]> {
  const knex = (em.getConnection() as any).getKnex();
  const trx = em.getTransactionContext();
  const q = knex.raw(sql, args);
  const res = await (trx ? q.transacting(trx) : q);
  return (res?.rows ?? res ?? []) as Row[];
}

/** Upserts rows by id in multi-row statements; columns a row lacks keep their defaults. */
async function upsert(em: EntityManager, t: PdbTable, rows: Row[]): Promise<number> {
  if (!rows.length) return 0;
  const cols = t.columns.filter((c) => !c.field.writeOnly);
  const per = Math.max(1, Math.floor(MAX_PARAMS / cols.length));
  const names = cols.map((c) => quote(c.column)).join(', ');
  const updates = cols.filter((c) => c.rest !== 'id').map((c) => `${quote(c.column)} = excluded.${quote(c.column)}`).join(', ');
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const args: unknown[] = [];
    const tuples = chunk.map((r) => `(${cols.map((c) => {
      const v = columnValue(t, c.rest, r[c.rest], r.id);
      if (v === undefined) return 'default';
      args.push(v);
      return '?';
    }).join(', ')})`);
    await bulk(em, `insert into ${quote(t.table)} (${names}) values ${tuples.join(', ')} on conflict (id) do update set ${updates}`, args);
  }
  return rows.length;
}

async function existingIds(em: EntityManager, t: PdbTable, ids: number[]): Promise<Set<number>> {
  // One array parameter, not one placeholder per id: tens of thousands of ids stay one cheap statement.
  const rows = await bulk(em, `select id from ${quote(t.table)} where id = any(?::int[])`, [`{${ids.join(',')}}`]);
  return new Set(rows.map((r) => Number(r.id)));
}

/**
 * Parents the rows point at that the local tables lack (peeringdb-py's dangling-FK fix):
 * fetched with `since=1` (so deleted and older rows come too), their own parents first.
 * A reference that cannot be resolved is cleared when nullable; otherwise the row is dropped.
 */
async function resolveParents(em: EntityManager, opts: SyncOptions, t: PdbTable, rows: Row[], depth = 0): Promise<{ rows: Row[]; fetched: number; skipped: number }> {
  let fetched = 0;
  const unresolved = new Map<string, Set<number>>();
  for (const c of t.columns) {
    if (!c.fk) continue;
    const ids = [...new Set(rows.map((r) => r[c.rest]).filter((v): v is number => typeof v === 'number'))];
    if (!ids.length) continue;
    const pt = pdbTable(c.fk.tag);
    const have = await existingIds(em, pt, ids);
    // Parents of the same type arriving in this batch are written in it.
    if (c.fk.tag === t.tag) for (const r of rows) have.add(Number(r.id));
    const missing = ids.filter((id) => !have.has(id));
    if (!missing.length) continue;
    const got: Row[] = [];
    for (let i = 0; i < missing.length; i += 150) {
      const chunk = missing.slice(i, i + 150);
      got.push(...await getJson(opts, `${c.fk.tag}?since=1&depth=0&${chunk.length === 1 ? `id=${chunk[0]}` : `id__in=${chunk.join(',')}`}`));
    }
    if (got.length && depth < 4) {
      const r = await resolveParents(em, opts, pt, got, depth + 1);
      fetched += r.fetched + await upsert(em, pt, r.rows);
      for (const row of r.rows) have.add(Number(row.id));
    }
    unresolved.set(c.rest, new Set(missing.filter((id) => !have.has(id))));
  }
  let skipped = 0;
  const kept = rows.filter((r) => {
    for (const [rest, bad] of unresolved) {
      if (!bad.has(r[rest] as number)) continue;
      if (t.byRest.get(rest)!.field.nullable) r[rest] = null;
      else { skipped++; return false; }
    }
    return true;
  });
  return { rows: kept, fetched, skipped };
}

async function watermark(em: EntityManager, t: PdbTable): Promise<number | null> {
  const [r] = await sqlRows(em, `select extract(epoch from max(updated))::bigint as ts, count(*)::int as n from ${quote(t.table)}`);
  return Number(r.n) > 0 && r.ts !== null ? Number(r.ts) : null;
}

/** One object type, in one transaction. */
async function syncTag(em: EntityManager, opts: SyncOptions, tag: PdbTag, index: number, of: number): Promise<TagSummary> {
  const started = Date.now();
  const t = pdbTable(tag);
  const since = opts.full ? null : await watermark(em, t);
  const progress = (phase: SyncProgress['phase'], rows: number, done: number) => opts.onProgress?.({ tag, index, of, phase, rows, done });
  progress('fetch', 0, 0);
  const rows = since !== null ? await getJson(opts, `${tag}?since=${since - LOOKBACK_S}&depth=0`)
    : opts.cacheUrl ? await getJson(opts, `${tag}-0.json`, opts.cacheUrl) : await getJson(opts, `${tag}?depth=0`);
  progress('write', rows.length, 0);
  return transaction(em, async (tem) => {
    const resolved = await resolveParents(tem, opts, t, rows);
    let upserted = 0;
    const per = 5000;
    for (let i = 0; i < resolved.rows.length; i += per) {
      upserted += await upsert(tem, t, resolved.rows.slice(i, i + per));
      progress('write', rows.length, upserted);
    }
    let deleted = resolved.rows.filter((r) => r.status === 'deleted').length;
    if (since === null) deleted += await retireMissing(tem, t, resolved.rows);
    progress('done', rows.length, upserted);
    return { tag, mode: since === null ? 'full' : 'incremental', fetched: rows.length, upserted, deleted, parentsFetched: resolved.fetched, skipped: resolved.skipped, ms: Date.now() - started } as TagSummary;
  });
}

/** After a full load, local live rows the upstream no longer lists are gone upstream. */
async function retireMissing(em: EntityManager, t: PdbTable, rows: Row[]): Promise<number> {
  const listed = new Set(rows.map((r) => Number(r.id)));
  const live = await sqlRows(em, `select id from ${quote(t.table)} where status = 'ok'`);
  const gone = live.map((r) => Number(r.id)).filter((id) => !listed.has(id));
  // `updated` stays: it is the upstream's clock, and the next `since` reads it.
  if (gone.length) await bulk(em, `update ${quote(t.table)} set status = 'deleted' where id = any(?::int[])`, [`{${gone.join(',')}}`]);
  return gone.length;
}

/** Writes upstream-shaped rows of one type as they are, in one transaction (dataset loads, benchmarks). */
export async function loadRows(em: EntityManager, tag: PdbTag, rows: Row[]): Promise<number> {
  return transaction(em, (tem) => upsert(tem, pdbTable(tag), rows));
}

let running = false;

/** Runs a sync over every object type (or `opts.tags`), one transaction per type. */
export async function syncPeeringDB(em: EntityManager, opts: SyncOptions = {}): Promise<SyncSummary> {
  if (running) throw new SyncError('A PeeringDB sync is already running in this process.');
  running = true;
  const started = Date.now();
  try {
    const tags = SYNC_ORDER.filter((t) => !opts.tags || opts.tags.includes(t));
    const out: TagSummary[] = [];
    for (const [i, tag] of tags.entries()) out.push(await syncTag(em.fork(), opts, tag, i, tags.length));
    return { url: opts.url ?? DEFAULT_PEERINGDB_URL, tags: out, ms: Date.now() - started };
  } finally {
    running = false;
  }
}

export function formatSummary(s: SyncSummary): string {
  const lines = s.tags.map((t) => `${t.tag.padEnd(11)} ${t.mode.padEnd(11)} fetched ${String(t.fetched).padStart(7)}  upserted ${String(t.upserted).padStart(7)}  deleted ${String(t.deleted).padStart(6)}  parents ${String(t.parentsFetched).padStart(4)}${t.skipped ? `  skipped ${t.skipped}` : ''}  ${t.ms} ms`);
  return [`PeeringDB sync from ${s.url}`, ...lines, `total ${s.ms} ms`].join('\n');
}
