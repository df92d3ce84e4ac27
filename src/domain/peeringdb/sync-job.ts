// A PeeringDB sync run as a Job row: progress in `data`, the summary in `output`.
import type { EntityManager } from '@mikro-orm/core';
import { Job } from '../core/job';
import type { User } from '../users/user';
import { syncPeeringDB, formatSummary, DEFAULT_PEERINGDB_URL, type SyncOptions, type SyncProgress } from './sync';

export async function startSyncJob(em: EntityManager, user: User, opts: SyncOptions, wait: boolean): Promise<Job> {
  const jem = em.fork();
  const job = jem.create(Job, {
    objectType: 'peeringdb.sync', name: `PeeringDB sync from ${opts.url ?? DEFAULT_PEERINGDB_URL}`, user: jem.getReference('User' as any, user.id) as any,
    status: 'running', started: new Date(), data: { progress: null },
  } as any);
  await jem.persist(job).flush();
  const id = job.id;
  const save = (fields: Record<string, unknown>) => em.fork().nativeUpdate(Job, { id }, fields as any);
  const onProgress = (p: SyncProgress) => {
    // Written at phase changes only: a row per progress tick would cost more than the sync.
    if (p.phase !== 'write' || p.done === 0) void save({ data: { progress: p } }).catch(() => undefined);
  };
  const run = syncPeeringDB(em.fork(), { ...opts, onProgress }).then(
    (summary) => save({ status: 'completed', completed: new Date(), data: { progress: null, summary }, output: formatSummary(summary) }),
    (e: Error) => save({ status: 'failed', completed: new Date(), output: `sync failed: ${e.message}` }),
  );
  if (wait) await run;
  else void run;
  return (await em.fork().findOne(Job, { id }))!;
}
