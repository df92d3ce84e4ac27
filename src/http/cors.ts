// CORS for browsers on other origins (CORS_ORIGINS, off by default), on every surface of the
// port: GraphQL, the REST dialects, health. Credentials are tokens in the Authorization header,
// never cookies, so responses never allow credentials.
//
// * A preflight (OPTIONS with Origin and Access-Control-Request-Method) from an allowed origin
//   is answered here: 204 with Access-Control-Allow-Origin/-Methods/-Headers and Max-Age.
// * A preflight from any other origin (or with CORS off) is 403 without CORS headers, so the
//   browser blocks the request; never passed on to a dialect (which might answer 400 or 405).
// * Other requests from an allowed origin get Access-Control-Allow-Origin and the headers a
//   script may read (X-Request-ID, API-Version, ...); from other origins, no CORS headers.
import type { Request, Response, NextFunction } from 'express';
import type { Config } from '../config';

const METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
/** Request headers a preflight may ask for beyond the CORS-safelisted ones. */
const DEFAULT_HEADERS = 'Authorization, Content-Type, Accept, X-Request-ID, X-CSRFToken';
const EXPOSE = 'X-Request-ID, API-Version, Allow, Retry-After, Link, WWW-Authenticate';
const MAX_AGE = '600';
const TOKEN_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

function addVary(res: Response, value: string): void {
  const have = String(res.getHeader('Vary') ?? '');
  const names = have.split(',').map((v) => v.trim()).filter(Boolean);
  for (const v of value.split(',').map((x) => x.trim())) if (!names.some((n) => n.toLowerCase() === v.toLowerCase())) names.push(v);
  res.setHeader('Vary', names.join(', '));
}

export function allowedOrigin(origins: Config['corsOrigins'], origin: string): string | null {
  if (!origins) return null;
  if (origins === '*') return '*';
  return origins.includes(origin.toLowerCase()) ? origin : null;
}

export function cors(origins: Config['corsOrigins']) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] !== undefined;
    if (origin === undefined) { next(); return; }
    const allow = allowedOrigin(origins, origin);
    if (origins && origins !== '*') addVary(res, 'Origin');
    if (!preflight) {
      if (allow) {
        res.setHeader('Access-Control-Allow-Origin', allow);
        res.setHeader('Access-Control-Expose-Headers', EXPOSE);
      }
      next();
      return;
    }
    addVary(res, 'Access-Control-Request-Method, Access-Control-Request-Headers');
    const method = String(req.headers['access-control-request-method']).trim().toUpperCase();
    if (!allow || !METHODS.split(', ').includes(method)) {
      res.status(403).json({ detail: origins ? `Origin ${JSON.stringify(origin)} may not call this API (CORS_ORIGINS).` : 'Cross-origin requests are not enabled (CORS_ORIGINS).' });
      return;
    }
    const asked = String(req.headers['access-control-request-headers'] ?? '').trim();
    res.setHeader('Access-Control-Allow-Origin', allow);
    res.setHeader('Access-Control-Allow-Methods', METHODS);
    // The headers asked for when they are a well-formed list (a script may send any header;
    // the server decides what it reads), else the ones PeerGate reads.
    res.setHeader('Access-Control-Allow-Headers', asked && TOKEN_LIST.test(asked) ? asked : DEFAULT_HEADERS);
    res.setHeader('Access-Control-Max-Age', MAX_AGE);
    res.status(204).end();
  };
}
