// NSoT's error body: {"error": {"code": <http status>, "message": <text | field dict>}}.
// GraphQL errors of the core map onto it here, field names renamed to NSoT's.
import type { GraphQLError } from 'graphql';
import { snake } from '../../src/domain/model';
import { coercionFields, databaseUnavailable, UNAVAILABLE_MESSAGE } from '../../src/graphql/errors';
import type { Resource } from './resources';
import { logInternalError } from '../../src/log';

export class NsotError extends Error {
  constructor(readonly status: number, readonly detail: unknown) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
  }
}

export const notFound = (msg = 'Endpoint not found.') => new NsotError(404, msg);
export const badRequest = (detail: unknown) => new NsotError(400, detail);

export function body(e: NsotError): { error: { code: number; message: unknown } } {
  return { error: { code: e.status, message: e.detail } };
}

/** GraphQL/REST field names -> NSoT's (siteId/site -> site_id, displayed -> display ...). */
function nsotName(r: Resource | null, name: string): string {
  if (name === 'nonFieldErrors') return 'non_field_errors';
  const base = name.replace(/Id$/, '');
  const hit = r ? [...r.create, ...r.update].find((f) => f.gql === base || f.gql === name) : undefined;
  return hit?.name ?? snake(name);
}

const DUPLICATE = /already exists|must make a unique set/;

function fieldDict(r: Resource | null, fields: Record<string, string[]> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, msgs] of Object.entries(fields ?? {})) out[nsotName(r, k)] = msgs.join(' ');
  return out;
}

export function fromGraphql(errors: readonly GraphQLError[], r: Resource | null): NsotError {
  const e = errors[0];
  const ext = (e.extensions ?? {}) as Record<string, any>;
  switch (ext.code) {
    case 'UNAUTHENTICATED': return new NsotError(401, e.message);
    case 'FORBIDDEN': return new NsotError(403, e.message);
    case 'NOT_FOUND': return new NsotError(404, e.message);
    case 'CONFLICT': return new NsotError(409, e.message);
    case 'QUERY_TOO_DEEP': case 'QUERY_TOO_COMPLEX': case 'QUERY_TOO_LARGE': return new NsotError(400, e.message); // src/graphql/limits.ts
    case 'BAD_USER_INPUT': {
      const items: Record<string, string[]>[] | undefined = ext.items;
      const fields: Record<string, string[]> = items ? items.find((i) => i && Object.keys(i).length) ?? {} : ext.fields;
      const dict = fieldDict(r, fields);
      // Duplicates are IntegrityErrors in NSoT: 409.
      if (Object.values(dict).some((m) => DUPLICATE.test(m))) return new NsotError(409, Object.values(dict).join(' '));
      return new NsotError(400, Object.keys(dict).length ? dict : e.message);
    }
  }
  const coerced = coercionFields(e.message);
  if (coerced) return new NsotError(400, fieldDict(r, coerced.fields));
  if (databaseUnavailable(e)) return new NsotError(503, UNAVAILABLE_MESSAGE);
  logInternalError(e, {}, 'NSoT API: internal error');
  return new NsotError(500, 'Internal server error.');
}
