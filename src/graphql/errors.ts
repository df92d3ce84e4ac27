// Errors every layer raises and every dialect renders in its own shape. The GraphQL
// form carries extensions.code and, for validation, extensions.fields (or .items for bulk).
import { GraphQLError } from 'graphql';

export type FieldErrors = Record<string, string[]>;

export class ValidationError extends GraphQLError {
  constructor(public fields: FieldErrors, public items?: FieldErrors[], message?: string) {
    const first = Object.entries(items ? items.find((i) => Object.keys(i).length) ?? {} : fields)[0];
    super(message ?? (first ? `${first[0]}: ${first[1][0]}` : 'Invalid input.'), {
      extensions: { code: 'BAD_USER_INPUT', fields, ...(items ? { items } : {}) },
    });
  }
}

export class NotFoundError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'NOT_FOUND' } });
  }
}

export class ConflictError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'CONFLICT' } });
  }
}

export class AuthError extends GraphQLError {
  constructor(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) {
    super(message, { extensions: { code } });
  }
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

/** The operation cannot be done now for a reason outside the request (no router, no platform cipher, no live peer): HTTP 503. */
export class UnavailableError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
  }
}
