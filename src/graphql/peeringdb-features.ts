// Peering Manager's features that read the PeeringDB mirror, as GraphQL fields and
// mutations: AS sync-with-peeringdb, an IX's available peers, and whether an IX
// session still exists in PeeringDB (exists_in_peeringdb / is_abandoned). The fields
// are declared as SQL the read compiler embeds in the statement of the whole read.
import { Arg, Ctx, FieldResolver, ID, Info, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { AnyEntity } from '@mikro-orm/core';
import type { GqlContext } from './context';
import { readScope, requireWrite } from './guards';
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
import { qi } from '../domain/peeringdb/sql';
import { declareField } from './read-compiler/declared';
import { handThrough } from './read-compiler';
import { Sql } from './read-compiler/sql';

const T = {
  session: () => describe(InternetExchangePeeringSession).table,
  connection: () => describe(Connection).table,
  ix: () => describe(InternetExchange).table,
  as: () => describe(AutonomousSystem).table,
  hidden: () => describe(HiddenPeer).table,
};

/**
 * SQL over an IX session's row `s`: `state(linked, inPdb)` of its IX (linked: the IX has a
 * PeeringDB LAN) and whether its AS has a live netixlan with its address on that LAN; false when
 * the session has no such IX.
 */
const sessionState = (s: string, state: (linked: string, inPdb: string) => string) => new Sql(`coalesce((select ${state('ix.peeringdb_ixlan is not null',
  `exists (select 1 from peeringdb_netixlan n where n.status = 'ok' and n.ixlan_id = ix.peeringdb_ixlan and n.asn = a.asn
      and (n.ipaddr4 = host(${s}.ip_address) or lower(n.ipaddr6) = host(${s}.ip_address)))`)}
    from ${qi(T.connection())} c
    left join ${qi(T.ix())} ix on ix.id = c.internet_exchange_point_id
    join ${qi(T.as())} a on a.id = ${s}.autonomous_system_id
    where c.id = ${s}.ixp_connection_id), false)`);

declareField(InternetExchangePeeringSession, 'existsInPeeringdb', { kind: 'scalar', sql: (_, s) => sessionState(s, (_linked, inPdb) => inPdb) });
declareField(InternetExchangePeeringSession, 'isAbandoned', { kind: 'scalar', sql: (_, s) => sessionState(s, (linked, inPdb) => `${linked} and not ${inPdb}`) });

@Resolver(() => InternetExchangePeeringSession)
export class SessionPeeringDBResolver {
  @FieldResolver(() => Boolean, { description: 'The session\'s AS has a live PeeringDB netixlan with this address on the IX\'s PeeringDB LAN' })
  existsInPeeringdb(@Root() s: Record<string, any>, @Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo): Promise<unknown> {
    return handThrough(s, ctx, info);
  }

  @FieldResolver(() => Boolean, { description: 'The IX is linked to PeeringDB but the session is no longer there (Peering Manager\'s is_abandoned)' })
  isAbandoned(@Root() s: Record<string, any>, @Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo): Promise<unknown> {
    return handThrough(s, ctx, info);
  }
}

/**
 * SQL: whether an address has a session on every connection of the IX at `ix` (an IX without
 * connections covers nothing). `addr` is a SQL expression for the address text.
 */
const onEveryConnection = (ix: string, addr: string) => `(exists (select 1 from ${qi(T.connection())} c0 where c0.internet_exchange_point_id = ${ix}.id)
  and not exists (select 1 from ${qi(T.connection())} c where c.internet_exchange_point_id = ${ix}.id
    and not exists (select 1 from ${qi(T.session())} s where s.ixp_connection_id = c.id and host(s.ip_address) = ${addr})))`;

/**
 * Netixlans of the IX's PeeringDB LAN, by ASN, that are still worth a session (Peering Manager's
 * available peers): not the IX's local AS, not hidden (HiddenPeer with no or a future `until`),
 * and an IPv6 or an IPv4 address that does not yet have a session on every connection of the IX.
 */
declareField(InternetExchange, 'availablePeers', {
  kind: 'list', target: () => PdbNetworkIXLan, ordering: ['asn'],
  where: ({ row: ix }, { row: n }) => [new Sql(`${n}.ixlan_id = ${ix}.peeringdb_ixlan and ${n}.status = 'ok'
    and ${n}.asn <> (select own.asn from ${qi(T.as())} own where own.id = ${ix}.local_autonomous_system_id)
    and ((coalesce(${n}.ipaddr6, '') <> '' and not ${onEveryConnection(ix, `lower(${n}.ipaddr6)`)})
      or (coalesce(${n}.ipaddr4, '') <> '' and not ${onEveryConnection(ix, `${n}.ipaddr4`)}))
    and not exists (select 1 from ${qi(T.hidden())} h where h.peeringdb_network = ${n}.net_id and h.peeringdb_ixlan = ${n}.ixlan_id
      and (h.until is null or h.until >= now()))`)],
});

@Resolver(() => InternetExchange)
export class IXPeeringDBResolver {
  @FieldResolver(() => [PdbNetworkIXLan], { description: 'PeeringDB members of this IX (its PeeringDB IX LAN), by ASN, with an IPv6 or IPv4 address that has no session on every connection of the IX yet, minus the local AS and hidden peers' })
  availablePeers(@Root() ix: Record<string, any>, @Ctx() ctx: GqlContext, @Info() info: GraphQLResolveInfo): Promise<unknown> {
    return handThrough(ix, ctx, info);
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
