// Rendering PeeringDB responses: the JSON renderer with Python's json.dumps defaults
// (non-ASCII as \uXXXX escapes), indented with `?pretty`.
import type { Response } from 'express';
import { JSON_UTF8, sendText } from '../../src/http/send';

const escapeNonAscii = (text: string) => text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function sendJson(res: Response, status: number, body: unknown, pretty: boolean): void {
  if (status === 204) { res.status(204).end(); return; }
  sendRaw(res, status, JSON.stringify(body, null, pretty ? 2 : undefined));
}

/** JSON text made elsewhere (the database), with the same escaping. */
export function sendRaw(res: Response, status: number, json: string): void {
  sendText(res, status, JSON_UTF8, escapeNonAscii(json));
}
