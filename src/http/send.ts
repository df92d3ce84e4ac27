// A text answer written straight to the socket: status, Content-Type and Content-Length, then
// the body (none for HEAD). What express's res.send does for a string, without its ETag (a hash
// of the whole body per answer, for conditional requests no PeerGate surface documents; the
// APIs it mirrors, DRF's, send none either: app.ts turns express's off for every route) and
// without its type lookups.
import type { Response } from 'express';

export function sendText(res: Response, status: number, contentType: string, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  if (res.req.method === 'HEAD') res.end();
  else res.end(text);
}

export const JSON_UTF8 = 'application/json; charset=utf-8';
