// The jobs API shared by every feature: a kind is registered under Peering Manager's job name
// (defineJob) and enqueued as a pending Job row (enqueueJob); the runner (./runner) claims and runs it.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../http/auth';
import { Job } from '../domain/core/job';
import { User } from '../domain/users/user';
import { emptyData } from './data';
import type { SpeakerApi } from '../bgp/speaker-api/types';

export type JobLevel = 'default' | 'success' | 'info' | 'warning' | 'failure';

export interface JobRun {
  readonly job: Job;
  readonly params: Record<string, unknown>;
  readonly em: EntityManager;
  readonly caller: Caller;
  log(level: JobLevel, message: string, object?: { display: string; url?: string | null } | null): void;
  setOutput(text: string): void;
  /** Live BGP peers (src/bgp/speaker-api), here or over the bus. */
  readonly speaker: SpeakerApi;
}

/** maxAttempts > 1: a failed run is pending again after retryBaseMs × 2^(attempt-1) (default 5 s). */
export interface JobKindOptions { timeoutMs?: number; maxAttempts?: number; retryBaseMs?: number }

export interface JobKind { name: string; run: (r: JobRun) => Promise<void>; timeoutMs: number; maxAttempts: number; retryBaseMs: number }

/**
 * Thrown by a kind to end its job `failed` (Peering Manager's mark_failed): the message is the
 * failure line, never retried; an uncaught error of any other kind ends it `errored`.
 */
export class JobFailed extends Error {}

export const DEFAULT_TIMEOUT_MS = 300_000;
/** Bounds what a caller may pass as params: they are stored with the row (Job.params, shown by no API). */
export const MAX_PARAMS_BYTES = 64 * 1024;

const kinds = new Map<string, JobKind>();

/** Registers a job kind under Peering Manager's job name, e.g. 'devices.router.render_configuration'. Called at module load. */
export function defineJob(name: string, run: (r: JobRun) => Promise<void>, options: JobKindOptions = {}): void {
  if (kinds.has(name)) throw new Error(`job kind ${name} defined twice`);
  kinds.set(name, { name, run, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxAttempts: Math.max(1, options.maxAttempts ?? 1), retryBaseMs: options.retryBaseMs ?? 5000 });
}

export function jobKind(name: string): JobKind | undefined {
  return kinds.get(name);
}

export function jobKindNames(): string[] {
  return [...kinds.keys()];
}

type Waker = () => void;
const wakers = new Set<Waker>();
/** The runner of this process listens here so that a new job starts without waiting for its poll. */
export function onJobEnqueued(w: Waker): () => void {
  wakers.add(w);
  return () => wakers.delete(w);
}

/**
 * Inserts a pending job (in the caller's transaction if `em` is in one) and wakes the runner; returns
 * the row. With `caller`, the job belongs to its user and runs with no more rights than it has now
 * (a read-only credential's job cannot write: the runner reads `readOnly`).
 */
export async function enqueueJob(em: EntityManager, spec: { name: string; objectType: string; objectId?: number | null; caller?: Caller; userId?: number | null; params?: Record<string, unknown> }): Promise<Job> {
  if (!kinds.has(spec.name)) throw new Error(`unknown job kind ${spec.name}`);
  const params = spec.caller ? { ...spec.params, readOnly: !spec.caller.canWrite } : (spec.params ?? {});
  const userId = spec.caller ? (spec.caller.user?.id ?? null) : spec.userId;
  if (JSON.stringify(params).length > MAX_PARAMS_BYTES) throw new Error(`job parameters over ${MAX_PARAMS_BYTES} bytes`);
  const job = em.create(Job, {
    name: spec.name,
    objectType: spec.objectType,
    objectId: spec.objectId ?? null,
    user: userId ? em.getReference(User, userId) : null,
    status: 'pending',
    data: emptyData(),
    params,
  } as any);
  await em.flush();
  wakeJobRunners();
  return job;
}

/** Tells this process's runner to look for work now (rows inserted in a still-open transaction are seen at its next poll). */
export function wakeJobRunners(): void {
  for (const w of wakers) w();
}
