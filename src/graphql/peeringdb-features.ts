// Peering Manager's features that read the PeeringDB mirror, as GraphQL fields and
// mutations: AS sync-with-peeringdb, an IX's available peers, and whether an IX
// session still exists in PeeringDB (exists_in_peeringdb / is_abandoned). Field
// resolvers batch per request (one query for all rows of a page).
import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { AnyEntity } from '@mikro-orm/core';
import type { GqlContext } from './context';
import { readScope, requireRead, requireWrite } from './guards';
import { NotFoundError } from '../domain/errors';
import { describe } from '../domain/model';
import * as crud from '../domain/crud';
import { AutonomousSystem } from '../domain/peering/autonomous-system';
import { InternetExchange } from '../domain/peering/internet-exchange';
import { InternetExchangePeeringSession } from '../domain/peering/internet-exchange-peering-session';
import { Connection } from '../domain/net/connection';
import { HiddenPeer } from '../domain/peeringdb/hidden-peer';
import { PdbNetwork } from '../domain/peeringdb/net';
import { PdbNetworkIXLan } from '../domain/peeringdb/netixlan';
import { sqlRows, qi } from '../domain/peeringdb/sql';

/** One DataLoader per request and purpose, kept beside the request's context. */
const perRequest = new WeakMap<GqlContext, Map<string, DataLoader<number, any>>>();
function loader<V>(ctx: GqlContext, key: string, batch: (ids: readonly number[]) => Promise<V[]>): DataLoader<number, V> {
  let m = perRequest.get(ctx);
  if (!m) perRequest.set(ctx, (m = new Map()));
  let l = m.get(key);
  if (!l) m.set(key, (l = new DataLoader<number, V>(batch)));
  return l;
}

const T = {
  session: () => describe(InternetExchangePeeringSession).table,
  connection: () => describe(Connection).table,
  ix: () => describe(InternetExchange).table,
  as: () => describe(AutonomousSystem).table,
  hidden: () => describe(HiddenPeer).table,
};

interface SessionState { inPeeringdb: boolean; linked: boolean }

/** exists_in_peeringdb for many sessions: a live netixlan of the session's AS on the IX's PeeringDB LAN with its address. */
async function sessionStates(ctx: GqlContext, ids: readonly number[]): Promise<SessionState[]> {
  const rows = await sqlRows(ctx.em, `select s.id, ix.peeringdb_ixlan is not null as linked,
      exists (select 1 from peeringdb_netixlan n where n.status = 'ok' and n.ixlan_id = ix.peeringdb_ixlan and n.asn = a.asn
        and (n.ipaddr4 = host(s.ip_address) or lower(n.ipaddr6) = host(s.ip_address))) as in_pdb
    from ${qi(T.session())} s
    join ${qi(T.connection())} c on c.id = s.ixp_connection_id
    left join ${qi(T.ix())} ix on ix.id = c.internet_exchange_point_id
    join ${qi(T.as())} a on a.id = s.autonomous_system_id
    where s.id in (${ids.map(() => '?').join(', ')})`, [...ids]);
  const byId = new Map(rows.map((r) => [Number(r.id), { inPeeringdb: !!r.in_pdb, linked: !!r.linked }]));
  return ids.map((id) => byId.get(id) ?? { inPeeringdb: false, linked: false });
}

@Resolver(() => InternetExchangePeeringSession)
export class SessionPeeringDBResolver {
  @FieldResolver(() => Boolean, { description: 'The session\'s AS has a live PeeringDB netixlan with this address on the IX\'s PeeringDB LAN' })
  async existsInPeeringdb(@Root() s: InternetExchangePeeringSession, @Ctx() ctx: GqlContext): Promise<boolean> {
    return (await loader(ctx, 'sessionStates', (ids) => sessionStates(ctx, ids)).load(s.id)).inPeeringdb;
  }

  @FieldResolver(() => Boolean, { description: 'The IX is linked to PeeringDB but the session is no longer there (Peering Manager\'s is_abandoned)' })
  async isAbandoned(@Root() s: InternetExchangePeeringSession, @Ctx() ctx: GqlContext): Promise<boolean> {
    const st = await loader(ctx, 'sessionStates', (ids) => sessionStates(ctx, ids)).load(s.id);
    return st.linked && !st.inPeeringdb;
  }
}

/**
 * SQL: whether an address has a session on every connection of the IX `ix` (an IX without
 * connections covers nothing). `addr` is a SQL expression for the address text.
 */
const onEveryConnection = (addr: string) => `(exists (select 1 from ${qi(T.connection())} c0 where c0.internet_exchange_point_id = ix.id)
  and not exists (select 1 from ${qi(T.connection())} c where c.internet_exchange_point_id = ix.id
    and not exists (select 1 from ${qi(T.session())} s where s.ixp_connection_id = c.id and host(s.ip_address) = ${addr})))`;

/**
 * Netixlans of each IX's PeeringDB LAN, by ASN, that are still worth a session (Peering Manager's
 * available peers): not the IX's local AS, not hidden (HiddenPeer with no or a future `until`),
 * and an IPv6 or an IPv4 address that does not yet have a session on every connection of the IX.
 */
async function availablePeerIds(ctx: GqlContext, ixIds: readonly number[]): Promise<number[][]> {
  const rows = await sqlRows(ctx.em, `select ix.id as ix, n.id
    from ${qi(T.ix())} ix
    join peeringdb_netixlan n on n.ixlan_id = ix.peeringdb_ixlan and n.status = 'ok'
    join ${qi(T.as())} own on own.id = ix.local_autonomous_system_id
    where ix.id in (${ixIds.map(() => '?').join(', ')}) and n.asn <> own.asn
      and ((coalesce(n.ipaddr6, '') <> '' and not ${onEveryConnection('lower(n.ipaddr6)')})
        or (coalesce(n.ipaddr4, '') <> '' and not ${onEveryConnection('n.ipaddr4')}))
      and not exists (select 1 from ${qi(T.hidden())} h where h.peeringdb_network = n.net_id and h.peeringdb_ixlan = n.ixlan_id
        and (h.until is null or h.until >= now()))
    order by n.asn, n.id`, [...ixIds]);
  const out = new Map<number, number[]>(ixIds.map((id) => [id, []]));
  for (const r of rows) out.get(Number(r.ix))!.push(Number(r.id));
  return ixIds.map((id) => out.get(id)!);
}

@Resolver(() => InternetExchange)
export class IXPeeringDBResolver {
  @FieldResolver(() => [PdbNetworkIXLan], { description: 'PeeringDB members of this IX (its PeeringDB IX LAN), by ASN, with an IPv6 or IPv4 address that has no session on every connection of the IX yet, minus the local AS and hidden peers' })
  async availablePeers(@Root() ix: InternetExchange, @Ctx() ctx: GqlContext): Promise<AnyEntity[]> {
    requireRead(ctx);
    const ids = await loader(ctx, 'availablePeers', (keys) => availablePeerIds(ctx, keys)).load(ix.id);
    if (!ids.length) return [];
    const rows = (await ctx.em.find(PdbNetworkIXLan, { id: { $in: ids } })) as AnyEntity[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)!).filter(Boolean);
  }
}

@Resolver()
export class ASPeeringDBResolver {
  @Mutation(() => AutonomousSystem, { description: 'Copies name, IRR AS-SET and max prefixes from the mirrored PeeringDB network with this ASN, for the fields whose *PeeringdbSync flag is set (Peering Manager\'s synchronize_with_peeringdb).' })
  async syncAutonomousSystemWithPeeringdb(@Arg('id', () => ID, { description: 'Id of the autonomous system' }) id: string, @Ctx() ctx: GqlContext): Promise<AnyEntity> {
    requireWrite(ctx);
    const d = describe(AutonomousSystem);
    const as = (await crud.get(ctx.em, d, id, undefined, readScope(ctx, d))) as AutonomousSystem | null;
    if (!as) throw new NotFoundError(`No AutonomousSystem matches the given query.`);
    const net = await ctx.em.findOne(PdbNetwork, { asn: as.asn, status: 'ok' });
    if (!net) throw new NotFoundError(`AS${as.asn} is not in the PeeringDB mirror.`);
    const input: Record<string, unknown> = {};
    if (as.namePeeringdbSync) input.name = net.name;
    if (as.irrAsSetPeeringdbSync) input.irrAsSet = net.irrAsSet;
    if (as.ipv4MaxPrefixesPeeringdbSync) input.ipv4MaxPrefixes = net.infoPrefixes4 ?? 0;
    if (as.ipv6MaxPrefixesPeeringdbSync) input.ipv6MaxPrefixes = net.infoPrefixes6 ?? 0;
    const [updated] = await crud.update(ctx.em, d, [{ id, input }], true, ctx.caller, (changes) => ctx.bus.publishObjectChanges(changes as any));
    return updated;
  }
}
