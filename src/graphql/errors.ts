// The GraphQL form of the core's errors (src/domain/errors.ts): extensions.code and, for
// validation, extensions.fields (or .items for bulk). Every GraphQL edge (Apollo's formatError,
// graphql-ws, the in-process Executor the REST dialects use) passes its errors through here.
import { GraphQLError, type ExecutionResult } from 'graphql';
import { ConflictError, DomainError, ValidationError, type DomainErrorCode, type FieldErrors } from '../domain/errors';

const GRAPHQL_CODES: Record<DomainErrorCode, string> = {
  INVALID: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/** A domain error's GraphQL extensions. */
export function domainExtensions(e: DomainError): Record<string, unknown> {
  const code = GRAPHQL_CODES[e.code];
  if (e instanceof ValidationError) return { code, fields: e.fields, ...(e.items ? { items: e.items } : {}), ...(e.reason ? { reason: e.reason } : {}) };
  if (e instanceof ConflictError && e.reason) return { code, reason: e.reason };
  return { code };
}

/** The domain error a GraphQL error (or an error Apollo hands over) was raised for, if any. */
export function domainCause(e: unknown): DomainError | null {
  if (e instanceof DomainError) return e;
  const cause = (e as { originalError?: unknown } | null)?.originalError;
  return cause instanceof DomainError ? cause : null;
}

/** graphql-js wraps what a resolver throws: give the wrapper its domain error's code. */
export function withDomainCode(e: GraphQLError): GraphQLError {
  const cause = domainCause(e);
  if (!cause) return e;
  return new GraphQLError(e.message, {
    nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: cause,
    extensions: { ...e.extensions, ...domainExtensions(cause) },
  });
}

/** A domain error raised before execution (while preparing variables), as a GraphQL error. */
export function fromDomainError(e: DomainError): GraphQLError {
  return new GraphQLError(e.message, { originalError: e, extensions: domainExtensions(e) });
}

export function withDomainCodes<T extends ExecutionResult>(result: T): T {
  return result.errors?.some((e) => domainCause(e)) ? { ...result, errors: result.errors.map(withDomainCode) } : result;
}

/** graphql-js variable coercion errors name the path: turn them into field messages. */
export function coercionFields(message: string): { fields: FieldErrors; index?: number } | null {
  const m = /^Variable "\$\w+" got invalid value (?:.*? at "\w+((?:\[\d+\]|\.\w+)*)"|.*?); (.*)$/s.exec(message);
  if (!m) {
    const whole = /^Variable "\$(\w+)" of (?:required|non-null) type ".*" (?:was not provided|must not be null)\.$/.exec(message);
    return whole ? { fields: { [whole[1]]: ['This field is required.'] } } : null;
  }
  const path = m[1] ?? '';
  let reason = m[2].replace(/^Expected type "[^"]+"\. /, '').replace(/^Expected value of type "[^"]+", found [^;]+; /, '');
  if (/^Expected value of type "(Int|Float|BigInt)/.test(m[2]) || /Int cannot represent/.test(reason)) reason = 'A valid integer is required.';
  else if (/^String cannot represent/.test(reason)) reason = 'Not a valid string.';
  else if (/^Boolean cannot represent/.test(reason)) reason = 'Must be a valid boolean.';
  else if (/^Field "(\w+)" is not defined by type/.test(reason)) {
    const f = /^Field "(\w+)"/.exec(reason)![1];
    return { fields: { [f]: ['Unknown field.'] }, index: indexOf(path) };
  } else if (/^Field "(\w+)" of required type .* was not provided\.$/.test(reason)) {
    const f = /^Field "(\w+)"/.exec(reason)![1];
    return { fields: { [f]: ['This field is required.'] }, index: indexOf(path) };
  } else if (/Expected non-nullable type/.test(reason)) reason = 'This field may not be null.';
  const segments = path.split(/\.|\[\d+\]/).filter(Boolean);
  const field = segments[0] ?? 'non_field_errors';
  return { fields: { [field]: [reason] }, index: indexOf(path) };
}

function indexOf(path: string): number | undefined {
  const m = /^\[(\d+)\]/.exec(path);
  return m ? Number(m[1]) : undefined;
}

/** SQLSTATEs of a database that could not answer, as opposed to a request it refused. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '57014', '53300']);

/**
 * The database was unreachable, dropped the connection, was shutting down or timed the statement
 * out: the client may retry, so every dialect answers 503 instead of 500.
 */
export function databaseUnavailable(e: unknown): boolean {
  const err = ((e as { originalError?: unknown })?.originalError ?? e) as { sqlState?: string; code?: string; name?: string; message?: string } | null;
  if (!err) return false;
  const state = String(err.sqlState ?? err.code ?? '');
  return state.startsWith('08') || UNAVAILABLE_STATES.has(state) || err.name === 'ConnectionException'
    || /Connection terminated|ECONNREFUSED|ECONNRESET/.test(err.message ?? '');
}

export const UNAVAILABLE_MESSAGE = 'The database is unavailable or did not answer in time; retry the request.';
