// The poll job (pm-workflows §6.3), under Peering Manager's name and with its lines: one router's
// BGP neighbours, read from PeerGate's speaker (./live), written to the sessions in one transaction.
import type { EntityManager } from '@mikro-orm/postgresql';
import { defineJob, enqueueJob, JobFailed, type JobRun } from '../../jobs/api';
import type { Job } from '../../domain/core/job';
import type { Caller } from '../../http/auth';
import { AuthError } from '../../domain/errors';
import { requireReadGrant, toWhere } from '../../domain/access';
import { describe } from '../../domain/model';
import { Router } from '../../domain/devices/router';
import { readLiveState } from './live';
import { POLL_FAILED, polledFrom, requirePollRights, unusableReason, writePolledSessions } from './poll';
import { transaction } from '../../db/transaction';

export const POLL_BGP_SESSIONS_JOB = 'devices.router.poll_bgp_sessions';

const plural = (n: number): string => (n === 1 ? '' : 's');

defineJob(POLL_BGP_SESSIONS_JOB, async (r: JobRun) => {
  const caller = r.caller;
  const routerId = Number(r.params.routerId);
  const scope = toWhere(requireReadGrant(caller, describe(Router)));
  const router = await r.em.findOne(Router, (scope ? { $and: [{ id: routerId }, scope] } : { id: routerId }) as any);
  if (!router) throw new Error(`Router ${routerId} does not exist (any more).`);
  const object = { display: router.name, url: `/api/devices/routers/${router.id}/` };

  const unusable = unusableReason(router);
  if (unusable) {
    r.log('warning', unusable, object);
    r.log('success', 'Task cancelled');
    return;
  }
  r.log('info', 'Polling BGP sessions state.', object);
  const failed = (why: string): never => {
    r.log('warning', why, object);
    throw new JobFailed(POLL_FAILED);
  };
  try {
    requirePollRights(caller);
  } catch (e) {
    if (e instanceof AuthError) failed(`${e.message} (the job has the rights of the request that queued it)`);
    throw e;
  }
  if (!router.pollBgpSessionsState) failed('Polling BGP sessions state is off for this router (poll_bgp_sessions_state is false).');

  const live = await readLiveState(r.em, r.speaker, router.id);
  if (!live.ok) return failed(live.reason);
  const polled = live.neighbours.map(polledFrom);
  const now = new Date();
  await transaction(r.em, async (tem) => {
    await writePolledSessions(tem, polled, now);
    await tem.nativeUpdate(Router, { id: router.id }, { pollBgpSessionsLastUpdated: now });
  });
  r.log('success', `Successfully polled BGP ${polled.length} session${plural(polled.length)} state.`, object);
});

/** Queues a poll of one router; the job belongs to the caller's user and keeps its write rights. */
export function enqueueBgpSessionsPoll(em: EntityManager, routerId: number, caller: Caller): Promise<Job> {
  return enqueueJob(em, {
    name: POLL_BGP_SESSIONS_JOB, objectType: 'devices.router', objectId: routerId, caller,
    params: { routerId },
  });
}
