// Peering Manager's PeeringDB endpoints that are not model CRUD (pm-workflows §1, §4), onto the
// GraphQL core: the cache update (a `peeringdb.synchronise` job, staff only by the core's rule)
// and render-email to a PeeringDB network.
import type { Job } from '../../src/domain/core/job';
import { modelByContentType } from '../../src/domain/model';
import { RestError } from '../core/errors';
import { FormBody } from '../core/form';
import { body, run, writable, type Call } from './call';
import { jobBody } from './jobs';
import { templateFault } from './rendering';

/** POST /api/peeringdb/cache/update-local/ → 202 + the queued sync job (object_id null). */
export async function updateLocalCache(call: Call): Promise<[number, unknown]> {
  const ctx = await writable(call);
  const job = await run<Job>(call, ctx, { text: 'mutation { syncPeeringdb { id } }', root: 'syncPeeringdb' }, {}, { d: modelByContentType('core.job') ?? null });
  return [202, await jobBody(call, job)];
}

const RENDER_EMAIL_FIELDS = ['email', 'autonomous_system', 'network'] as const;

/** An id field of a JSON or form body: DRF's required / integer errors. */
function idField(data: Record<string, unknown>, name: string, errors: Record<string, string[]>): number | null {
  const v = data[name];
  if (v === undefined || v === null || v === '') { errors[name] = ['This field is required.']; return null; }
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) { errors[name] = ['A valid integer is required.']; return null; }
  return n;
}

/** POST /api/peeringdb/networks/render-email/ {"email","autonomous_system","network"} → 200 {"subject","body"}. */
export async function renderNetworkEmail(call: Call): Promise<[number, unknown]> {
  const ctx = await writable(call);
  const raw = await body(call);
  const data = raw instanceof FormBody ? raw.plain() : raw;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new RestError(400, { non_field_errors: ['Invalid data. Expected a dictionary.'] });
  const errors: Record<string, string[]> = {};
  const [email, as, network] = RENDER_EMAIL_FIELDS.map((f) => idField(data as Record<string, unknown>, f, errors));
  if (Object.keys(errors).length) throw new RestError(400, errors);
  const text = 'query($e: ID!, $a: ID!, $n: ID!) { renderPeeringdbNetworkEmail(emailId: $e, autonomousSystemId: $a, networkId: $n) { subject body } }';
  // A template fault reads as generate-email's: 400 with the message naming template and line.
  return [200, await run(call, ctx, { text, root: 'renderPeeringdbNetworkEmail' }, { e: String(email), a: String(as), n: String(network) }, { d: null, answer: templateFault })];
}

export const RENDER_NETWORK_EMAIL_RESPONSES: Record<number, string> = {
  200: 'The rendered e-mail: {"subject": str, "body": str}',
  400: 'A missing or non-integer `email`, `autonomous_system` or `network`, or a template error naming the template and line',
};
