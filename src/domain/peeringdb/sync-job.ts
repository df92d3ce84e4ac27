// The PeeringDB sync as a queued job (pm-workflows §1: `peeringdb.synchronise`, object_id null,
// timeout 5400 s): it survives a restart of the process that asked for it, and any gateway's
// runner may run it. Progress goes to `data.progress` at phase changes, the summary to `output`.
import type { EntityManager } from '@mikro-orm/core';
import type { EntityManager as PgEntityManager } from '@mikro-orm/postgresql';
import { Job } from '../core/job';
import { defineJob, enqueueJob, type JobRun } from '../../jobs/api';
import { syncPeeringDB, formatSummary, DEFAULT_PEERINGDB_URL, type SyncProgress } from './sync';

export const SYNC_JOB = 'peeringdb.synchronise';
/** Peering Manager's timeout for this job: a first full load of PeeringDB takes long. */
export const SYNC_TIMEOUT_MS = 5_400_000;
const TERMINAL = new Set(['completed', 'errored', 'failed']);

export interface SyncJobOptions { url?: string | null; full?: boolean; apiKey?: string | null }

defineJob(SYNC_JOB, async (r: JobRun) => {
  const data = r.job.data as Record<string, unknown>;
  const params = { ...(r.params as SyncJobOptions) };
  // A key given by the caller is needed only now: it leaves the row before anything else is written.
  if (params.apiKey) {
    const { apiKey: _, ...kept } = r.job.params ?? {};
    r.job.params = kept;
    await r.em.nativeUpdate(Job, { id: r.job.id }, { params: kept } as any);
  }
  const url = params.url ?? process.env.PEERINGDB_URL ?? DEFAULT_PEERINGDB_URL;
  r.log('info', `Synchronising the PeeringDB mirror from ${url}.`);
  // One write at a time, all done before the runner's last one: a late progress row must not overwrite it.
  let writing: Promise<unknown> = Promise.resolve();
  const onProgress = (p: SyncProgress) => {
    // Written at phase changes only: a row per progress tick would cost more than the sync.
    if (p.phase === 'write' && p.done > 0) return;
    data.progress = p;
    writing = writing.then(() => r.em.fork().nativeUpdate(Job, { id: r.job.id }, { data } as any)).catch(() => undefined);
  };
  const summary = await syncPeeringDB(r.em.fork(), {
    url, full: !!params.full, onProgress,
    apiKey: params.apiKey ?? process.env.PEERINGDB_API_KEY ?? undefined,
    cacheUrl: process.env.PEERINGDB_CACHE_URL || undefined,
  }).finally(() => writing);
  data.progress = null;
  data.summary = summary;
  r.setOutput(formatSummary(summary));
  r.log('success', 'PeeringDB mirror synchronised.');
}, { timeoutMs: SYNC_TIMEOUT_MS });

/** Queues a sync owned by `userId`; the runner of some gateway runs it. */
export function enqueueSyncJob(em: EntityManager, userId: number | null, opts: SyncJobOptions): Promise<Job> {
  const params: Record<string, unknown> = { full: !!opts.full };
  if (opts.url) params.url = opts.url;
  if (opts.apiKey) params.apiKey = opts.apiKey;
  return enqueueJob(em as PgEntityManager, { name: SYNC_JOB, objectType: 'peeringdb.synchronisation', objectId: null, userId, params });
}

/** The job once it has ended (polled: the runner may be another gateway's), or as it stands after `timeoutMs`. */
export async function awaitJob(em: EntityManager, id: number, timeoutMs: number, pollMs = 200): Promise<Job> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await em.fork().findOneOrFail(Job, { id });
    if (TERMINAL.has(job.status) || Date.now() >= until) return job;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
