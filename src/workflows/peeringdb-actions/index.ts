// Peering Manager's PeeringDB actions (spec pm-workflows §6.1-§6.2) answered from PeerGate's
// own PeeringDB mirror: IXPs and facilities an AS shares with the user's affiliated AS, linking an
// IX to its PeeringDB LAN from its connections, an IX's PeeringDB prefixes.
import type { AnyEntity, EntityManager } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
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
import { sqlRows, qi } from '../../domain/peeringdb/sql';
import { preferencesOf } from '../../domain/users/preferences';

/** ASNs that are never in PeeringDB: reserved, documentation and private ranges (spec §6). */
export function isPrivateAsn(asn: number): boolean {
  return asn === 0 || asn === 23456 || asn === 65535 || asn === 4294967295
    || (asn >= 64496 && asn <= 131071) || (asn >= 4200000000 && asn <= 4294967294);
}

export const NO_AFFILIATED_AS = 'User did not choose an affiliated AS.';

/** The AS named by `id`, or by the caller's `context.as` preference; 503 when neither names a readable AS. */
export async function affiliatedAs(ctx: GqlContext, id?: string | null): Promise<AutonomousSystem> {
  let ref: unknown = id;
  if (ref === undefined || ref === null) {
    const user = ctx.caller.user;
    const context = user ? (await preferencesOf(ctx.em, user.id)).context : undefined;
    ref = context && typeof context === 'object' ? (context as Record<string, unknown>).as : undefined;
  }
  const d = describe(AutonomousSystem);
  const as = ref === undefined || ref === null || !/^\d+$/.test(String(ref)) ? null : await crud.get(ctx.em, d, String(ref), undefined, readScope(ctx, d));
  if (!as) throw new UnavailableError(NO_AFFILIATED_AS);
  return as as AutonomousSystem;
}

async function hasNetwork(ctx: GqlContext, asn: number): Promise<boolean> {
  if (isPrivateAsn(asn)) return false;
  return (await sqlRows(ctx.em, `select 1 from peeringdb_net where asn = ? and status = 'ok' limit 1`, [asn])).length > 0;
}

/** Both ASes have a PeeringDB network and they are different networks (otherwise nothing is shared). */
async function bothInPeeringdb(ctx: GqlContext, a: AutonomousSystem, b: AutonomousSystem): Promise<boolean> {
  return a.asn !== b.asn && (await hasNetwork(ctx, a.asn)) && (await hasNetwork(ctx, b.asn));
}

/** Our IXPs of the affiliated AS whose PeeringDB LAN has both networks (PM's shared_ixps). */
export async function sharedInternetExchanges(ctx: GqlContext, as: AutonomousSystem, affiliated: AutonomousSystem): Promise<AnyEntity[]> {
  if (!(await bothInPeeringdb(ctx, as, affiliated))) return [];
  const rows = await sqlRows(ctx.em, `select distinct a.ixlan_id as ixlan from peeringdb_netixlan a
    join peeringdb_netixlan b on b.ixlan_id = a.ixlan_id and b.status = 'ok' and b.asn = ?
    where a.status = 'ok' and a.asn = ?`, [affiliated.asn, as.asn]);
  if (!rows.length) return [];
  const d = describe(InternetExchange);
  const where = crud.withScope({ localAutonomousSystem: affiliated.id, peeringdbIxlan: { $in: rows.map((r) => Number(r.ixlan)) } }, readScope(ctx, d));
  return (await ctx.em.find(InternetExchange, where as any, { orderBy: { name: 'asc', slug: 'asc', id: 'asc' } })) as AnyEntity[];
}

/** PeeringDB facilities where both networks are present (PM's shared_facilities). */
export async function sharedFacilities(ctx: GqlContext, as: AutonomousSystem, affiliated: AutonomousSystem): Promise<AnyEntity[]> {
  if (!(await bothInPeeringdb(ctx, as, affiliated))) return [];
  const present = `select nf.fac_id from peeringdb_netfac nf join peeringdb_net n on n.id = nf.net_id and n.status = 'ok' where nf.status = 'ok' and n.asn = ?`;
  const rows = await sqlRows(ctx.em, `select f.id from peeringdb_fac f where f.status = 'ok' and f.id in (${present}) and f.id in (${present}) order by f.id`, [as.asn, affiliated.asn]);
  if (!rows.length) return [];
  const d = describe(PdbFacility);
  return (await ctx.em.find(PdbFacility, crud.withScope({ id: { $in: rows.map((r) => Number(r.id)) } }, readScope(ctx, d)) as any, { orderBy: { id: 'asc' } })) as AnyEntity[];
}

/** Links an IX to the PeeringDB LAN its connections' netixlans are on; 503 when there is none or more than one. */
export async function linkInternetExchangeToPeeringdb(ctx: GqlContext, id: string): Promise<AnyEntity> {
  const d = describe(InternetExchange);
  requireModelWrite(ctx, d, 'update');
  const ix = await crud.get(ctx.em, d, id, undefined, readScope(ctx, d));
  if (!ix) throw new NotFoundError(`No ${d.className} matches the given query.`);
  const rows = await sqlRows(ctx.em, `select distinct n.ixlan_id as ixlan from ${qi(describe(Connection).table)} c
    join peeringdb_netixlan n on n.id = c.peeringdb_netixlan
    where c.internet_exchange_point_id = ?`, [ix.id]);
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
  const rows = await sqlRows(em, `select prefix, protocol from peeringdb_ixpfx where ixlan_id = ? and status = 'ok' order by id`, [ixlan]);
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
  async sharedInternetExchanges(@Root() as: AutonomousSystem, @Ctx() ctx: GqlContext, @Arg('affiliatedId', () => ID, { nullable: true, description: AFFILIATED_ARG }) affiliatedId?: string | null): Promise<AnyEntity[]> {
    return sharedInternetExchanges(ctx, as, await affiliatedAs(ctx, affiliatedId));
  }

  @FieldResolver(() => [PdbFacility], { description: 'PeeringDB facilities where both this AS\'s and the affiliated AS\'s networks are present (Peering Manager\'s shared-facilities)' })
  async sharedFacilities(@Root() as: AutonomousSystem, @Ctx() ctx: GqlContext, @Arg('affiliatedId', () => ID, { nullable: true, description: AFFILIATED_ARG }) affiliatedId?: string | null): Promise<AnyEntity[]> {
    return sharedFacilities(ctx, as, await affiliatedAs(ctx, affiliatedId));
  }
}

@Resolver(() => InternetExchange)
export class InternetExchangePeeringDBActionsResolver {
  @FieldResolver(() => JSONScalar, { description: 'The prefixes of the IX\'s PeeringDB LAN, {"ipv6": [...], "ipv4": [...]} with a family only when it has some; {} when not linked' })
  async peeringdbPrefixes(@Root() ix: InternetExchange, @Ctx() ctx: GqlContext): Promise<Record<string, string[]>> {
    return peeringdbPrefixes(ctx.em as EntityManager, ix.peeringdbIxlan);
  }

  @Mutation(() => InternetExchange, { description: 'Sets the IX\'s PeeringDB LAN to the one its connections\' PeeringDB netixlans are on; SERVICE_UNAVAILABLE when none is linked or they disagree (Peering Manager\'s link-to-peeringdb).' })
  async linkInternetExchangeToPeeringdb(@Arg('id', () => ID, { description: 'Id of the IX' }) id: string, @Ctx() ctx: GqlContext): Promise<AnyEntity> {
    return linkInternetExchangeToPeeringdb(ctx, id);
  }
}
