// The render jobs (pm-workflows §1): a router's configuration and an export template, with
// Peering Manager's names and log lines. A template error is not a job failure there: the job
// completes and its output is the error text; PeerGate keeps that.
import type { EntityManager } from '@mikro-orm/postgresql';
import { defineJob, enqueueJob, type JobRun } from '../../jobs/api';
import type { Job } from '../../domain/core/job';
import type { Caller } from '../../http/auth';
import { TemplateError } from './errors';
import { renderExportTemplate, renderRouterConfiguration } from './render';

export const RENDER_CONFIGURATION_JOB = 'devices.router.render_configuration';
export const RENDER_EXPORT_JOB = 'extras.exporttemplate.render';

/**
 * The job's renderer: its user, but never more than the request that queued it (a read-only token's
 * job must not see the secrets only writers see).
 */
const renderer = (r: JobRun) => ({ em: r.em, caller: r.caller });

/** A render job with Peering Manager's lines; a template error is the output, not a failure. */
function defineRenderJob(name: string, lines: { start: string; empty: string; done: string }, render: (r: JobRun) => Promise<{ text: string }>): void {
  defineJob(name, async (r: JobRun) => {
    r.log('info', lines.start);
    let text: string;
    try {
      text = (await render(r)).text;
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      text = e.message;
    }
    if (text) r.setOutput(text);
    else r.log('info', lines.empty);
    r.log('success', lines.done);
  });
}

defineRenderJob(RENDER_CONFIGURATION_JOB,
  { start: 'Rendering router configuration.', empty: 'No configuration (or empty) generated.', done: 'Router configuration rendered.' },
  (r) => renderRouterConfiguration(renderer(r), Number(r.params.routerId)));

defineRenderJob(RENDER_EXPORT_JOB,
  { start: 'Rendering export template.', empty: 'No export (or empty) generated.', done: 'Export template rendered.' },
  (r) => renderExportTemplate(renderer(r), Number(r.params.exportTemplateId)));

/** The job belongs to the caller's user and remembers whether the caller could write (see `renderer`). */

export function enqueueRouterConfiguration(em: EntityManager, routerId: number, caller: Caller): Promise<Job> {
  return enqueueJob(em, { name: RENDER_CONFIGURATION_JOB, objectType: 'devices.router', objectId: routerId, caller, params: { routerId } });
}

export function enqueueExportTemplate(em: EntityManager, exportTemplateId: number, caller: Caller): Promise<Job> {
  return enqueueJob(em, { name: RENDER_EXPORT_JOB, objectType: 'extras.exporttemplate', objectId: exportTemplateId, caller, params: { exportTemplateId } });
}
