// The answer of a REST action that starts a job: 202 with the job as /api/core/jobs/{id}/ shows it.
import { Job } from '../../src/domain/core/job';
import { describe } from '../../src/domain/model';
import { shapeFor } from '../core/projection';
import { documentFor } from '../core/documents';
import { run, type Call } from './call';

/** The job as /api/core/jobs/{id}/ shows it, for actions that return [status, body]. */
export async function jobBody(call: Call, job: Job): Promise<unknown> {
  const ctx = await call.ctx();
  const d = describe(Job);
  const shape = shapeFor(d, {});
  // Read through the caller's grant like any detail: a job is visible to whoever enqueued it.
  const item = await run(call, ctx, documentFor('detail', d, shape.selection), { id: String(job.id) }, { d });
  return item ? shape.render(item, call.urls) : { id: job.id, job_id: job.jobId, status: { value: job.status, label: job.status } };
}
