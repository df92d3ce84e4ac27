// GraphQL errors of the documents the dialect runs, as PeeringDB's responses.
import type { GraphQLError } from 'graphql';
import { coercionFields, databaseUnavailable } from '../../src/graphql/errors';
import { logInternalError } from '../../src/log';
import { PdbError, REASON } from './errors';

/** A GraphQL error as PeeringDB's response. */
export function fromGraphql(e: GraphQLError): PdbError {
  const code = e.extensions?.code;
  if (code === 'BAD_USER_INPUT') return new PdbError(400, 'Bad Request', (e.extensions.fields ?? {}) as Record<string, unknown>);
  if (code === 'NOT_FOUND') return new PdbError(404, 'Entity not found');
  if (code === 'UNAUTHENTICATED') return new PdbError(401, e.message);
  if (code === 'FORBIDDEN' || code === 'CONFLICT') return new PdbError(403, e.message);
  if (code === 'QUERY_TOO_DEEP' || code === 'QUERY_TOO_COMPLEX' || code === 'QUERY_TOO_LARGE') return new PdbError(400, e.message); // src/graphql/limits.ts
  // Variable coercion (a body of the wrong JSON type, e.g. `null`) is the client's error.
  const coerced = coercionFields(e.message);
  if (coerced) return new PdbError(400, 'Bad Request', coerced.fields);
  if (databaseUnavailable(e)) return new PdbError(503, REASON[503]);
  logInternalError(e, {}, 'PeeringDB API: internal error');
  return new PdbError(500, 'Internal Server Error');
}

