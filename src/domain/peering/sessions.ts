// BGP session fields shared by direct and IX sessions.
import { Collection, type Rel } from '@mikro-orm/core';
import { Base, F } from '../model';
import { Primary } from '../base';
import { BGPSessionStatus, BGPState } from '../choices';
import { RoutingPolicy } from './routing-policy';
import { Community } from '../bgp/community';
import { AutonomousSystem } from './autonomous-system';
import { BFD } from '../net/bfd';

@Base()
export abstract class BGPSession extends Primary {
  @F.string({ maxLength: 255, nullable: true, unique: true, filter: false }) serviceReference?: string | null;
  @F.fk(() => AutonomousSystem, { required: true, via: ['asn', 'name'], restVia: 'name', deleteRule: 'cascade', reverse: true })
  autonomousSystem!: Rel<AutonomousSystem>;
  @F.choice(BGPSessionStatus, { default: 'enabled' }) status: string = 'enabled';
  @F.string({ maxLength: 255, nullable: true, filter: false, secret: true }) password?: string | null;
  @F.string({ maxLength: 255, nullable: true, filter: false, secret: true }) encryptedPassword?: string | null;
  @F.int({ min: 1, max: 255, default: 1, label: 'Multihop TTL' }) multihopTtl: number = 1;
  @F.bool({ default: false }) passive: boolean = false;
  @F.int({ min: 1, max: 65535, default: 179, filter: false, label: 'Remote port' }) remotePort: number = 179;
  @F.m2m(() => RoutingPolicy, { filter: false }) importRoutingPolicies = new Collection<RoutingPolicy>(this);
  @F.m2m(() => RoutingPolicy, { filter: false }) exportRoutingPolicies = new Collection<RoutingPolicy>(this);
  @F.m2m(() => Community, { filter: false }) communities = new Collection<Community>(this);
  @F.fk(() => BFD, { nullable: true, via: ['name'], restVia: 'name', deleteRule: 'set null', label: 'BFD' }) bfd?: Rel<BFD> | null;
  @F.choice(BGPState, { nullable: true, choiceStyle: 'plain', label: 'BGP state' }) bgpState?: string | null;
  @F.int({ min: 0, default: 0, filter: false }) receivedPrefixCount: number = 0;
  @F.int({ min: 0, default: 0, filter: false }) acceptedPrefixCount: number = 0;
  @F.int({ min: 0, default: 0, filter: false }) advertisedPrefixCount: number = 0;
  @F.datetime({ nullable: true, filter: false }) lastEstablishedState?: Date | null;
  /** Written back by bgp-core and the BMP station; Peering Manager's session has no such field, so REST leaves it out. */
  @F.json({
    nullable: true, readOnly: true, graphqlOnly: true, label: 'Last down reason',
    help: 'Why the BGP session last went down, as BgpDownReason: kind, direction, NOTIFICATION code and subcode with their names, shutdown communication, detail, time',
  }) lastDownReason?: Record<string, unknown> | null;
  @F.localContext() localContextData?: Record<string, unknown> | null;
}
