// One log line per HTTP request (pino-http's shape: req, res, responseTime), with who asked,
// from where, which route answered, and, for GraphQL, the operation and its errors: a
// GraphQL request is a 200 even when every field failed, so the outcome comes from its
// error codes, not from the status alone (a refused token is `unauthenticated`, not ok).
import type { Request, Response, NextFunction } from 'express';
import type { Logger } from 'pino';
import { logger as rootLogger } from '../log';
import { routePattern } from './metrics';

/** What the GraphQL layer reports about the operation a request ran. */
export interface GraphqlOutcome {
  operationName: string | null;
  operationType: string | null;
  /** Error codes (extensions.code) of the errors in the response, in order, with repeats. */
  codes: string[];
}

export type Outcome = 'ok' | 'client_error' | 'unauthenticated' | 'forbidden' | 'rate_limited' | 'server_error';

const SERVER_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);

/** Records the GraphQL operation of the request answered by `res`, for its log line. */
export function noteGraphql(res: Response, o: GraphqlOutcome): void {
  res.locals.graphql = o;
}

/** The outcome of a request: from its status and, when it ran GraphQL, its error codes. */
export function outcomeOf(status: number, codes: readonly string[] = []): Outcome {
  if (status >= 500 || codes.some((c) => SERVER_CODES.has(c))) return 'server_error';
  if (status === 401 || codes.includes('UNAUTHENTICATED')) return 'unauthenticated';
  if (status === 403 || codes.includes('FORBIDDEN')) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status >= 400 || codes.length) return 'client_error';
  return 'ok';
}

/** The scheme of an Authorization header (Token, Bearer, Basic, ...), never its credentials. */
function authScheme(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z][A-Za-z0-9_-]{0,19})(?:\s|$)/.exec(header);
  return m ? m[1] : 'other';
}

export interface RequestLogOptions {
  logger?: Logger;
  /** The request id given to the request (res.locals.requestId by default). */
  requestId?: (res: Response) => string | undefined;
  /** The authenticated user's name once known (empty or undefined when anonymous). */
  user?: (res: Response) => string | undefined;
  /** Database statements the request ran. */
  queries?: (res: Response) => number | undefined;
}

/**
 * The request-logging middleware: one line when the response is finished (or the client went
 * away first), at info when it succeeded, warn for a client error or a refused login, error
 * for a server error. Paths are logged without their query string (it may carry keys).
 */
export function requestLogger(opts: RequestLogOptions = {}) {
  const log = opts.logger ?? rootLogger;
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      const gql = res.locals.graphql as GraphqlOutcome | undefined;
      const status = aborted && !res.headersSent ? 499 : res.statusCode;
      const outcome = outcomeOf(status, gql?.codes);
      const level = outcome === 'server_error' ? 'error' : outcome === 'ok' && !aborted ? 'info' : 'warn';
      // Under LOG_LEVEL=warn a request that went well writes nothing: its line is not even made.
      if (!log.isLevelEnabled(level)) return;
      const codes = gql ? [...new Set(gql.codes)] : undefined;
      const requestId = opts.requestId ? opts.requestId(res) : res.locals.requestId;
      const changeRequestId = res.locals.changeRequestId as string | undefined;
      const line = {
        requestId,
        // A client's id that is not a UUID: the change records carry this one (src/http/request-id.ts).
        ...(changeRequestId && changeRequestId !== requestId ? { changeRequestId } : {}),
        req: {
          method: req.method, url: (req.originalUrl ?? req.url).split('?')[0], route: routePattern(req, status),
          remoteAddress: req.socket?.remoteAddress, remotePort: req.socket?.remotePort,
        },
        res: { statusCode: status },
        responseTime: Math.round((performance.now() - started) * 10) / 10,
        user: opts.user?.(res) || undefined,
        auth: authScheme(req.headers.authorization),
        queries: opts.queries?.(res),
        graphql: gql ? { operationName: gql.operationName, operationType: gql.operationType, errors: gql.codes.length, codes } : undefined,
        outcome,
        ...(aborted ? { aborted: true } : {}),
      };
      log[level](line, outcome === 'ok' ? 'request completed' : 'request failed');
    };
    res.on('finish', () => finish(false));
    res.on('close', () => finish(!res.writableFinished));
    next();
  };
}
