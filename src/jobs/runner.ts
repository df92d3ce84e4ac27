// Runs queued jobs in the background. The queue is the core_job table: a pending row is claimed with
// `FOR UPDATE SKIP LOCKED`, so any number of gateway processes on one PostgreSQL share it and each
// job runs once. A running row's lease is its kind's timeout from `started`: a row still running past
// it belongs to a process that died, and is marked errored (the sweep at start and every poll).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../db/orm';
import { Job } from '../domain/core/job';
import type { User } from '../domain/users/user';
import { logger as processLog } from '../log';
import { JobFailed, jobKind, jobKindNames, onJobEnqueued, type JobLevel, type JobRun } from './api';
import { appendLog, outputOf, type JobData } from './data';
import { LocalSpeaker } from '../bgp/speaker-api/local';
import type { SpeakerApi } from '../bgp/speaker-api/types';
import './kinds';
import type { JobChangedEvent } from '../events/bus';

/** `speaker`: live BGP for jobs that read it (polls, imports); none runs here when absent. */
export interface RunnerOptions { concurrency?: number; pollMs?: number; retentionDays?: number; publish?: (e: JobChangedEvent) => void; speaker?: SpeakerApi }

const intFromEnv = (name: string, fallback: number): number => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

/** A dead process's job is noticed this long after its kind's timeout (clock skew between gateways). */
const LEASE_GRACE_MS = intFromEnv('JOBS_LEASE_GRACE_MS', 30_000);

export class JobRunner {
  private active = 0;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private readonly running = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly retentionDays: number;
  private readonly unsubscribe: () => void;
  private readonly publish: (e: JobChangedEvent) => void;
  private readonly speaker: SpeakerApi;

  constructor(private readonly orm: Orm, opts: RunnerOptions = {}) {
    this.concurrency = opts.concurrency ?? intFromEnv('JOBS_CONCURRENCY', 2);
    this.pollMs = opts.pollMs ?? intFromEnv('JOBS_POLL_MS', 2000);
    this.retentionDays = opts.retentionDays ?? intFromEnv('JOB_RETENTION_DAYS', 90);
    this.unsubscribe = onJobEnqueued(() => this.wake());
    this.publish = opts.publish ?? (() => {});
    this.speaker = opts.speaker ?? new LocalSpeaker();
  }

  async start(): Promise<void> {
    await this.sweep();
    this.schedule();
    this.wake();
  }

  wake(): void {
    if (this.closed || this.pumping) return;
    this.pumping = true;
    // Jobs run on forks of the global entity manager, so never in the request's context (db/context).
    void this.pump().finally(() => { this.pumping = false; });
  }

  /** Stops claiming and waits for the jobs of this process to settle. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.sweep().catch((e) => processLog.warn({ err: String(e) }, 'job sweep failed')).finally(() => {
        this.wake();
        this.schedule();
      });
    }, this.pollMs);
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    while (!this.closed && this.active < this.concurrency) {
      let id: number | null;
      try {
        id = await this.claim();
      } catch (e) {
        processLog.warn({ err: String(e) }, 'job claim failed');
        return;
      }
      if (id === null) return;
      this.active += 1;
      const p = this.execute(id).catch((e) => processLog.error({ err: String(e), job: id }, 'job runner failed')).finally(() => {
        this.active -= 1;
        this.running.delete(p);
        this.wake();
      });
      this.running.add(p);
    }
  }

  /** Takes the oldest pending job nobody else holds, marking it running in the same statement. */
  private async claim(): Promise<number | null> {
    // Only kinds this process knows: a job of another version's kind waits for a process that has it.
    const names = jobKindNames();
    if (!names.length) return null;
    const rows = await this.orm.em.fork().getConnection().execute<{ id: number }[]>(
      `update core_job set status = 'running', started = now()
        where id = (select id from core_job where status = 'pending' and name in (${names.map(() => '?').join(', ')})
                     and (params->>'notBefore' is null or (params->>'notBefore')::timestamptz <= now())
                     order by id limit 1 for update skip locked)
        returning id`,
      names,
    );
    return rows[0]?.id ?? null;
  }

  private async execute(id: number): Promise<void> {
    const em = this.orm.em.fork() as EntityManager;
    const job = await em.findOneOrFail(Job, id, { populate: ['user'] });
    const data = (job.data ?? { total: { success: 0, info: 0, warning: 0, failure: 0 } }) as JobData;
    job.data = data;
    const kind = jobKind(job.name);
    if (!kind) {
      appendLog(data, 'main', 'failure', `No job kind named ${job.name} in this process.`);
      return this.finish(em, job, 'errored');
    }
    appendLog(data, 'main', 'info', 'Running job');
    await em.flush();
    this.changed(job);
    const user = (job.user as User | null) ?? null;
    const run: JobRun = {
      job,
      params: job.params ?? {},
      em: this.orm.em.fork() as EntityManager,
      // Never more than the request that queued it: a read-only credential's job cannot write.
      caller: { user, token: null, error: null, canWrite: !!user && !job.params?.readOnly },
      log: (level: JobLevel, message: string, object) => appendLog(data, 'main', level, message, object),
      setOutput: (text: string) => appendLog(data, 'output', 'default', text),
      speaker: this.speaker,
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new JobTimeout(kind.timeoutMs)), kind.timeoutMs);
    });
    try {
      await Promise.race([kind.run(run), timeout]);
      appendLog(data, 'main', 'success', 'Job completed');
      await this.finish(em, job, 'completed');
    } catch (e) {
      if (e instanceof JobFailed) {
        appendLog(data, 'main', 'failure', e.message);
        await this.finish(em, job, 'failed');
        return;
      }
      // The message only: a stack trace may carry paths or secrets.
      const text = e instanceof Error ? e.message : String(e);
      if (retryLater(job, data, kind.maxAttempts, kind.retryBaseMs, text)) {
        await em.flush();
        this.changed(job);
      }
      else {
        appendLog(data, 'main', 'failure', 'An exception occurred, see output for more details.');
        appendLog(data, 'output', 'default', text);
        await this.finish(em, job, 'errored');
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private async finish(em: EntityManager, job: Job, status: 'completed' | 'errored' | 'failed'): Promise<void> {
    job.status = status;
    job.completed = new Date();
    job.output = outputOf(job.data as JobData);
    await em.flush();
    this.changed(job);
  }

  /** jobChanged through the event bus, so subscribers on every gateway see it. */
  private changed(job: Job): void {
    const user = job.user as { id: number } | null | undefined;
    this.publish({
      id: job.id, jobId: job.jobId, name: job.name, status: job.status, objectType: job.objectType, objectId: job.objectId ?? null,
      userId: user?.id ?? null, started: job.started?.toISOString() ?? null, completed: job.completed?.toISOString() ?? null,
    });
  }

  /** Marks errored the running jobs whose lease ran out (their process died), and purges old ones. */
  async sweep(): Promise<void> {
    const em = this.orm.em.fork() as EntityManager;
    const running = await em.find(Job, { status: 'running' }, { limit: 1000 });
    const now = Date.now();
    for (const job of running) {
      const kind = jobKind(job.name);
      const lease = (kind?.timeoutMs ?? 300_000) + LEASE_GRACE_MS;
      if (!job.started || now - job.started.getTime() < lease) continue;
      const data = (job.data ?? { total: { success: 0, info: 0, warning: 0, failure: 0 } }) as JobData;
      job.data = data;
      const died = 'The process running this job stopped before it finished.';
      if (kind && retryLater(job, data, kind.maxAttempts, kind.retryBaseMs, died)) continue;
      appendLog(data, 'main', 'failure', died);
      job.data = { ...data };
      job.status = 'errored';
      job.completed = new Date();
      job.output = outputOf(data);
    }
    await em.flush();
    await em.getConnection().execute(
      `delete from core_job where id in (select id from core_job where completed < now() - make_interval(days => ?) limit 10000)`,
      [this.retentionDays],
    );
  }
}

/** Puts a failed job back to pending for a later attempt when its kind allows one; false when none is left. */
function retryLater(job: Job, data: JobData, maxAttempts: number, baseMs: number, why: string): boolean {
  const params = job.params ?? {};
  const attempt = Number(params.attempt ?? 1);
  if (attempt >= maxAttempts) return false;
  const at = new Date(Date.now() + baseMs * 2 ** (attempt - 1));
  appendLog(data, 'main', 'warning', `Attempt ${attempt} of ${maxAttempts} failed (${why}); next attempt at ${at.toISOString()}`);
  job.params = { ...params, attempt: attempt + 1, notBefore: at.toISOString() };
  // A new object: MikroORM sees the JSON column changed.
  job.data = { ...data };
  job.status = 'pending';
  job.started = null;
  return true;
}

class JobTimeout extends Error {
  constructor(ms: number) {
    super(`Job timed out after ${Math.round(ms / 1000)} s`);
  }
}
