// Configuring routers (pm-workflows §1: POST …/routers/configure/, job
// devices.router.set_napalm_configuration). Peering Manager loads the rendered configuration
// through NAPALM; PeerGate has no NAPALM, so the job renders the configuration, makes it the
// output, and says in its log that nothing was sent to the router: never a pretended install.
import type { EntityManager } from '@mikro-orm/postgresql';
import { defineJob, enqueueJob, type JobRun } from '../../jobs/api';
import type { Job } from '../../domain/core/job';
import type { Caller } from '../../http/auth';
import { Router } from '../../domain/devices/router';
import { renderRouterConfiguration } from './render';

export const CONFIGURE_JOB = 'devices.router.set_napalm_configuration';

export const EMPTY_ROUTERS = 'routers list must not be empty';
export const NOT_PUSHED = 'PeerGate cannot push configurations to routers (it has no NAPALM): the configuration was rendered, not installed.';
export const NO_DIFF = "PeerGate cannot read a router's running configuration (it has no NAPALM): the output is the whole rendered configuration, not a diff.";

defineJob(CONFIGURE_JOB, async (r: JobRun) => {
  const routerId = Number(r.params.routerId);
  const router = await r.em.findOne(Router, routerId, { fields: ['name', 'status'] });
  const object = router ? { display: router.name } : null;
  // Peering Manager's pre-flight: a disabled router is never configured.
  if (router?.status === 'disabled') {
    r.log('warning', 'Router is disabled.', object);
    r.log('success', 'Task cancelled');
    return;
  }
  r.log('info', 'Rendering router configuration.', object);
  // A template error throws: the job errors with the message (template and line) as its output.
  const { text } = await renderRouterConfiguration({ em: r.em, caller: r.caller }, routerId);
  if (!text) {
    r.log('success', 'No configuration to install.', object);
    return;
  }
  r.setOutput(text);
  r.log(r.params.commit ? 'warning' : 'info', r.params.commit ? NOT_PUSHED : NO_DIFF, object);
  r.log('success', 'Router configuration rendered.', object);
});

/** A job for one router, owned by the caller's user (who may write: the mutation requires it); `commit` is remembered only to say it was not honoured. */
export function enqueueConfigure(em: EntityManager, routerId: number, commit: boolean, caller: Caller): Promise<Job> {
  return enqueueJob(em, {
    name: CONFIGURE_JOB, objectType: 'devices.router', objectId: routerId, caller,
    params: { routerId, commit },
  });
}
