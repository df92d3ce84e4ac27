// /api/users/tokens/: Peering Manager manages tokens only in its UI; PeerGate
// lists them with the generic handlers (the model's read scope shows one's own,
// or all to staff), creates them through the GraphQL
// createToken mutation (the key is shown once, in that response) and revokes
// them with revokeToken.
import type { ModelDescriptor } from '../../src/domain/model';
import { shapeFor } from '../core/projection';
import { RestError } from '../core/errors';
import { coerceScalar, typeName } from '../core/body';
import { dict, FormBody } from '../core/form';
import { body, run, writable, type Call } from './call';
import { documentFor } from '../core/documents';

export const TOKEN_CONTENT_TYPE = 'users.token';

const WRITABLE: Record<string, { gql: string; kind: 'string' | 'bool' | 'datetime' | 'id' | 'list' }> = {
  description: { gql: 'description', kind: 'string' },
  write_enabled: { gql: 'writeEnabled', kind: 'bool' },
  expires: { gql: 'expires', kind: 'datetime' },
  user: { gql: 'userId', kind: 'id' },
  allowed_ips: { gql: 'allowedIps', kind: 'list' },
};

export async function createTokenCall(call: Call, d: ModelDescriptor): Promise<void> {
  const ctx = await writable(call);
  // An empty body asks for a token of one's own with the defaults; JSON null is not a dictionary.
  const raw = await body(call);
  const data = raw === undefined ? {} : raw instanceof FormBody ? raw.plain() : raw;
  if (typeof data !== 'object' || Array.isArray(data) || data === null) {
    throw new RestError(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${typeName(data)}.`] });
  }
  const input = dict<unknown>();
  const errors = dict<string[]>();
  const readOnly = new Set(['id', 'url', 'display_url', 'display', 'created', 'last_used', 'key_prefix', 'key']);
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    const w = Object.hasOwn(WRITABLE, k) ? WRITABLE[k] : undefined;
    if (!w) { if (!readOnly.has(k)) errors[k] = ['Unknown field.']; continue; }
    try {
      if (w.kind === 'list') {
        // The networks are validated by createToken; here only the shape.
        if (v !== null && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) throw new Error('Expected a list of items.');
        input[w.gql] = v;
      } else if (w.kind === 'id') input[w.gql] = v === null ? null : String((typeof v === 'object' && v && 'id' in v) ? (v as any).id : v);
      else input[w.gql] = v === null ? null : coerceScalar({ kind: w.kind } as any, v);
    } catch (e) { errors[k] = [(e as Error).message]; }
  }
  if (Object.keys(errors).length) throw new RestError(400, errors);
  const shape = shapeFor(d, {});
  // createToken answers the key once, beside the token.
  const made = await run<{ key: string; token: any }>(call, ctx, documentFor('create', d, `{ key token ${shape.selection} }`), { input }, { d });
  call.reply.send(201, { ...shape.render(made.token, call.urls), key: made.key });
}

export async function revokeTokenCall(call: Call, id: string): Promise<void> {
  const ctx = await writable(call);
  await run(call, ctx, { root: 'revokeToken', text: 'mutation($id: ID!) { revokeToken(id: $id) }' }, { id }, { d: null });
  call.reply.send(204);
}
