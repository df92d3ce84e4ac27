// Standard security headers on every response (what helmet sets, kept to what PeerGate
// serves): no MIME sniffing, no referrer leaking paths and query strings, no framing, and for
// HTML pages (GraphiQL, Swagger UI, the browsable API; the dashboard sets a stricter one of its
// own) a Content-Security-Policy that allows only this origin. GraphiQL and Swagger UI set inline
// styles, hence 'unsafe-inline' for styles only; fonts and icons come as data: URLs.
import type { Request, Response, NextFunction } from 'express';

export const HTML_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders() {
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', HTML_CSP);
    next();
  };
}
