// PeeringDB's filters that are not fields of the row: relationships through link tables
// (`net?ix=`, `ix?not_net=`), "linked to all of" and ASN overlap searches, ownership
// (`org_present`), IX capacity and address blocks, `hide_ix_no_fac`, `ixpfx?whereis=`, and
// the spatial `distance` search of facilities and organizations. Links count live (ok) rows.
import { isIP } from 'node:net';
import type { PdbTag } from '../../src/domain/peeringdb/tags';
import { PdbError } from './errors';
import { fold, foldSql } from '../../src/domain/fold';
import { integers, like, list, number, placeholders, SUFFIXES, truthy, type Where } from './where';

interface Ctx { alias: string; w: Where; key: string; suffix: string }

const push = (w: Where, sql: string, ...args: unknown[]): void => { w.sql.push(sql); w.args.push(...args); };

/** A link table row joins `own` (the filtered type) to `other` (the ids given). */
interface Link { table: string; own: string; other: string; not?: boolean }

const NETIXLAN = 'peeringdb_netixlan';
const NETFAC = 'peeringdb_netfac';
const IXFAC = 'peeringdb_ixfac';

const LINKS: Partial<Record<PdbTag, Record<string, Link>>> = {
  net: {
    ix: { table: NETIXLAN, own: 'net_id', other: 'ix_id' },
    ixlan: { table: NETIXLAN, own: 'net_id', other: 'ixlan_id' },
    netixlan: { table: NETIXLAN, own: 'net_id', other: 'id' },
    fac: { table: NETFAC, own: 'net_id', other: 'fac_id' },
    netfac: { table: NETFAC, own: 'net_id', other: 'id' },
    not_ix: { table: NETIXLAN, own: 'net_id', other: 'ix_id', not: true },
    not_fac: { table: NETFAC, own: 'net_id', other: 'fac_id', not: true },
  },
  ix: {
    fac: { table: IXFAC, own: 'ix_id', other: 'fac_id' },
    ixfac: { table: IXFAC, own: 'ix_id', other: 'id' },
    net: { table: NETIXLAN, own: 'ix_id', other: 'net_id' },
    not_net: { table: NETIXLAN, own: 'ix_id', other: 'net_id', not: true },
    ixlan: { table: 'peeringdb_ixlan', own: 'ix_id', other: 'id' },
  },
  fac: {
    net: { table: NETFAC, own: 'fac_id', other: 'net_id' },
    not_net: { table: NETFAC, own: 'fac_id', other: 'net_id', not: true },
    ix: { table: IXFAC, own: 'fac_id', other: 'ix_id' },
  },
  org: { asn: { table: 'peeringdb_net', own: 'org_id', other: 'asn' } },
};

function link(l: Link, value: string, c: Ctx): void {
  const ids = integers(value, c.key);
  const sub = `select l.${l.own} from ${l.table} l where l.status = 'ok' and l.${l.own} is not null and l.${l.other} in (${placeholders(ids.length) || 'null'})`;
  push(c.w, `${c.alias}.id ${l.not ? 'not in' : 'in'} (${sub})`, ...ids);
}

/** Rows linked (through `table`) to networks of every ASN given: 2 to 25 of them. */
function asnOverlap(table: string, own: string) {
  return (value: string, c: Ctx): void => {
    const asns = list(value);
    if (asns.length < 2) throw new PdbError(400, 'Need to specify at least two asns');
    if (asns.length > 25) throw new PdbError(400, 'Can only compare a maximum of 25 asns');
    const distinct = [...new Set(integers(value, c.key))];
    push(c.w, `${c.alias}.id in (select l.${own} from ${table} l join peeringdb_net n on n.id = l.net_id where l.status = 'ok' and n.asn in (${placeholders(distinct.length)}) group by l.${own} having count(distinct n.asn) = ?)`,
      ...distinct, distinct.length);
  };
}

/** Rows linked (through `table`) to every network id given. */
function allNets(table: string, own: string) {
  return (value: string, c: Ctx): void => {
    const ids = [...new Set(integers(value, c.key))];
    if (!ids.length) throw new PdbError(400, 'List must contain at least one network id');
    push(c.w, `${c.alias}.id in (select l.${own} from ${table} l where l.status = 'ok' and l.net_id in (${placeholders(ids.length)}) group by l.${own} having count(distinct l.net_id) = ?)`,
      ...ids, ids.length);
  };
}

/** Rows where one of the organizations is present: a subquery per path, each taking the org ids. */
function orgPresence(paths: string[], present: boolean) {
  return (value: string, c: Ctx): void => {
    const orgs = integers(value, c.key);
    const inList = placeholders(orgs.length) || 'null';
    const union = paths.map((p) => p.replace('$ORGS', inList)).join(' union ');
    push(c.w, `${c.alias}.id ${present ? 'in' : 'not in'} (${union})`, ...paths.flatMap(() => orgs));
  };
}

const FAC_ORGS = [
  `select l.fac_id from ${NETFAC} l join peeringdb_net n on n.id = l.net_id where l.status = 'ok' and n.org_id in ($ORGS)`,
  `select l.fac_id from ${IXFAC} l join peeringdb_ix x on x.id = l.ix_id where l.status = 'ok' and x.org_id in ($ORGS)`,
];
const IX_ORGS = [
  `select l.ix_id from ${NETIXLAN} l join peeringdb_net n on n.id = l.net_id where l.status = 'ok' and l.ix_id is not null and n.org_id in ($ORGS)`,
  `select l.ix_id from ${IXFAC} l join peeringdb_fac f on f.id = l.fac_id where l.status = 'ok' and f.org_id in ($ORGS)`,
];

const OPS: Record<string, string> = { '': '=', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** `capacity[__lt|lte|gt|gte|in]`: the sum of the port speeds (Mbit/s) of the exchange's live members. */
function capacity(value: string, c: Ctx): void {
  const sum = `select l.ix_id from ${NETIXLAN} l where l.status <> 'deleted' and l.ix_id is not null group by l.ix_id having sum(l.speed)`;
  if (c.suffix === 'in') {
    const ns = integers(value, c.key);
    push(c.w, `${c.alias}.id in (${sum} in (${placeholders(ns.length) || 'null'}))`, ...ns);
  } else if (c.suffix in OPS) {
    push(c.w, `${c.alias}.id in (${sum} ${OPS[c.suffix]} ?)`, number(value, c.key));
  }
}

/** `ipblock`: exchanges with a prefix starting with the text given (`ipblock=192.0.2.`). */
function ipblock(value: string, c: Ctx): void {
  push(c.w, `${c.alias}.id in (select x.ix_id from peeringdb_ixpfx p join peeringdb_ixlan x on x.id = p.ixlan_id where p.status = 'ok' and p.prefix like ?)`, `${like(value.trim())}%`);
}

/** `fac?org_name=`: the owner's name, a substring match unless a suffix says otherwise. */
function orgName(value: string, c: Ctx): void {
  const name = foldSql('o.name');
  const cond = c.suffix === 'in'
    ? `${name} in (${placeholders(list(value).length) || 'null'})`
    : `${name} like ?`;
  const args = c.suffix === 'in' ? list(value).map(fold) : [c.suffix === 'startswith' ? `${like(fold(value))}%` : `%${like(fold(value))}%`];
  push(c.w, `${c.alias}.org_id in (select o.id from peeringdb_org o where ${cond})`, ...args);
}

/** `hide_ix_no_fac=1`: leave out exchanges without a facility, and what hangs off them. */
function hideIxNoFac(condition: (alias: string) => string) {
  return (value: string, c: Ctx): void => { if (truthy(value)) c.w.sql.push(condition(c.alias)); };
}
const IX_WITH_FAC = 'select x.id from peeringdb_ix x where x.fac_count > 0';

/** `ixpfx?whereis=<ip>`: the prefixes holding the address (prefixes are text as the upstream wrote them). */
function whereis(value: string, c: Ctx): void {
  const ip = value.trim();
  if (!isIP(ip)) throw new PdbError(400, `Invalid value for whereis: "${value}"`);
  // Only text shaped like a prefix is cast, so one odd upstream row cannot fail the query.
  push(c.w, `(case when ${c.alias}.prefix ~ '^[0-9A-Fa-f:.]+/[0-9]{1,3}$' then ${c.alias}.prefix::inet >>= ?::inet else false end)`, ip);
}

type Handler = (value: string, c: Ctx) => void;

const HANDLERS: Partial<Record<PdbTag, Record<string, Handler>>> = {
  fac: {
    asn_overlap: asnOverlap(NETFAC, 'fac_id'),
    all_net: allNets(NETFAC, 'fac_id'),
    org_present: orgPresence(FAC_ORGS, true),
    org_not_present: orgPresence(FAC_ORGS, false),
    org_name: orgName,
  },
  ix: {
    asn_overlap: asnOverlap(NETIXLAN, 'ix_id'),
    all_net: allNets(NETIXLAN, 'ix_id'),
    org_present: orgPresence(IX_ORGS, true),
    org_not_present: orgPresence(IX_ORGS, false),
    capacity,
    ipblock,
    hide_ix_no_fac: hideIxNoFac((a) => `${a}.fac_count > 0`),
  },
  net: { hide_ix_no_fac: hideIxNoFac((a) => `${a}.ix_count > 0`) },
  ixlan: { hide_ix_no_fac: hideIxNoFac((a) => `${a}.ix_id in (${IX_WITH_FAC})`) },
  netixlan: { hide_ix_no_fac: hideIxNoFac((a) => `${a}.ix_id in (${IX_WITH_FAC})`) },
  ixpfx: { whereis },
};


/** A table entry by a client's parameter name: own entries only (`constructor=1` is not a filter). */
function own<T>(table: Record<string, T> | undefined, name: string): T | undefined {
  return table && Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Whether `key` is one of the type's special filters (they win over a field of the same name: fac's org_name). */
export const isSpecial = (tag: PdbTag, key: string): boolean => addSpecial(tag, key, '', 'x', { sql: [], args: [] }, true);

/** Adds the condition of `key` when it is one of the type's special filters; false when it is not. */
export function addSpecial(tag: PdbTag, key: string, value: string, alias: string, w: Where, onlyCheck = false): boolean {
  const parts = key.split('__');
  const suffix = parts.length === 2 && SUFFIXES.has(parts[1]) ? parts[1] : '';
  if (parts.length > (suffix ? 2 : 1)) return false;
  const handler = own(HANDLERS[tag], parts[0]);
  if (handler) { if (!onlyCheck) handler(value, { alias, w, key, suffix }); return true; }
  // Links take `x`, `x_id` and `x__in` / `x_id__in`, all meaning "any of these ids".
  if (suffix && suffix !== 'in') return false;
  const l = own(LINKS[tag], parts[0].replace(/_id$/, ''));
  if (!l) return false;
  if (!onlyCheck) link(l, value, { alias, w, key, suffix });
  return true;
}
