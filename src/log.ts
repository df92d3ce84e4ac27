// Structured JSON logs (pino). Secrets never reach them: Authorization headers and
// password-like fields are redacted.
import pino from 'pino';
import { DriverException } from '@mikro-orm/core';

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: 'peergate' },
  redact: { paths: ['req.headers.authorization', '*.password', '*.secret', '*.apiSecret', '*.key'], censor: '[redacted]' },
});

/** A SQLSTATE: five digits or capitals, at least one a digit (which tells it from EPERM). */
const SQLSTATE = /^(?=.*\d)[0-9A-Z]{5}$/;
/** Text that reads as a SQL statement (as drivers put it into their messages, values inlined). */
const SQL_TEXT = /\b(select|insert\s+into|update|delete\s+from|with|create|alter|drop|truncate|copy|values|set\s+names)\b[\s\S]*?(\bfrom\b|\binto\b|\bset\b|\bwhere\b|\breturning\b|\btable\b|"|'|\$\d|\?)/i;

type DbFields = { sqlState?: string; code?: unknown; severity?: string; constraint?: string; table?: string; column?: string; query?: unknown; sql?: unknown };

/** The error and its causes (GraphQL's originalError, Error.cause), outermost first. */
function chain(e: unknown): unknown[] {
  const out: unknown[] = [];
  let cur: unknown = e;
  while (cur && typeof cur === 'object' && out.length < 8 && !out.includes(cur)) {
    out.push(cur);
    const c = cur as { originalError?: unknown; cause?: unknown };
    cur = c.originalError ?? c.cause;
  }
  if (!out.length) out.push(e);
  return out;
}

function isDbError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const d = e as Error & DbFields;
  return e instanceof DriverException || SQLSTATE.test(String(d.sqlState ?? d.code ?? '')) || d.severity !== undefined
    || d.query !== undefined || d.sql !== undefined || e.name === 'DatabaseError';
}

/**
 * What of a database message may be logged: PostgreSQL's own text, without the statement a driver
 * put before it (`<sql> - <message>`), the detail and hint MikroORM appends (`Key (x)=(value)`),
 * quoted literals, or an echoed input value (`invalid input syntax for type inet: "..."`).
 */
export function redactDbMessage(message: string): string {
  let m = message.split(/\n - (?:detail|hint): /)[0];
  const dash = m.lastIndexOf(' - ');
  if (dash >= 0) m = m.slice(dash + 3);
  else if (SQL_TEXT.test(m)) return '[statement redacted]';
  m = m.replace(/'(?:[^']|'')*'/g, "'[redacted]'").replace(/: "(?:[^"]|"")*"/g, ': "[redacted]"');
  return SQL_TEXT.test(m) ? '[statement redacted]' : m.trim();
}

/**
 * An unexpected error as it may be logged. A database error's message carries the SQL with its
 * values inlined (a session password, an API secret), whichever driver raised it (a PostgreSQL
 * server's, PGlite's, or a WASM fault of the embedded engine rewritten by knex), so only its
 * SQLSTATE, the constraint, table and column it names, and PostgreSQL's own text are kept. Any
 * other error whose message holds a statement loses the statement too.
 */
export function loggableError(e: unknown): Record<string, unknown> {
  const errors = chain(e);
  const err = errors.length > 1 && (e as { originalError?: unknown })?.originalError ? errors[1] : errors[0];
  if (!(err instanceof Error)) return { message: String(err) };
  const db = errors.find(isDbError) as (Error & DbFields) | undefined;
  if (db) {
    const withState = (errors.find((x) => x instanceof Error && SQLSTATE.test(String((x as DbFields).sqlState ?? (x as DbFields).code ?? ''))) ?? db) as Error & DbFields;
    const sqlState = withState.sqlState ?? (SQLSTATE.test(String(withState.code ?? '')) ? withState.code : undefined);
    return {
      type: db.name, sqlState, constraint: withState.constraint, table: withState.table, column: withState.column,
      message: redactDbMessage(withState.message ?? db.message),
    };
  }
  if (SQL_TEXT.test(err.message)) {
    const message = redactDbMessage(err.message);
    const frames = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).join('\n');
    return { type: err.name, message, stack: `${err.name}: ${message}\n${frames}` };
  }
  return { type: err.name, message: err.message, stack: err.stack };
}

/** Logs an error a client sees only as "internal server error". */
export function logInternalError(e: unknown, context: Record<string, unknown>, what: string): void {
  logger.error({ ...context, err: loggableError(e) }, what);
}

/**
 * Start and stop of the server (the "listening" banner, shutdown): JSON lines on the same
 * stream as every other log, at info, kept at any LOG_LEVEL but `silent` (an operator who
 * asked only for warnings still needs to see that the server is up, and where).
 */
const lifecycle = (): pino.Logger => (logger.level === 'silent' || logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' }));

/** The banner: `text` is the human line ("PeerGate 1.2.3 listening on http://..."), `fields` what tools read (url, host, port, version). */
export function logListening(text: string, fields: Record<string, unknown> = {}): void {
  lifecycle().info({ event: 'listening', ...fields }, text);
}

/** Shutdown began (`signal`: SIGTERM, SIGINT) and, with `done`, finished; `fields` may add a duration or an exit code. */
export function logShutdown(signal: string | null, phase: 'started' | 'done', fields: Record<string, unknown> = {}): void {
  lifecycle().info({ event: phase === 'started' ? 'shutdown' : 'stopped', signal: signal ?? undefined, ...fields },
    phase === 'started' ? `shutting down${signal ? ` (${signal})` : ''}` : 'stopped');
}
