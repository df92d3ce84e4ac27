// Waiting for a queued job to end, as the entity (through the ORM) or as /api/core/jobs/ shows it.
import { Job } from '../../src/domain/core/job';
import type { TestServer } from './server';
import { waitFor } from '../interop/daemons';

/** The job row once it has left pending and running (bounded: 10 s). */
export async function settledJob(s: TestServer, id: number): Promise<Job> {
  for (let i = 0; i < 400; i++) {
    const job = await s.pg.orm.em.fork().findOneOrFail(Job, id);
    if (job.status !== 'pending' && job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not finish`);
}

/** The job as /api/core/jobs/{id}/ shows it once it has left pending and running. */
export async function settledRestJob(s: TestServer, id: number): Promise<any> {
  return waitFor(`job ${id} settles`, async () => {
    const r = await s.http('GET', `/api/core/jobs/${id}/`);
    return r.status === 200 && !['pending', 'running'].includes(r.json.status.value) ? r.json : null;
  }, 20_000, 50);
}

/** A REST job's main log as `level: message` lines. */
export const jobMessages = (job: any): string[] => job.data.main.log.map((l: unknown[]) => `${l[1]}: ${l[4]}`);
