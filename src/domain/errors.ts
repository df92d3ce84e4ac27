// The errors the core raises: plain errors with a code, no transport in sight. Each surface
// renders them in its own shape at its edge: GraphQL in src/graphql/errors.ts (extensions.code),
// the REST dialects from that GraphQL form or from the code (rest-compat/*/errors.ts).

export type FieldErrors = Record<string, string[]>;

/** What went wrong, in the core's words; the edges map each code to a status and a body. */
export type DomainErrorCode =
  | 'INVALID'          // the input breaks a rule: per field (or per item of a bulk write)
  | 'NOT_FOUND'
  | 'CONFLICT'         // the request is valid but clashes with the stored state
  | 'UNAUTHENTICATED'  // no valid credentials where some are needed
  | 'FORBIDDEN'        // the caller is known and may not do this
  | 'UNAVAILABLE';     // cannot be done now for a reason outside the request

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
}

export class ValidationError extends DomainError {
  readonly code = 'INVALID';
  /** `reason`: which kind of refusal, as data, where the fields alone do not tell (a template's fault). */
  constructor(readonly fields: FieldErrors, readonly items?: FieldErrors[], message?: string, readonly reason?: Record<string, unknown>) {
    const first = Object.entries(items ? items.find((i) => Object.keys(i).length) ?? {} : fields)[0];
    super(message ?? (first ? `${first[0]}: ${first[1][0]}` : 'Invalid input.'));
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
  /** `reason`: what the conflict is, as data for the edges that word it their own way (a BGP refusal's kind, afi, safi). */
  constructor(message: string, readonly reason?: Record<string, unknown>) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class AuthError extends DomainError {
  constructor(readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

/** The operation cannot be done now for a reason outside the request (no router, no platform cipher, no live peer). */
export class UnavailableError extends DomainError {
  readonly code = 'UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'UnavailableError';
  }
}
