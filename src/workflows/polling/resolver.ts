// GraphQL for polling (pm-workflows §6.3): a job per router, the fan-out of an AS, a BGP group or
// an IX to the routers their sessions are on, and the synchronous poll of one session. Peering
// Manager's REST actions run these.
import type { AnyEntity } from '@mikro-orm/core';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { GqlContext } from '../../graphql/context';
import { readableIds, requireJobOwner, requireReadable, rowId } from '../../graphql/workflow-guards';
import { UnavailableError } from '../../domain/errors';
import { Job } from '../../domain/core/job';
import { Router } from '../../domain/devices/router';
import { Connection } from '../../domain/net/connection';
import { AutonomousSystem } from '../../domain/peering/autonomous-system';
import { BGPGroup } from '../../domain/peering/bgp-group';
import { InternetExchange } from '../../domain/peering/internet-exchange';
import { DirectPeeringSession } from '../../domain/peering/direct-peering-session';
import { InternetExchangePeeringSession } from '../../domain/peering/internet-exchange-peering-session';
import { loadSessionForChange, type SessionKind } from '../session-passwords';
import { readLiveState } from './live';
import { polledFrom, requirePollRights, unusableReason, writePolledSessions } from './poll';
import { enqueueBgpSessionsPoll } from './jobs';
import { transaction } from '../../db/transaction';

/**
 * Queueing a poll needs write credentials and a user (an anonymous caller could never read its job),
 * and the core's update grant on what the job writes: the router and both kinds of session.
 */
function requirePoller(ctx: GqlContext): void {
  requireJobOwner(ctx);
  requirePollRights(ctx.caller);
}

/** One job per distinct router among `ids` the caller may read, by router id. */
async function pollRouters(ctx: GqlContext, ids: (number | null | undefined)[]): Promise<Job[]> {
  const routers = await readableIds(ctx, Router, ids.filter((n): n is number => typeof n === 'number'));
  const jobs: Job[] = [];
  for (const id of routers) jobs.push(await enqueueBgpSessionsPoll(ctx.em as any, id, ctx.caller));
  return jobs;
}

const routerOf = (s: { router?: { id: number } | null }) => s.router?.id;
const connectionRouterOf = (s: { ixpConnection?: { router?: { id: number } | null } | null }) => s.ixpConnection?.router?.id;

/** Polls one session now from its router's live state; SERVICE_UNAVAILABLE when that cannot be done. */
async function pollSession(ctx: GqlContext, kind: SessionKind, id: string): Promise<AnyEntity> {
  const { session, router } = await loadSessionForChange(ctx, kind, id);
  if (!router) throw new UnavailableError('The session has no router to poll.');
  const unusable = unusableReason(router);
  if (unusable) throw new UnavailableError(`${unusable} (router ${router.name})`);
  if (!router.pollBgpSessionsState) throw new UnavailableError(`Router ${router.name} does not poll BGP sessions state (poll_bgp_sessions_state is false).`);
  const live = await readLiveState(ctx.em, ctx.speaker, router.id);
  if (!live.ok) throw new UnavailableError(live.reason);
  const neighbour = live.neighbours.find((n) => n.type === kind && n.sessionId === session.id);
  if (!neighbour) throw new UnavailableError(`Router ${router.name} has no BGP neighbour for this session (is the session enabled, with an address?).`);
  await transaction(ctx.em, (tem) => writePolledSessions(tem, [polledFrom(neighbour)], new Date()));
  await ctx.em.refresh(session);
  return session;
}

const ONE_JOB = 'Queues a job (devices.router.poll_bgp_sessions) reading the BGP state and prefix counts of the router\'s sessions from PeerGate\'s BGP speaker';

@Resolver()
export class PollingResolver {
  @Mutation(() => Job, { description: `${ONE_JOB}. A router that is not an enabled BGP speaker ends "Task cancelled"; poll_bgp_sessions_state false, or no worker running the router, ends failed.` })
  async pollRouterBgpSessions(@Arg('id', () => ID, { description: 'Id of the router' }) id: string, @Ctx() ctx: GqlContext): Promise<Job> {
    requirePoller(ctx);
    await requireReadable(ctx, Router, rowId(id));
    return enqueueBgpSessionsPoll(ctx.em as any, rowId(id), ctx.caller);
  }

  @Mutation(() => [Job], { description: `${ONE_JOB}, for each router with a direct session to the AS or a connection carrying one of its IX sessions; one job per router.` })
  async pollAutonomousSystemBgpSessions(@Arg('id', () => ID, { description: 'Id of the autonomous system' }) id: string, @Ctx() ctx: GqlContext): Promise<Job[]> {
    requirePoller(ctx);
    const asId = rowId(id);
    await requireReadable(ctx, AutonomousSystem, asId);
    const [direct, ixp] = await Promise.all([
      ctx.em.find(DirectPeeringSession, { autonomousSystem: asId }, { fields: ['router'] }),
      ctx.em.find(InternetExchangePeeringSession, { autonomousSystem: asId }, { populate: ['ixpConnection'] }),
    ]);
    return pollRouters(ctx, [...direct.map(routerOf), ...ixp.map(connectionRouterOf)]);
  }

  @Mutation(() => [Job], { description: `${ONE_JOB}, for each router with a direct session in the BGP group; one job per router.` })
  async pollBgpGroupBgpSessions(@Arg('id', () => ID, { description: 'Id of the BGP group' }) id: string, @Ctx() ctx: GqlContext): Promise<Job[]> {
    requirePoller(ctx);
    const groupId = rowId(id);
    await requireReadable(ctx, BGPGroup, groupId);
    const direct = await ctx.em.find(DirectPeeringSession, { bgpGroup: groupId }, { fields: ['router'] });
    return pollRouters(ctx, direct.map(routerOf));
  }

  @Mutation(() => [Job], { description: `${ONE_JOB}, for each router with a connection to the IX; one job per router.` })
  async pollInternetExchangeBgpSessions(@Arg('id', () => ID, { description: 'Id of the IX' }) id: string, @Ctx() ctx: GqlContext): Promise<Job[]> {
    requirePoller(ctx);
    const ixId = rowId(id);
    await requireReadable(ctx, InternetExchange, ixId);
    const connections = await ctx.em.find(Connection, { internetExchangePoint: ixId }, { fields: ['router'] });
    return pollRouters(ctx, connections.map(routerOf));
  }

  @Mutation(() => DirectPeeringSession, { description: 'Polls the session now from its router\'s live state in PeerGate\'s BGP speaker (state normalised, prefix counts, last established); SERVICE_UNAVAILABLE when the session has no router, the router is not an enabled BGP speaker or does not poll, or it has no neighbour for the session.' })
  async pollDirectPeeringSession(@Arg('id', () => ID, { description: 'Id of the direct peering session' }) id: string, @Ctx() ctx: GqlContext): Promise<AnyEntity> {
    return pollSession(ctx, 'direct', id);
  }

  @Mutation(() => InternetExchangePeeringSession, { description: 'Polls the IX session now from its connection\'s router\'s live state in PeerGate\'s BGP speaker; SERVICE_UNAVAILABLE as for pollDirectPeeringSession.' })
  async pollInternetExchangePeeringSession(@Arg('id', () => ID, { description: 'Id of the IX peering session' }) id: string, @Ctx() ctx: GqlContext): Promise<AnyEntity> {
    return pollSession(ctx, 'ixp', id);
  }
}
