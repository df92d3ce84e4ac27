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
import { declareField, type ColumnOf, type Models } from './read-compiler/declared';
import { handThrough } from './read-compiler';
import { Sql } from './read-compiler/sql';

/**
 * SQL over an IX session's row (its columns through `s`): `state(linked, inPdb)` of its IX (linked:
 * the IX has a PeeringDB LAN) and whether its AS has a live netixlan with its address on that LAN;
 * false when the session has no such IX.
 */
const sessionState = (s: ColumnOf, m: Models, state: (linked: string, inPdb: string) => string) => {
  const ix = (f: string) => m.col(InternetExchange, 'ix', f);
  const n = (f: string) => m.col(PdbNetworkIXLan, 'n', f);
  return new Sql(`coalesce((select ${state(`${ix('peeringdbIxlan')} is not null`,
    `exists (select 1 from ${m.table(PdbNetworkIXLan)} n where ${n('status')} = 'ok' and ${n('ixlan')} = ${ix('peeringdbIxlan')} and ${n('asn')} = ${m.col(AutonomousSystem, 'a', 'asn')}
      and (${n('ipaddr4')} = host(${s('ipAddress')}) or lower(${n('ipaddr6')}) = host(${s('ipAddress')})))`)}
    from ${m.table(Connection)} c
    left join ${m.table(InternetExchange)} ix on ${ix('id')} = ${m.col(Connection, 'c', 'internetExchangePoint')}
    join ${m.table(AutonomousSystem)} a on ${m.col(AutonomousSystem, 'a', 'id')} = ${s('autonomousSystem')}
    where ${m.col(Connection, 'c', 'id')} = ${s('ixpConnection')}), false)`);
};

declareField(InternetExchangePeeringSession, 'existsInPeeringdb', { kind: 'scalar', sql: (s, _, m) => sessionState(s, m, (_linked, inPdb) => inPdb) });
declareField(InternetExchangePeeringSession, 'isAbandoned', { kind: 'scalar', sql: (s, _, m) => sessionState(s, m, (linked, inPdb) => `${linked} and not ${inPdb}`) });

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
 * SQL: whether an address has a session on every connection of the IX whose id is `ixId` (an IX
 * without connections covers nothing). `addr` is a SQL expression for the address text.
 */
const onEveryConnection = (ixId: string, addr: string, m: Models) => {
  const ixOf = (c: string) => m.col(Connection, c, 'internetExchangePoint');
  const s = (f: string) => m.col(InternetExchangePeeringSession, 's', f);
  return `(exists (select 1 from ${m.table(Connection)} c0 where ${ixOf('c0')} = ${ixId})
  and not exists (select 1 from ${m.table(Connection)} c where ${ixOf('c')} = ${ixId}
    and not exists (select 1 from ${m.table(InternetExchangePeeringSession)} s where ${s('ixpConnection')} = ${m.col(Connection, 'c', 'id')} and host(${s('ipAddress')}) = ${addr})))`;
};

/**
 * Netixlans of the IX's PeeringDB LAN, by ASN, that are still worth a session (Peering Manager's
 * available peers): not the IX's local AS, not hidden (HiddenPeer with no or a future `until`),
 * and an IPv6 or an IPv4 address that does not yet have a session on every connection of the IX.
 */
declareField(InternetExchange, 'availablePeers', {
  kind: 'list', target: () => PdbNetworkIXLan, ordering: ['asn'],
  where: ({ col: ix }, { col: n }, _, m) => {
    const h = (f: string) => m.col(HiddenPeer, 'h', f);
    return [new Sql(`${n('ixlan')} = ${ix('peeringdbIxlan')} and ${n('status')} = 'ok'
    and ${n('asn')} <> (select ${m.col(AutonomousSystem, 'own', 'asn')} from ${m.table(AutonomousSystem)} own where ${m.col(AutonomousSystem, 'own', 'id')} = ${ix('localAutonomousSystem')})
    and ((coalesce(${n('ipaddr6')}, '') <> '' and not ${onEveryConnection(ix('id'), `lower(${n('ipaddr6')})`, m)})
      or (coalesce(${n('ipaddr4')}, '') <> '' and not ${onEveryConnection(ix('id'), n('ipaddr4'), m)}))
    and not exists (select 1 from ${m.table(HiddenPeer)} h where ${h('peeringdbNetwork')} = ${n('net')} and ${h('peeringdbIxlan')} = ${n('ixlan')}
      and (${h('until')} is null or ${h('until')} >= now()))`)];
  },
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
