// GraphQL errors -> HTTP status and Django REST framework's error bodies:
// `{field: [msg]}` / `[{...}, {}]` for validation, `{"detail": ...}` otherwise.
import type { GraphQLError } from 'graphql';
import type { ModelDescriptor } from '../../src/domain/model';
import { coercionFields, databaseUnavailable, UNAVAILABLE_MESSAGE } from '../../src/graphql/errors';
import { restNameOf } from './fields';
import { logInternalError } from '../../src/log';

export interface HttpError { status: number; body: unknown }

type Fields = Record<string, string[]>;

export class RestError extends Error {
  constructor(readonly status: number, readonly body: unknown) { super(typeof body === 'object' && body && 'detail' in body ? String((body as any).detail) : `HTTP ${status}`); }
}

export const detail = (status: number, text: string) => new RestError(status, { detail: text });

function renameFields(d: ModelDescriptor | null, fields: Fields | undefined): Fields {
  const out: Fields = Object.create(null); // keys may come from a client's body
  for (const [k, v] of Object.entries(fields ?? {})) {
    const name = d ? restNameOf(d, k) : k === 'nonFieldErrors' ? 'non_field_errors' : k;
    (out[name] ??= []).push(...v);
  }
  return out;
}

/**
 * The first error decides the response. `bulkShape` 'list' renders a bulk
 * validation failure as one dict per item; 'first' as the failing item's dict
 * (Peering Manager's bulk update stops at the first invalid item).
 */
export function fromGraphqlErrors(errors: readonly GraphQLError[], d: ModelDescriptor | null, bulkShape: 'list' | 'first' = 'list', bulkSize = 0): HttpError {
  const e = errors[0];
  const ext = (e.extensions ?? {}) as Record<string, any>;
  switch (ext.code) {
    case 'UNAUTHENTICATED': case 'FORBIDDEN':
      return { status: 403, body: { detail: e.message } };
    case 'NOT_FOUND':
      return { status: 404, body: { detail: e.message } };
    case 'CONFLICT':
      return { status: 409, body: { detail: e.message } };
    case 'SERVICE_UNAVAILABLE': // src/graphql/errors.ts UnavailableError
      return { status: 503, body: { detail: e.message } };
    case 'QUERY_TOO_DEEP': case 'QUERY_TOO_COMPLEX': case 'QUERY_TOO_LARGE': // src/graphql/limits.ts
      return { status: 400, body: { detail: e.message } };
    case 'BAD_USER_INPUT':
      return validation(d, ext.fields, ext.items, bulkShape, bulkSize);
  }
  const coerced = ext.code === undefined ? coercionFields(e.message) : null;
  if (coerced) {
    const items = coerced.index !== undefined ? Object.assign([], { [coerced.index]: coerced.fields }) : undefined;
    return validation(d, coerced.fields, items, bulkShape, bulkSize);
  }
  if (databaseUnavailable(e)) return { status: 503, body: { detail: UNAVAILABLE_MESSAGE } };
  logInternalError(e, {}, 'Peering Manager API: internal error');
  return { status: 500, body: { detail: 'Internal server error.' } };
}

function validation(d: ModelDescriptor | null, fields: Fields | undefined, items: (Fields | undefined)[] | undefined, bulkShape: 'list' | 'first', bulkSize: number): HttpError {
  if (!items) {
    const body = renameFields(d, fields);
    return { status: 400, body: Object.keys(body).length ? body : { non_field_errors: ['Invalid input.'] } };
  }
  const list = Array.from({ length: Math.max(items.length, bulkSize) }, (_, i) => renameFields(d, items[i]));
  if (bulkShape === 'first') return { status: 400, body: list.find((x) => Object.keys(x).length) ?? {} };
  return { status: 400, body: list };
}
