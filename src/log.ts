// Structured JSON logs (pino). Secrets never reach them: Authorization headers and
// password-like fields are redacted.
import pino from 'pino';

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: 'peergate' },
  redact: { paths: ['req.headers.authorization', '*.password', '*.secret', '*.apiSecret', '*.key'], censor: '[redacted]' },
});

/**
 * An unexpected error as it may be logged. A database error's message carries the SQL with its
 * values inlined (a session password, an API secret), so only its SQLSTATE, the constraint and
 * table it names, and PostgreSQL's own text are kept.
 */
export function loggableError(e: unknown): Record<string, unknown> {
  const err = (e as { originalError?: unknown })?.originalError ?? e;
  if (!(err instanceof Error)) return { message: String(err) };
  const db = err as Error & { sqlState?: string; code?: string; severity?: string; constraint?: string; table?: string; routine?: string };
  if (db.sqlState !== undefined || db.severity !== undefined) {
    const text = db.message.split(' - ').pop();
    return { type: db.name, sqlState: db.sqlState ?? db.code, constraint: db.constraint, table: db.table, message: text };
  }
  return { type: err.name, message: err.message, stack: err.stack };
}

/** Logs an error a client sees only as "internal server error". */
export function logInternalError(e: unknown, context: Record<string, unknown>, what: string): void {
  logger.error({ ...context, err: loggableError(e) }, what);
}
