// Column maps of the mirror tables, derived from the model descriptors: which SQL
// column holds which PeeringDB field, and how a raw row renders as PeeringDB JSON.
// The REST dialect, the writes and the sync all work on raw rows through these,
// so a 60,000-row list never hydrates 60,000 entities.
import { snake, type FieldKind, type FieldMeta, type ModelDescriptor } from '../model';
import { PDB_TYPES, tagOf, pdbDescriptor, type PdbTag } from './tags';

export interface PdbColumn {
  prop: string;          // entity property ('org', 'infoPrefixes4')
  rest: string;          // PeeringDB field ('org_id', 'info_prefixes4')
  column: string;        // SQL column
  kind: FieldKind;
  field: FieldMeta;
  /** FK target tag and the bare relation name ('org') that holds the expanded parent. */
  fk?: { tag: PdbTag; name: string };
}

export interface PdbTable {
  tag: PdbTag;
  d: ModelDescriptor;
  table: string;
  /** In PeeringDB's key order: id, FK ids, own fields, then created, updated, status. */
  columns: PdbColumn[];
  byRest: Map<string, PdbColumn>;
  byProp: Map<string, PdbColumn>;
}

const LAST = ['created', 'updated', 'status'];
const cache = new Map<PdbTag, PdbTable>();

export function pdbTable(tag: PdbTag): PdbTable {
  const hit = cache.get(tag);
  if (hit) return hit;
  const d = pdbDescriptor(tag);
  const cols: PdbColumn[] = d.fields.filter((f) => f.kind !== 'm2m').map((f) => {
    if (f.kind === 'fk') {
      const target = tagOf(f.target!());
      if (!target) throw new Error(`${d.name}.${f.name}: FK outside the mirror`);
      return { prop: f.name, rest: `${f.restName}_id`, column: `${snake(f.name)}_id`, kind: f.kind, field: f, fk: { tag: target, name: f.restName } };
    }
    return { prop: f.name, rest: f.restName, column: snake(f.name), kind: f.kind, field: f };
  });
  const rank = (c: PdbColumn) => (c.rest === 'id' ? 0 : c.fk ? 1 : LAST.includes(c.rest) ? 3 + LAST.indexOf(c.rest) : 2);
  const columns = cols.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
  const t: PdbTable = {
    tag, d, table: d.table, columns,
    byRest: new Map(columns.map((c) => [c.rest, c])),
    byProp: new Map(columns.map((c) => [c.prop, c])),
  };
  cache.set(tag, t);
  return t;
}

/** `2021-08-01T00:10:05Z`: PeeringDB's timestamps, UTC without fractions. */
export function pdbTime(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(String(v));
  if (Number.isNaN(d.getTime())) return null;
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** A raw SQL row as a PeeringDB object (no sets, no parents). */
export function renderRow(t: PdbTable, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of t.columns) {
    if (c.field.writeOnly) continue;
    const v = row[c.column];
    if (v === null || v === undefined) { out[c.rest] = v === undefined && c.kind === 'json' ? null : v ?? null; continue; }
    switch (c.kind) {
      case 'datetime': out[c.rest] = pdbTime(v); break;
      case 'bigint': case 'asn': case 'int': case 'id': case 'fk': case 'float': out[c.rest] = Number(v); break;
      case 'json': out[c.rest] = typeof v === 'string' ? safeJson(v) : v; break;
      default: out[c.rest] = v;
    }
  }
  // PeeringDB blanks the contact details of a deleted poc.
  if (t.tag === 'poc' && out.status === 'deleted') for (const k of ['name', 'phone', 'email', 'url']) out[k] = '';
  return out;
}

function safeJson(s: string): unknown {
  try { return JSON.parse(s); } catch { return s; }
}

export { PDB_TYPES };
