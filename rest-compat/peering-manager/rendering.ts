// Peering Manager's rendering actions (pm-workflows §1, §4), onto the same core functions as the
// GraphQL fields: router configuration and export template jobs (202 + Job), the synchronous
// export render, and generate-email. A template fault answers 400 naming the template and line.
import { modelByContentType } from '../../src/domain/model';
import { TemplateError, isTemplateFault } from '../../src/workflows/templates/errors';
import type { GraphQLError } from 'graphql';
import { NotFoundError } from '../../src/domain/errors';
import { renderEmail, renderExportTemplate } from '../../src/workflows/templates/render';
import { enqueueExportTemplate, enqueueRouterConfiguration } from '../../src/workflows/templates/jobs';
import { RestError, detail } from '../core/errors';
import { documentFor } from '../core/documents';
import { FormBody } from '../core/form';
import { body, readable, run, writable, type Call } from './call';
import { listFilter, loadObject } from './crud';
import { orderingFromQuery } from '../core/query';
import type { ModelDescriptor } from '../../src/domain/model';
import { jobBody } from './jobs';
import { EMPTY_ROUTERS } from '../../src/workflows/templates/configure';
import { NO_CREDENTIALS } from '../../src/domain/access';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../../src/http/auth';
import type { Job } from '../../src/domain/core/job';

async function templateFaults<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof TemplateError) throw detail(400, e.message);
    if (e instanceof NotFoundError) throw detail(404, (e as Error).message);
    throw e;
  }
}

/** A template fault from a document reads as render-synchronous answers it: 400 {"detail"} naming the template and line. */
export const templateFault = (e: GraphQLError): RestError | null => (isTemplateFault(e.extensions?.reason) ? detail(400, e.message) : null);

/** A job belongs to its user: an anonymous reader could never read the job it started. */
function requireUser(caller: Caller): void {
  if (!caller.user) throw new RestError(403, { detail: NO_CREDENTIALS });
}

/** A GET action that queues a render job for a readable object of `contentType`: 202 + the Job. */
function queuesJob(contentType: string, enqueue: (em: EntityManager, id: number, caller: Caller) => Promise<Job>) {
  return async (call: Call, id: string): Promise<[number, unknown]> => {
    const ctx = await readable(call);
    requireUser(ctx.caller);
    const o = await loadObject(call, ctx, modelByContentType(contentType)!, id, ['id']);
    return [202, await jobBody(call, await enqueue(ctx.em as EntityManager, Number(o.id), ctx.caller))];
  };
}

/** GET /api/devices/routers/{id}/configuration/ → 202 + Job devices.router.render_configuration. */
export const routerConfiguration = queuesJob('devices.router', enqueueRouterConfiguration);

/** GET /api/extras/export-templates/{id}/render/ → 202 + Job extras.exporttemplate.render. */
export const exportTemplateJob = queuesJob('extras.exporttemplate', enqueueExportTemplate);

/** GET /api/extras/export-templates/{id}/render-synchronous/ → 200 {"rendered": text}. */
export async function exportTemplateSynchronous(call: Call, id: string): Promise<[number, unknown]> {
  const ctx = await readable(call);
  const o = await loadObject(call, ctx, modelByContentType('extras.exporttemplate')!, id, ['id']);
  const { text } = await templateFaults(() => renderExportTemplate({ em: ctx.em as any, caller: ctx.caller }, Number(o.id)));
  return [200, { rendered: text }];
}

/**
 * GET <list>/?export=<name>: the list (its filters and ordering, every page) rendered through the
 * model's export template of that name, as text/plain. No such template: 404 "Not found."; a
 * template error: 400 {"detail"} as render-synchronous answers; too many objects: 400 {"export"}.
 */
export async function exportList(call: Call, d: ModelDescriptor, template: string): Promise<void> {
  const ctx = await readable(call);
  const filter = await listFilter(call, ctx, d);
  const doc = documentFor('export', d);
  let text: string;
  try {
    text = await run<string>(call, ctx, doc, { t: template, filter, ordering: orderingFromQuery(d, call.params) }, { d: null, answer: templateFault });
  } catch (e) {
    const b = e instanceof RestError && e.status === 400 ? (e.body as Record<string, unknown>) : null;
    // Any other refusal of the `template` argument (a NUL) names this dialect's `export` parameter.
    if (b && Array.isArray(b.template)) throw new RestError(400, { export: b.template });
    throw e;
  }
  call.res.status(200).type('text/plain; charset=utf-8').send(text);
}

/** POST /api/peering/autonomous-systems/{id}/generate-email/ {"email": id} → 200 {"subject","body"}. */
export async function generateEmail(call: Call, id: string): Promise<[number, unknown]> {
  const ctx = await writable(call);
  const as = await loadObject(call, ctx, modelByContentType('peering.autonomoussystem')!, id, ['id']);
  const raw = await body(call);
  const data = raw instanceof FormBody ? raw.plain() : raw;
  const email = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).email : undefined;
  if (email === undefined || email === null || email === '') throw new RestError(400, { email: ['This field is required.'] });
  const n = typeof email === 'number' ? email : typeof email === 'string' && /^\s*-?\d+\s*$/.test(email) ? Number(email) : NaN;
  if (!Number.isSafeInteger(n)) throw new RestError(400, { email: ['A valid integer is required.'] });
  if (n < 1 || n > 2147483647) return [404, undefined];
  try {
    return [200, await templateFaults(() => renderEmail({ em: ctx.em as any, caller: ctx.caller }, Number(as.id), n))];
  } catch (e) {
    // Peering Manager answers an unknown e-mail with an empty 404.
    if (e instanceof RestError && e.status === 404 && /Email/.test(e.message)) return [404, undefined];
    throw e;
  }
}

const DRF_TRUE = new Set(['t', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1']);
const DRF_FALSE = new Set(['f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0']);

/** RouterConfigureSerializer: `routers` a list of integers (required), `commit` a boolean (default false). */
function configureBody(raw: unknown): { routers: string[]; commit: boolean } {
  const form = raw instanceof FormBody;
  const data = form ? { routers: raw.has('routers') ? raw.all('routers') : undefined, commit: raw.last('commit') } : raw;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new RestError(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${Array.isArray(data) ? 'list' : data === null ? 'null' : typeof data}.`] });
  }
  const { routers, commit } = data as Record<string, unknown>;
  const errors: Record<string, unknown> = {};
  if (routers === undefined) errors.routers = ['This field is required.'];
  else if (routers === null) errors.routers = ['This field may not be null.'];
  else if (!Array.isArray(routers)) errors.routers = [`Expected a list of items but got type "${typeof routers === 'string' ? 'str' : typeof routers === 'number' ? 'int' : typeof routers === 'boolean' ? 'bool' : 'dict'}".`];
  else {
    const bad: Record<string, string[]> = {};
    routers.forEach((v, i) => {
      const ok = (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v));
      if (!ok) bad[String(i)] = ['A valid integer is required.'];
    });
    if (Object.keys(bad).length) errors.routers = bad;
  }
  let flag = false;
  if (commit === null) errors.commit = ['This field may not be null.'];
  else if (commit === true || commit === 1 || DRF_TRUE.has(commit as string)) flag = true;
  else if (!(commit === undefined || commit === false || commit === 0 || DRF_FALSE.has(commit as string) || (form && commit === ''))) errors.commit = ['Must be a valid boolean.'];
  if (Object.keys(errors).length) throw new RestError(400, errors);
  return { routers: (routers as unknown[]).map((v) => String(v).trim()), commit: flag };
}

/** POST /api/devices/routers/configure/ {"routers": [ids], "commit": bool} → 202 + [Job] (render-only: PeerGate has no NAPALM). */
export async function configureRouters(call: Call): Promise<[number, unknown]> {
  const ctx = await writable(call);
  const { routers, commit } = configureBody(await body(call));
  if (!routers.length) throw new RestError(400, [EMPTY_ROUTERS]);
  const doc = { text: 'mutation($r: [ID!]!, $c: Boolean!) { configureRouters(routers: $r, commit: $c) { id jobId status } }', root: 'configureRouters' };
  let jobs: Job[];
  try {
    jobs = await run<Job[]>(call, ctx, doc, { r: routers, c: commit }, { d: modelByContentType('devices.router')! });
  } catch (e) {
    // Peering Manager answers "none of these routers" with an empty 404.
    if (e instanceof RestError && e.status === 404) return [404, undefined];
    throw e;
  }
  const out: unknown[] = [];
  for (const j of jobs) out.push(await jobBody(call, j));
  return [202, out];
}

/** What the OpenAPI document lists for these actions. */
export const RENDER_JOB_RESPONSES: Record<number, string> = { 202: 'The queued render job (its output: the rendered text, or the template error)' };
export const RENDER_SYNC_RESPONSES: Record<number, string> = { 200: 'The rendered text: {"rendered": str}', 400: 'A template error, naming the template and line' };
export const CONFIGURE_RESPONSES: Record<number, string> = {
  202: 'One job per router found (devices.router.set_napalm_configuration): each renders the configuration as its output; PeerGate cannot push to routers and the job log says so',
  400: 'A bad body: field errors, or ["routers list must not be empty"]',
  404: 'None of the routers exists (empty body)',
};
export const EXPORT_RESPONSES: Record<number, string> = {
  200: 'With `?export=<name>`: the list (filters and ordering applied, every page) rendered through the export template of that name for this model, as text/plain',
  400: 'A bad filter, a template error ({"detail": ...} naming the template and line), or more objects than EXPORT_MAX_ROWS ({"export": [...]})',
  404: 'No export template of that name for this model',
};
export const EMAIL_RESPONSES: Record<number, string> = { 200: 'The rendered e-mail: {"subject": str, "body": str}', 400: 'A missing or non-integer `email`, or a template error naming the template and line' };
