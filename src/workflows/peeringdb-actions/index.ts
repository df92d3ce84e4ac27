// Peering Manager's PeeringDB actions (spec pm-workflows §6.1-§6.2) answered from PeerGate's
// own PeeringDB mirror: IXPs and facilities an AS shares with the user's affiliated AS, linking an
// IX to its PeeringDB LAN from its connections, an IX's PeeringDB prefixes.
import type { AnyEntity, EntityManager } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, ID, Info, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { GqlContext } from '../../graphql/context';
import { readScope, requireModelWrite } from '../../graphql/guards';
import { NotFoundError, UnavailableError } from '../../domain/errors';
import { JSONScalar } from '../../graphql/scalars';
import { describe } from '../../domain/model';
import * as crud from '../../domain/crud';
import { AutonomousSystem } from '../../domain/peering/autonomous-system';
import { InternetExchange } from '../../domain/peering/internet-exchange';
import { Connection } from '../../domain/net/connection';
import { PdbFacility } from '../../domain/peeringdb/fac';
import { PdbNetwork } from '../../domain/peeringdb/net';
import { PdbNetworkIXLan } from '../../domain/peeringdb/netixlan';
import { PdbNetworkFacility } from '../../domain/peeringdb/links';
import { PdbIXLanPrefix } from '../../domain/peeringdb/ixpfx';
import { sqlRows } from '../../db/sql-rows';
import { preferencesOf } from '../../domain/users/preferences';
import { declareField, type Models } from '../../graphql/read-compiler/declared';
import { mappedNames } from '../../db/naming';
import { handThrough } from '../../graphql/read-compiler';
import { joinSql, param, sql, Sql } from '../../graphql/read-compiler/sql';

/** ASNs that are never in PeeringDB: reserved, documentation and private ranges (spec §6). */
export function isPrivateAsn(asn: number): boolean {
  return asn === 0 || asn === 23456 || asn === 65535 || asn === 4294967295
    || (asn >= 64496 && asn <= 131071) || (asn >= 4200000000 && asn <= 4294967294);
}

export const NO_AFFILIATED_AS = 'User did not choose an affiliated AS.';

/** SQL: whether the AS number `asn` is private (isPrivateAsn). */
const privateAsnSql = (asn: Sql | string) => sql`(${asn} in (0, 23456, 65535, 4294967295) or ${asn} between 64496 and 131071 or ${asn} between 4200000000 and 4294967294)`;

/** SQL: whether the AS number `asn` has a live PeeringDB network. */
const inPeeringdbSql = (asn: Sql | string, m: Models) =>
  sql`exists (select 1 from ${m.table(PdbNetwork)} pn where ${m.col(PdbNetwork, 'pn', 'asn')} = ${asn} and ${m.col(PdbNetwork, 'pn', 'status')} = 'ok')`;

/**
 * The id of the affiliated AS a field shared with it compares with: its `affiliatedId` argument,
 * else the caller's `context.as` preference; 503 when neither names one. Whether the caller reads
 * that AS is part of the statement (refusedWithout).
 */
async function affiliatedId(ctx: GqlContext, args: Record<string, unknown>): Promise<number> {
  let ref: unknown = args.affiliatedId;
  if (ref === undefined || ref === null) {
    const user = ctx.caller.user;
    const context = user ? (await preferencesOf(ctx.em, user.id)).context : undefined;
    ref = context && typeof context === 'object' ? (context as Record<string, unknown>).as : undefined;
  }
  const id = ref === undefined || ref === null || !/^\d+$/.test(String(ref)) ? NaN : Number(ref);
  if (!Number.isSafeInteger(id) || id > 2147483647) throw new UnavailableError(NO_AFFILIATED_AS);
  return id;
}

/** SQL: the ASN of the affiliated AS `id`, when the caller reads it. */
const affiliatedAsn = (id: number, m: Models) => sql`(select ${m.col(AutonomousSystem, 'aff', 'asn')} from ${m.table(AutonomousSystem)} aff where ${m.col(AutonomousSystem, 'aff', 'id')} = ${param(id)}${joinSql(m.readable(AutonomousSystem, 'aff').map((c) => sql` and ${c}`), '')})`;

/** 503 on every object when the affiliated AS is not one the caller reads. */
const refusedWithout = { when: (id: number, m: Models) => sql`${affiliatedAsn(id, m)} is null`, error: () => new UnavailableError(NO_AFFILIATED_AS) };

/**
 * Conditions of a field shared with the affiliated AS on the AS whose ASN is `asn`: both ASes have
 * a PeeringDB network and they are different networks (otherwise nothing is shared).
 */
const bothInPeeringdb = (asn: string, affAsn: Sql, m: Models): Sql =>
  sql`${asn} <> ${affAsn} and not ${privateAsnSql(asn)} and not ${privateAsnSql(affAsn)} and ${inPeeringdbSql(asn, m)} and ${inPeeringdbSql(affAsn, m)}`;

/** SQL: the PeeringDB IX LANs where a live netixlan of the AS number `asn` is. */
const lansOf = (asn: Sql | string, a: string, m: Models) => {
  const c = (f: string) => m.col(PdbNetworkIXLan, a, f);
  return sql`select ${c('ixlan')} from ${m.table(PdbNetworkIXLan)} ${a} where ${c('status')} = 'ok' and ${c('asn')} = ${asn}`;
};

/** Our IXPs of the affiliated AS whose PeeringDB LAN has both networks (PM's shared_ixps). */
declareField(AutonomousSystem, 'sharedInternetExchanges', {
  kind: 'list', target: () => InternetExchange, ordering: ['name', 'slug'], prepare: affiliatedId, refused: refusedWithout,
  where: (as, ix, id: number, m) => {
    const affAsn = affiliatedAsn(id, m);
    return [bothInPeeringdb(as.col('asn'), affAsn, m), sql`${ix.col('localAutonomousSystem')} = ${param(id)}
      and ${ix.col('peeringdbIxlan')} in (${lansOf(as.col('asn'), 'a', m)}) and ${ix.col('peeringdbIxlan')} in (${lansOf(affAsn, 'b', m)})`];
  },
});

/** SQL: the facilities where the live PeeringDB network of the AS number `asn` is present. */
const presentAt = (asn: Sql | string, m: Models) => {
  const nf = (f: string) => m.col(PdbNetworkFacility, 'nf', f);
  const n = (f: string) => m.col(PdbNetwork, 'n', f);
  return sql`select ${nf('fac')} from ${m.table(PdbNetworkFacility)} nf join ${m.table(PdbNetwork)} n on ${n('id')} = ${nf('net')} and ${n('status')} = 'ok'
    where ${nf('status')} = 'ok' and ${n('asn')} = ${asn}`;
};

/** PeeringDB facilities where both networks are present (PM's shared_facilities). */
declareField(AutonomousSystem, 'sharedFacilities', {
  kind: 'list', target: () => PdbFacility, ordering: ['id'], prepare: affiliatedId, refused: refusedWithout,
  where: (as, f, id: number, m) => [
    bothInPeeringdb(as.col('asn'), affiliatedAsn(id, m), m),
    sql`${f.col('status')} = 'ok' and ${f.col('id')} in (${presentAt(as.col('asn'), m)}) and ${f.col('id')} in (${presentAt(affiliatedAsn(id, m), m)})`,
  ],
});

/** Links an IX to the PeeringDB LAN its connections' netixlans are on; 503 when there is none or more than one. */
export async function linkInternetExchangeToPeeringdb(ctx: GqlContext, id: string): Promise<AnyEntity> {
  const d = describe(InternetExchange);
  requireModelWrite(ctx, d, 'update');
  const ix = await crud.get(ctx.em, d, id, undefined, readScope(ctx, d));
  if (!ix) throw new NotFoundError(`No ${d.className} matches the given query.`);
  const m = mappedNames(ctx.em.getMetadata());
  const rows = await sqlRows(ctx.em, `select distinct ${m.col(PdbNetworkIXLan, 'n', 'ixlan')} as ixlan from ${m.table(Connection)} c
    join ${m.table(PdbNetworkIXLan)} n on ${m.col(PdbNetworkIXLan, 'n', 'id')} = ${m.col(Connection, 'c', 'peeringdbNetixlan')}
    where ${m.col(Connection, 'c', 'internetExchangePoint')} = ?`, [ix.id]);
  if (rows.length === 0) throw new UnavailableError('None of the IX\'s connections is linked to a PeeringDB netixlan.');
  if (rows.length > 1) throw new UnavailableError('The IX\'s connections are linked to netixlans of different PeeringDB IX LANs.');
  const ixlan = Number(rows[0].ixlan);
  if (ix.peeringdbIxlan === ixlan) return ix;
  const [updated] = await crud.update(ctx.em, d, [{ id, input: { peeringdbIxlan: ixlan } }], true, ctx.caller, (changes) => ctx.bus.publishObjectChanges(changes as any));
  return updated;
}

/** The IX LAN's prefixes in PeeringDB by family, IPv6 first, a family only when it has some. */
export async function peeringdbPrefixes(em: EntityManager, ixlan: number | null | undefined): Promise<Record<string, string[]>> {
  if (ixlan === null || ixlan === undefined) return {};
  const m = mappedNames(em.getMetadata());
  const x = (f: string) => m.col(PdbIXLanPrefix, 'x', f);
  const rows = await sqlRows(em, `select ${x('prefix')} as prefix from ${m.table(PdbIXLanPrefix)} x where ${x('ixlan')} = ? and ${x('status')} = 'ok' order by ${x('id')}`, [ixlan]);
  const out: Record<string, string[]> = {};
  for (const family of ['ipv6', 'ipv4']) {
    const list = rows.map((r) => String(r.prefix)).filter((p) => (p.includes(':') ? 'ipv6' : 'ipv4') === family);
    if (list.length) out[family] = [...new Set(list)];
  }
  return out;
}

const AFFILIATED_ARG = 'Id of the affiliated AS to compare with (default: the caller\'s context.as preference; SERVICE_UNAVAILABLE when neither is given)';

@Resolver(() => AutonomousSystem)
export class SharedWithAffiliatedResolver {
  @FieldResolver(() => [InternetExchange], { description: 'IXPs of the affiliated AS whose PeeringDB LAN has both this AS\'s and the affiliated AS\'s networks (Peering Manager\'s shared-ixps)' })
  sharedInternetExchanges(@Root() as: Record<string, any>, @Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo, @Arg('affiliatedId', () => ID, { nullable: true, description: AFFILIATED_ARG }) _affiliatedId?: string | null): Promise<unknown> {
    return handThrough(as, ctx, info);
  }

  @FieldResolver(() => [PdbFacility], { description: 'PeeringDB facilities where both this AS\'s and the affiliated AS\'s networks are present (Peering Manager\'s shared-facilities)' })
  sharedFacilities(@Root() as: Record<string, any>, @Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo, @Arg('affiliatedId', () => ID, { nullable: true, description: AFFILIATED_ARG }) _affiliatedId?: string | null): Promise<unknown> {
    return handThrough(as, ctx, info);
  }
}

/**
 * The IX LAN's prefixes in PeeringDB by family, IPv6 first, a family only when it has some, each
 * prefix once in the order PeeringDB added them (as peeringdbPrefixes).
 */
declareField(InternetExchange, 'peeringdbPrefixes', {
  kind: 'scalar',
  sql: (ix, _, m) => {
    const x = (f: string) => m.col(PdbIXLanPrefix, 'x', f);
    return new Sql(`(select coalesce(json_object_agg(fam.family, fam.prefixes order by fam.family = 'ipv4'), '{}'::json) from (
      select p.family, json_agg(p.prefix order by p.first) as prefixes from (
        select case when position(':' in ${x('prefix')}) > 0 then 'ipv6' else 'ipv4' end as family, ${x('prefix')} as prefix, min(${x('id')}) as first
        from ${m.table(PdbIXLanPrefix)} x where ${x('ixlan')} = ${ix('peeringdbIxlan')} and ${x('status')} = 'ok' group by ${x('prefix')}) p
      group by p.family) fam)`);
  },
});

@Resolver(() => InternetExchange)
export class InternetExchangePeeringDBActionsResolver {
  @FieldResolver(() => JSONScalar, { description: 'The prefixes of the IX\'s PeeringDB LAN, {"ipv6": [...], "ipv4": [...]} with a family only when it has some; {} when not linked' })
  peeringdbPrefixes(@Root() ix: Record<string, any>, @Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo): Promise<unknown> {
    return handThrough(ix, ctx, info);
  }

  @Mutation(() => InternetExchange, { description: 'Sets the IX\'s PeeringDB LAN to the one its connections\' PeeringDB netixlans are on; SERVICE_UNAVAILABLE when none is linked or they disagree (Peering Manager\'s link-to-peeringdb).' })
  async linkInternetExchangeToPeeringdb(@Arg('id', () => ID, { description: 'Id of the IX' }) id: string, @Ctx() ctx: GqlContext): Promise<AnyEntity> {
    return linkInternetExchangeToPeeringdb(ctx, id);
  }
}
