// Writes to the mirror with PeeringDB's semantics: POST creates (status ok: PeerGate
// has no approval queue), PUT updates, DELETE soft-deletes with PeeringDB's cascade.
// Types, foreign keys (to live parents) and uniqueness among live rows are checked;
// PeeringDB's business rules (a netixlan needs a technical poc, ...) are not.
// Callers run these inside one transaction.
import type { EntityManager } from '@mikro-orm/core';
import { ValidationError, NotFoundError } from '../errors';
import { pdbTable, type PdbColumn, type PdbTable } from './columns';
import { PDB_TYPES, type PdbTag } from './tags';
import { validDate } from '../values';

import { sqlRows as rows, type Row } from '../../db/sql-rows';
import { quote } from '../../db/json-rows';

type Errors = Record<string, string[]>;

/** Now, whole seconds: `since` compares seconds, and PeeringDB renders no fractions. */
export function pdbNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

function add(errors: Errors, key: string, msg: string): void {
  (errors[key] ??= []).push(msg);
}

/** One written value, coerced to the column's type, or an error message. */
function coerce(c: PdbColumn, v: unknown, errors: Errors): unknown {
  if (v === null) {
    if (!c.field.nullable) add(errors, c.rest, 'This field may not be null.');
    return null;
  }
  switch (c.kind) {
    case 'fk': case 'int': case 'bigint': case 'asn': {
      const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) { add(errors, c.rest, 'A valid integer is required.'); return undefined; }
      if (c.field.min !== undefined && n < c.field.min) add(errors, c.rest, `Ensure this value is greater than or equal to ${c.field.min}.`);
      if (c.field.max !== undefined && n > c.field.max) add(errors, c.rest, `Ensure this value is less than or equal to ${c.field.max}.`);
      if ((c.kind === 'int' || c.kind === 'fk') && Math.abs(n) > 2147483647) add(errors, c.rest, 'Ensure this value is less than or equal to 2147483647.');
      return n;
    }
    case 'float': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) { add(errors, c.rest, 'A valid number is required.'); return undefined; }
      return n;
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'True' || v === 1 || v === '1') return true;
      if (v === 'false' || v === 'False' || v === 0 || v === '0') return false;
      add(errors, c.rest, 'Must be a valid boolean.');
      return undefined;
    case 'json':
      return JSON.stringify(v);
    case 'datetime': {
      const d = validDate(String(v));
      if (!d) { add(errors, c.rest, 'Datetime has wrong format.'); return undefined; }
      return d;
    }
    default:
      if (typeof v === 'object') { add(errors, c.rest, 'Not a valid string.'); return undefined; }
      if (c.field.required && String(v).trim() === '') add(errors, c.rest, 'This field may not be blank.');
      return String(v);
  }
}

/** Columns a client may write: not read-only; FKs by `<name>_id` or the bare name. */
function writable(t: PdbTable): PdbColumn[] {
  return t.columns.filter((c) => !c.field.readOnly && c.kind !== 'id');
}

function readInput(t: PdbTable, data: Row, create: boolean, errors: Errors): Row {
  const values: Row = {};
  for (const c of writable(t)) {
    // Own keys only: a body's keys never reach what objects inherit.
    const raw = Object.hasOwn(data, c.rest) ? data[c.rest] : c.fk && Object.hasOwn(data, c.fk.name) ? data[c.fk.name] : undefined;
    if (raw === undefined) {
      if (create && c.field.required) add(errors, c.rest, 'This field is required.');
      continue;
    }
    const v = coerce(c, raw && typeof raw === 'object' && c.fk && 'id' in (raw as Row) ? (raw as Row).id : raw, errors);
    if (v !== undefined) values[c.column] = v;
  }
  return values;
}

/** FK targets must exist and be live (PeeringDB's ParentStatusException otherwise). */
async function loadParents(em: EntityManager, t: PdbTable, values: Row, errors: Errors): Promise<Map<string, Row>> {
  const parents = new Map<string, Row>();
  for (const c of t.columns) {
    if (!c.fk || values[c.column] === undefined || values[c.column] === null) continue;
    const pt = pdbTable(c.fk.tag);
    const [p] = await rows(em, `select * from ${quote(pt.table)} where id = ?`, [values[c.column]]);
    if (!p) add(errors, c.rest, `Invalid pk "${values[c.column]}" - object does not exist.`);
    else if (p.status !== 'ok') add(errors, c.rest, `Parent object ${c.fk.tag} ${p.id} has status "${p.status}"; it must be "ok".`);
    else parents.set(c.prop, p);
  }
  return parents;
}

/** Read-only fields PeeringDB derives from the parents (names, ASNs, the IX of a netixlan). */
async function derive(em: EntityManager, tag: PdbTag, row: Row): Promise<void> {
  const one = async (table: string, id: unknown): Promise<Row> => (id == null ? {} : (await rows(em, `select * from ${quote(table)} where id = ?`, [id]))[0] ?? {});
  if (['fac', 'carrier', 'campus'].includes(tag)) row.org_name = (await one('peeringdb_org', row.org_id)).name ?? '';
  if (tag === 'netixlan') {
    const ixlan = await one('peeringdb_ixlan', row.ixlan_id);
    const ix = await one('peeringdb_ix', ixlan.ix_id);
    row.ix_id = ixlan.ix_id ?? null;
    row.name = ixlan.name ? `${ix.name ?? ''}: ${ixlan.name}` : (ix.name ?? '');
    row.asn = (await one('peeringdb_net', row.net_id)).asn;
  }
  if (tag === 'netfac' || tag === 'ixfac' || tag === 'carrierfac') {
    const fac = await one('peeringdb_fac', row.fac_id);
    row.name = fac.name ?? '';
    if (tag !== 'carrierfac') { row.city = fac.city ?? ''; row.country = fac.country ?? ''; }
    if (tag === 'netfac') row.local_asn = (await one('peeringdb_net', row.net_id)).asn ?? null;
  }
}

/** Unique fields among live rows (case-insensitive), excluding the row itself. */
async function checkUnique(em: EntityManager, t: PdbTable, row: Row, id: number | null, errors: Errors): Promise<void> {
  for (const name of PDB_TYPES[t.tag].unique) {
    const c = t.byRest.get(name)!;
    const v = row[c.column];
    if (v === null || v === undefined || v === '') continue;
    const cmp = c.kind === 'asn' || c.kind === 'int' ? `${quote(c.column)} = ?` : `lower(${quote(c.column)}) = lower(?)`;
    const hit = await rows(em, `select id from ${quote(t.table)} where ${cmp} and status <> 'deleted'${id ? ' and id <> ?' : ''} limit 1`, id ? [v, id] : [v]);
    if (hit.length) add(errors, c.rest, `${t.tag} with this ${name} already exists.`);
  }
}

/** The next free id: the mirror keeps upstream ids, so no sequence can be trusted. */
async function nextId(em: EntityManager, table: string): Promise<number> {
  await rows(em, `select pg_advisory_xact_lock(hashtext(?))`, [table]);
  const [r] = await rows(em, `select coalesce(max(id), 0) + 1 as id from ${quote(table)}`);
  return Number(r.id);
}

async function insert(em: EntityManager, t: PdbTable, row: Row): Promise<void> {
  const cols = Object.keys(row);
  await rows(em, `insert into ${quote(t.table)} (${cols.map(quote).join(', ')}) values (${cols.map(() => '?').join(', ')})`, cols.map((k) => row[k]));
}

function throwIfErrors(errors: Errors): void {
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

function bodyObject(data: unknown): Row {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ValidationError({ non_field_errors: ['Invalid data. Expected a dictionary.'] });
  return data as Row;
}

export async function pdbCreate(em: EntityManager, tag: PdbTag, data: unknown): Promise<number> {
  const t = pdbTable(tag);
  const input = bodyObject(data);
  const errors: Errors = {};
  const values = readInput(t, input, true, errors);
  throwIfErrors(errors);
  await loadParents(em, t, values, errors);
  throwIfErrors(errors);
  const now = pdbNow();
  const row: Row = { ...values, status: 'ok', created: now, updated: now };
  await derive(em, tag, row);
  await checkUnique(em, t, row, null, errors);
  throwIfErrors(errors);
  row.id = await nextId(em, t.table);
  await insert(em, t, row);
  if (tag === 'ix') await createIxLan(em, row, input.prefix, now);
  return row.id as number;
}

/** A new IX gets its IX LAN (same id) and, from the write-only `prefix`, its first prefix. */
async function createIxLan(em: EntityManager, ix: Row, prefix: unknown, now: Date): Promise<void> {
  await insert(em, pdbTable('ixlan'), { id: ix.id, ix_id: ix.id, name: '', descr: '', status: 'ok', created: now, updated: now, ixf_ixp_member_list_url_visible: 'Private' });
  if (typeof prefix === 'string' && prefix.trim()) {
    const t = pdbTable('ixpfx');
    await insert(em, t, { id: await nextId(em, t.table), ixlan_id: ix.id, prefix: prefix.trim(), protocol: prefix.includes(':') ? 'IPv6' : 'IPv4', in_dfz: true, status: 'ok', created: now, updated: now });
  }
}

export async function pdbUpdate(em: EntityManager, tag: PdbTag, id: number, data: unknown): Promise<number> {
  const t = pdbTable(tag);
  const input = bodyObject(data);
  const [existing] = await rows(em, `select * from ${quote(t.table)} where id = ? and status <> 'deleted' for update`, [id]);
  if (!existing) throw new NotFoundError('Entity not found');
  const errors: Errors = {};
  const values = readInput(t, input, false, errors);
  throwIfErrors(errors);
  await loadParents(em, t, values, errors);
  throwIfErrors(errors);
  const row: Row = { ...existing, ...values, updated: pdbNow() };
  await derive(em, tag, row);
  await checkUnique(em, t, row, id, errors);
  throwIfErrors(errors);
  const cols = Object.keys(row).filter((k) => k !== 'id' && k !== 'created' && t.columns.some((c) => c.column === k));
  await rows(em, `update ${quote(t.table)} set ${cols.map((k) => `${quote(k)} = ?`).join(', ')} where id = ?`,
    [...cols.map((k) => (t.columns.find((c) => c.column === k)!.kind === 'json' && row[k] !== null && typeof row[k] !== 'string' ? JSON.stringify(row[k]) : row[k])), id]);
  return id;
}

/** Soft delete with PeeringDB's delete_cascade; returns how many rows became deleted. */
export async function pdbDelete(em: EntityManager, tag: PdbTag, ids: number[], now = pdbNow()): Promise<number> {
  if (!ids.length) return 0;
  const t = pdbTable(tag);
  const hit = await rows(em, `update ${quote(t.table)} set status = 'deleted', updated = ? where id in (${ids.map(() => '?').join(', ')}) and status <> 'deleted' returning id`, [now, ...ids]);
  let n = hit.length;
  const gone = hit.map((r) => Number(r.id));
  if (!gone.length) return 0;
  for (const [child, fk] of PDB_TYPES[tag].cascade) {
    const ct = pdbTable(child);
    const col = ct.byProp.get(fk)!.column;
    const kids = await rows(em, `select id from ${quote(ct.table)} where ${quote(col)} in (${gone.map(() => '?').join(', ')}) and status <> 'deleted'`, gone);
    n += await pdbDelete(em, child, kids.map((r) => Number(r.id)), now);
  }
  return n;
}
