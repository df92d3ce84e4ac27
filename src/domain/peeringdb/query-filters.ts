// PeeringDB's filters that are not fields of the row, as custom filters of the mirror models
// (GraphQL `pdbNetworks(filter: {notIx: [5]})`, the PeeringDB dialect's `net?not_ix=5`): links
// through link tables, "linked to all of" and ASN overlap, ownership, IX capacity and address
// blocks, hide_ix_no_fac, whereis, name_search and the spatial distance search (which also orders).
// Links count live (ok) link rows. Everything is SQL over the row's alias.
import { isIP } from 'node:net';
import { raw } from '@mikro-orm/core';
import type { AliasedSql, CustomFilter, ModelDescriptor } from '../model';
import { snake } from '../model';
import { ValidationError } from '../errors';
import { fold, foldSql } from '../fold';
import { escapeLike } from '../filters';
import { quote } from '../../db/json-rows';
import type { PdbTag } from './tags';

type Filters = Record<string, CustomFilter>;

/** A condition as MikroORM writes a raw key (`<sql> = true`): parenthesized, so `a > 0` stays one operand. */
const cond = (sql: (a: string) => string, args: unknown[] = []): Record<string, unknown> => ({ [raw((a: string) => `(${sql(a)})`, args)]: true });
const marks = (n: number): string => (n ? Array.from({ length: n }, () => '?').join(', ') : 'null');

let tags: typeof import('./tags') | undefined;
/**
 * The mirror table of a type, quoted, as its model declares it. Looked up when a filter is built,
 * not when this file loads: tags.ts imports the models, and the models import this file.
 */
function table(tag: PdbTag): string {
  tags ??= require('./tags') as typeof import('./tags');
  return quote(tags.pdbDescriptor(tag).table);
}

/** Rows linked through `via`'s table (its `own` column is the row's id) to one of the ids given in `other`; `not`: to none. */
function link(via: PdbTag, own: string, other: string, description: string, not = false): CustomFilter {
  return {
    type: 'ids', description,
    apply: (ids: number[]) => cond((a) => `${a}.id ${not ? 'not in' : 'in'} (select l.${own} from ${table(via)} l where l.status = 'ok' and l.${own} is not null and l.${other} in (${marks(ids.length)}))`, ids),
  };
}

/** PeeringDB's refusals of `asn_overlap`, by the number of ASNs given. */
export function asnOverlapRefusal(count: number): string | null {
  if (count < 2) return 'Need to specify at least two asns';
  if (count > 25) return 'Can only compare a maximum of 25 asns';
  return null;
}

export const ALL_NET_REFUSAL = 'List must contain at least one network id';

/** Rows linked (through `via`'s table) to networks of every ASN given: 2 to 25 of them. */
function asnOverlap(via: PdbTag, own: string): CustomFilter {
  return {
    type: 'ids', description: 'Linked to networks of every one of these ASNs (2 to 25)',
    apply: (asns: number[]) => {
      const refused = asnOverlapRefusal(asns.length);
      if (refused) throw new ValidationError({ asnOverlap: [refused] }, undefined, refused);
      const distinct = [...new Set(asns)];
      return cond((a) => `${a}.id in (select l.${own} from ${table(via)} l join ${table('net')} n on n.id = l.net_id where l.status = 'ok' and n.asn in (${marks(distinct.length)}) group by l.${own} having count(distinct n.asn) = ?)`,
        [...distinct, distinct.length]);
    },
  };
}

/** Rows linked (through `via`'s table) to every network id given. */
function allNets(via: PdbTag, own: string): CustomFilter {
  return {
    type: 'ids', description: 'Linked to every one of these networks (ids)',
    apply: (nets: number[]) => {
      const ids = [...new Set(nets)];
      if (!ids.length) throw new ValidationError({ allNet: [ALL_NET_REFUSAL] }, undefined, ALL_NET_REFUSAL);
      return cond((a) => `${a}.id in (select l.${own} from ${table(via)} l where l.status = 'ok' and l.net_id in (${marks(ids.length)}) group by l.${own} having count(distinct l.net_id) = ?)`, [...ids, ids.length]);
    },
  };
}

/** A subquery of `paths`, given the placeholders of the organization ids. */
type OrgPaths = (orgs: string) => string[];

/** Rows where one of the organizations is present (`present`) or none is: a subquery per path, each taking the org ids. */
function orgPresence(paths: OrgPaths, present: boolean): CustomFilter {
  return {
    type: 'ids', description: present ? 'One of these organizations (ids) is present, through its networks or exchanges' : 'None of these organizations (ids) is present',
    apply: (orgs: number[]) => {
      const subqueries = paths(marks(orgs.length));
      return cond((a) => `${a}.id ${present ? 'in' : 'not in'} (${subqueries.join(' union ')})`, subqueries.flatMap(() => orgs));
    },
  };
}

const FAC_ORGS: OrgPaths = (orgs) => [
  `select l.fac_id from ${table('netfac')} l join ${table('net')} n on n.id = l.net_id where l.status = 'ok' and n.org_id in (${orgs})`,
  `select l.fac_id from ${table('ixfac')} l join ${table('ix')} x on x.id = l.ix_id where l.status = 'ok' and x.org_id in (${orgs})`,
];
const IX_ORGS: OrgPaths = (orgs) => [
  `select l.ix_id from ${table('netixlan')} l join ${table('net')} n on n.id = l.net_id where l.status = 'ok' and l.ix_id is not null and n.org_id in (${orgs})`,
  `select l.ix_id from ${table('ixfac')} l join ${table('fac')} f on f.id = l.fac_id where l.status = 'ok' and f.org_id in (${orgs})`,
];

const OPS: Record<string, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** `capacity`: the sum of the port speeds (Mbit/s) of the exchange's members that are not deleted. */
const capacity: CustomFilter = {
  type: 'bigintRange', description: 'The sum of the port speeds (Mbit/s) of its members',
  apply: (l: Record<string, number | number[] | undefined>) => {
    const sum = `select l.ix_id from ${table('netixlan')} l where l.status <> 'deleted' and l.ix_id is not null group by l.ix_id having sum(l.speed)`;
    const parts: { sql: string; args: unknown[] }[] = [];
    if (Array.isArray(l.exact)) parts.push({ sql: `in (${marks(l.exact.length)})`, args: l.exact });
    for (const [op, sign] of Object.entries(OPS)) if (typeof l[op] === 'number') parts.push({ sql: `${sign} ?`, args: [l[op]] });
    if (!parts.length) return cond(() => 'true');
    return cond((a) => parts.map((p) => `${a}.id in (${sum} ${p.sql})`).join(' and '), parts.flatMap((p) => p.args));
  },
};

/** `ipblock`: exchanges with a live prefix starting with the text given (`192.0.2.`). */
const ipblock: CustomFilter = {
  type: 'string', description: 'Has a prefix starting with this text',
  apply: (text: string) => cond((a) => `${a}.id in (select x.ix_id from ${table('ixpfx')} p join ${table('ixlan')} x on x.id = p.ixlan_id where p.status = 'ok' and p.prefix like ?)`, [`${escapeLike(text.trim())}%`]),
};

/** `hide_ix_no_fac`: leave out exchanges without a facility (by their stored fac_count), and what hangs off them. */
function hideIxNoFac(condition: (alias: string) => string): CustomFilter {
  return { type: 'bool', description: 'true: leave out exchanges without a facility', apply: (on: boolean) => cond(on ? condition : () => 'true') };
}
const ixWithFac = () => `select x.id from ${table('ix')} x where x.fac_count > 0`;

/** The address `whereis` takes, or null when the text is none. */
export const whereisAddress = (text: string): string | null => (isIP(text.trim()) ? text.trim() : null);

const whereis: CustomFilter = {
  type: 'string', description: 'The prefix holds this IP address',
  apply: (text: string) => {
    const ip = whereisAddress(text);
    if (!ip) throw new ValidationError({ whereis: [`"${text}" is not an IP address.`] });
    // Prefixes are text as the upstream wrote them: only text shaped like one is cast, so one odd row cannot fail the query.
    return cond((a) => `(case when ${a}.prefix ~ '^[0-9A-Fa-f:.]+/[0-9]{1,3}$' then ${a}.prefix::inet >>= ?::inet else false end)`, [ip]);
  },
};

/**
 * `name_search`, PeeringDB's search index: a number (`AS` allowed) is one of the descriptor's
 * `qNumeric` fields; words must each appear, accents and case folded, in one of its `q` fields.
 * Only live rows are hits. With `orIds` (PeeringDB's explicit `id__in`) those rows are listed too,
 * but only when there is any hit at all.
 */
const nameSearch: CustomFilter = {
  type: 'object', description: "PeeringDB's name search: every word in one of the searched names, or a number as an ASN",
  fields: { text: { type: 'string', required: true }, orIds: { type: 'ids', description: 'These rows too, when anything is a hit' } },
  apply: (v: { text: string; orIds?: number[] | null }, d: ModelDescriptor) => {
    const own = searchHit(d, v.text);
    if (!v.orIds) return cond((a) => own.sql(a), own.args);
    const ids = v.orIds;
    return cond((a) => `(exists (select 1 from ${quote(d.table)} s where ${own.sql('s')}) and (${own.sql(a)}${ids.length ? ` or ${a}.id in (${marks(ids.length)})` : ''}))`,
      [...own.args, ...own.args, ...ids]);
  },
};

function searchHit(d: ModelDescriptor, text: string): AliasedSql {
  const cleaned = text.trim().replace(/^as(?=\d+$)/i, '');
  const live = (a: string) => `${a}.status = 'ok'`;
  if (/^\d+$/.test(cleaned)) {
    const numeric = (d.qNumeric ?? []).map(snake);
    if (!numeric.length) return { sql: () => 'false', args: [] };
    return { sql: (a) => `(${live(a)} and (${numeric.map((c) => `${a}.${c} = ?`).join(' or ')}))`, args: numeric.map(() => Number(cleaned)) };
  }
  const words = fold(cleaned).split(/\s+/).filter(Boolean);
  if (!words.length) return { sql: () => 'false', args: [] };
  const fields = (d.q ?? []).map(snake);
  return {
    sql: (a) => `(${live(a)} and ${words.map(() => `(${fields.map((f) => `${foldSql(`${a}.${f}`)} like ?`).join(' or ')})`).join(' and ')})`,
    args: words.flatMap((w) => fields.map(() => `%${escapeLike(w)}%`)),
  };
}

export interface DistanceInput { km: number; latitude?: number | null; longitude?: number | null; city?: string | null; country?: string | null }

/** SQL text and the values of its `?` placeholders. */
interface Bound { text: string; args: unknown[] }

/** The search's centre as SQL: the coordinates given, else the centre of the mirror's live facilities in the city (none: null). */
function centre(v: DistanceInput): { lat: Bound; lon: Bound } {
  if (typeof v.latitude === 'number' && typeof v.longitude === 'number') {
    if (Math.abs(v.latitude) > 90) throw new ValidationError({ latitude: [`Invalid value for latitude: "${v.latitude}"`] });
    if (Math.abs(v.longitude) > 180) throw new ValidationError({ longitude: [`Invalid value for longitude: "${v.longitude}"`] });
    return { lat: { text: '?::float8', args: [v.latitude] }, lon: { text: '?::float8', args: [v.longitude] } };
  }
  const missing: Record<string, string[]> = {};
  if (!v.country) missing.country = ['Required for distance filtering'];
  if (!v.city) missing.city = ['Required for distance filtering'];
  if (Object.keys(missing).length) throw new ValidationError(missing);
  const at = (col: string): Bound => ({
    text: `(select avg(${col})::float8 from ${table('fac')} where status = 'ok' and latitude is not null and longitude is not null and ${foldSql('city')} = ? and lower(country) = ?)`,
    args: [fold(v.city!), v.country!.toLowerCase()],
  });
  return { lat: at('latitude'), lon: at('longitude') };
}

/** Great-circle km from the centre to the row (null when either has no coordinates). */
function greatCircle(v: DistanceInput): AliasedSql {
  const { lat, lon } = centre(v);
  return {
    sql: (a) => `6371 * acos(least(greatest(cos(radians(${lat.text})) * cos(radians(${a}.latitude)) * cos(radians(${a}.longitude) - radians(${lon.text})) + sin(radians(${lat.text})) * sin(radians(${a}.latitude)), -1), 1))`,
    args: [...lat.args, ...lon.args, ...lat.args],
  };
}

/**
 * `distance`: rows within `km` (great circle) of a point or of a city's facilities; as an ordering
 * key (`ordering: ["distance"]`), nearest first.
 */
const distance: CustomFilter = {
  type: 'object', description: 'Within km (great circle) of latitude/longitude, or of the centre of the live facilities in city and country',
  fields: {
    km: { type: 'float', required: true }, latitude: { type: 'float' }, longitude: { type: 'float' }, city: { type: 'string' }, country: { type: 'string' },
  },
  apply: (v: DistanceInput) => {
    if (!Number.isFinite(v.km) || v.km <= 0) throw new ValidationError({ km: ['Ensure this value is greater than 0.'] });
    const gc = greatCircle(v);
    return cond((a) => `${gc.sql(a)} <= ?`, [...gc.args, v.km]);
  },
  orderBy: (v: DistanceInput) => greatCircle(v),
};

/** Every type's own filters beyond its fields, by tag. */
export const PDB_QUERY_FILTERS: Record<'org' | 'fac' | 'net' | 'ix' | 'ixlan' | 'netixlan' | 'ixpfx' | 'campus' | 'carrier', Filters> = {
  org: { asn: link('net', 'org_id', 'asn', 'Has a live network of one of these ASNs'), nameSearch, distance },
  campus: { nameSearch },
  carrier: { nameSearch },
  fac: {
    net: link('netfac', 'fac_id', 'net_id', 'One of these networks (ids) is here'),
    notNet: link('netfac', 'fac_id', 'net_id', 'None of these networks (ids) is here', true),
    ix: link('ixfac', 'fac_id', 'ix_id', 'One of these exchanges (ids) is here'),
    asnOverlap: asnOverlap('netfac', 'fac_id'),
    allNet: allNets('netfac', 'fac_id'),
    orgPresent: orgPresence(FAC_ORGS, true),
    orgNotPresent: orgPresence(FAC_ORGS, false),
    nameSearch, distance,
  },
  net: {
    ix: link('netixlan', 'net_id', 'ix_id', 'On one of these exchanges (ids)'),
    ixlan: link('netixlan', 'net_id', 'ixlan_id', 'On one of these IX LANs (ids)'),
    netixlan: link('netixlan', 'net_id', 'id', 'Has one of these IX LAN connections (ids)'),
    fac: link('netfac', 'net_id', 'fac_id', 'At one of these facilities (ids)'),
    netfac: link('netfac', 'net_id', 'id', 'Has one of these facility presences (ids)'),
    notIx: link('netixlan', 'net_id', 'ix_id', 'On none of these exchanges (ids)', true),
    notFac: link('netfac', 'net_id', 'fac_id', 'At none of these facilities (ids)', true),
    hideIxNoFac: hideIxNoFac((a) => `${a}.ix_count > 0`),
    nameSearch,
  },
  ix: {
    fac: link('ixfac', 'ix_id', 'fac_id', 'At one of these facilities (ids)'),
    ixfac: link('ixfac', 'ix_id', 'id', 'Has one of these facility presences (ids)'),
    net: link('netixlan', 'ix_id', 'net_id', 'One of these networks (ids) is a member'),
    notNet: link('netixlan', 'ix_id', 'net_id', 'None of these networks (ids) is a member', true),
    ixlan: link('ixlan', 'ix_id', 'id', 'Has one of these IX LANs (ids)'),
    asnOverlap: asnOverlap('netixlan', 'ix_id'),
    allNet: allNets('netixlan', 'ix_id'),
    orgPresent: orgPresence(IX_ORGS, true),
    orgNotPresent: orgPresence(IX_ORGS, false),
    capacity, ipblock,
    hideIxNoFac: hideIxNoFac((a) => `${a}.fac_count > 0`),
    nameSearch,
  },
  ixlan: { hideIxNoFac: hideIxNoFac((a) => `${a}.ix_id in (${ixWithFac()})`) },
  netixlan: { hideIxNoFac: hideIxNoFac((a) => `${a}.ix_id in (${ixWithFac()})`) },
  ixpfx: { whereis },
};
