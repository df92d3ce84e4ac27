// PeeringDB's `depth` as GraphQL selections, and the answers back as PeeringDB JSON. A `*_set`
// is the reverse list its child's foreign key declares (`netixlan.net` -> `networkIxLans`),
// filtered to live rows; a set through a link (ix.fac_set through ixfac, ixlan.net_set through
// netixlan) selects the link rows and their far-side object, listed once each here, by id.
// Parents (org of a net) are the foreign keys' objects. Everything is derived from the column
// maps (src/domain/peeringdb/columns.ts), so the keys and their order are PeeringDB's.
import { pdbTable, pdbTime, type PdbColumn, type PdbTable } from '../../src/domain/peeringdb/columns';
import { PDB_TYPES, pdbDescriptor, type PdbSet, type PdbTag } from '../../src/domain/peeringdb/tags';

type Obj = Record<string, any>;

const LIVE = '(filter: {status: {exact: [OK]}}, limit: 0)';

/** The GraphQL list on the parent holding a set's child rows. */
function listName(set: PdbSet): string {
  const reverse = pdbDescriptor(set.child).field(set.fk)?.reverse;
  if (typeof reverse !== 'string') throw new Error(`${set.child}.${set.fk}: no reverse list for ${set.name}`);
  return reverse;
}

const shown = (t: PdbTable) => t.columns.filter((c) => !c.field.writeOnly);
const gql = (c: PdbColumn) => c.field.gqlName ?? c.prop;

/** A row's own fields, foreign keys as ids. */
function columns(t: PdbTable): string {
  return shown(t).map((c) => (c.fk ? `${gql(c)} { id }` : gql(c))).join(' ');
}

/** The selection of a set's members: ids at depth 1, objects (with their own sets at depth - 2) from 2. */
function setSelection(set: PdbSet, depth: number): string {
  const memberTag = set.via?.tag ?? set.child;
  const member = depth === 1 ? 'id' : fields(memberTag, depth - 2, false);
  // A via member is kept when live: its status is read even when only ids are shown.
  const inner = set.via ? `{ ${set.via.fk} { ${member}${depth === 1 ? ' status' : ''} } }` : `{ ${member} }`;
  return `${listName(set)}${LIVE} ${inner}`;
}

/** An object of `tag` with its sets to `depth`, and (on a detail at depth >= 1) its parents. */
export function objectSelection(tag: PdbTag, depth: number, parents: boolean): string {
  return `{ ${fields(tag, depth, parents)} }`;
}

function fields(tag: PdbTag, depth: number, parents: boolean): string {
  const t = pdbTable(tag);
  const parts = [columns(t)];
  if (depth >= 1) for (const set of PDB_TYPES[tag].sets) parts.push(setSelection(set, depth));
  if (parents) {
    // Aliased: the parent's object and the id (selected above) are two fields of one name.
    for (const c of parentColumns(t)) parts.push(`${parentKey(c)}: ${gql(c)} { ${columns(pdbTable(c.fk!.tag))} }`);
  }
  return parts.join(' ');
}

/** Writable foreign keys: the parents a detail shows flat (derived references such as a netixlan's ix stay ids). */
const parentColumns = (t: PdbTable) => shown(t).filter((c) => c.fk && !c.field.readOnly);
const parentKey = (c: PdbColumn) => `parent_${gql(c)}`;

/**
 * PeeringDB's time of a GraphQL DateTime: that scalar serializes with toISOString(), whose first 19
 * characters are the seconds, so pdbTime's parse is needed only for another value.
 */
const seconds = (v: unknown) => (typeof v === 'string' && v.length === 24 && v.endsWith('Z') ? `${v.slice(0, 19)}Z` : pdbTime(v));

/** A GraphQL object as PeeringDB renders the row: its keys in PeeringDB's order, times without fractions. */
function renderColumns(t: PdbTable, o: Obj): Obj {
  const out: Obj = {};
  for (const c of shown(t)) {
    const v = o[gql(c)];
    if (c.fk) out[c.rest] = v ? Number(v.id) : null;
    else if (v === null || v === undefined) out[c.rest] = null;
    else if (c.kind === 'datetime') out[c.rest] = seconds(v);
    else if (c.kind === 'id') out[c.rest] = Number(v);
    else out[c.rest] = v;
  }
  // PeeringDB blanks the contact details of a deleted poc.
  if (t.tag === 'poc' && out.status === 'deleted') for (const k of ['name', 'phone', 'email', 'url']) out[k] = '';
  return out;
}

/** A set's members: children as listed; via members once each, live, by id. */
function renderSet(set: PdbSet, items: Obj[], depth: number): unknown[] {
  const memberTag = set.via?.tag ?? set.child;
  let members = items;
  if (set.via) {
    const byId = new Map<number, Obj>();
    for (const link of items) {
      const far = link[set.via.fk];
      if (far && far.status === 'ok') byId.set(Number(far.id), far);
    }
    members = [...byId.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }
  return depth === 1 ? members.map((m) => Number(m.id)) : members.map((m) => renderObject(memberTag, m, depth - 2, false));
}

/** The PeeringDB object of a GraphQL answer selected by objectSelection(tag, depth, parents). */
export function renderObject(tag: PdbTag, o: Obj, depth: number, parents: boolean): Obj {
  const t = pdbTable(tag);
  const out = renderColumns(t, o);
  if (depth >= 1) for (const set of PDB_TYPES[tag].sets) out[set.name] = renderSet(set, o[listName(set)] ?? [], depth);
  if (parents) {
    for (const c of parentColumns(t)) {
      const p = o[parentKey(c)];
      out[c.fk!.name] = p ? renderColumns(pdbTable(c.fk!.tag), p) : null;
    }
  }
  return out;
}
