// HTTP plumbing shared by the REST dialects: reading a JSON body after the
// caller was authorised, and answering in JSON or, for browsers, in a readable
// HTML page showing the same JSON.
import type { Request, Response } from 'express';
import { RestError, detail } from './errors';
import { BodyError, parseJsonInTurn, readBodyText } from '../../src/http/body';
import { JSON_UTF8, sendText } from '../../src/http/send';
import { FormBody, FormError, parseMultipart, parseUrlencoded } from './form';
import { jsonMaxDepth } from '../../src/domain/values';

/**
 * Levels a REST body may nest beyond JSON_MAX_DEPTH: its own envelope (a bulk list, the
 * object, a related object's attributes). The JSON values of fields are held to
 * JSON_MAX_DEPTH itself by the GraphQL JSON scalar they are written through.
 */
export const ENVELOPE_DEPTH = 4;

/** A dialect's JSON body, nested no deeper than any dialect takes (a BodyError otherwise). */
export function parseRestJson(text: string): Promise<unknown> {
  return parseJsonInTurn(text, jsonMaxDepth() + ENVELOPE_DEPTH);
}

export function wantsHtml(req: Request, params: URLSearchParams): boolean {
  const format = params.get('format');
  if (format === 'json') return false;
  if (format === 'api') return true;
  // What accepts() answers without parsing: no Accept, `*/*` (fetch's and curl's) or one naming
  // neither HTML nor a wildcard pick JSON, the first choice.
  const accept = req.headers.accept;
  if (!accept || accept === '*/*' || !/html|\*/i.test(accept)) return false;
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));

/** The browsable page: the JSON a script would get, escaped, with the status and the URL. */
export function htmlPage(title: string, req: Request, status: number, body: unknown): string {
  const json = body === undefined ? '' : JSON.stringify(body, null, 2);
  const linked = escapeHtml(json).replace(/&quot;(https?:\/\/[^&\s]+)&quot;/g, (_m, u: string) => `&quot;<a href="${u}">${u}</a>&quot;`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}pre{background:#f6f8fa;padding:1em;overflow:auto}code{color:#555}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p><code>${escapeHtml(req.method)} ${escapeHtml(req.originalUrl)}</code> &rarr; <b>${status}</b></p>
<pre>${linked}</pre>
<p><a href="/api/schema/swagger-ui/">API documentation</a></p></body></html>`;
}

/**
 * DRF's JSONRenderer: `Accept: application/json; indent=4` pretty-prints with that indent
 * (clamped to 0-8; 0, a bad or a missing value: compact). The parameter counts on the media
 * range that JSON was chosen by: application/json, application/*, * / * or a +json type.
 */
export function jsonIndent(accept: string | undefined): number | undefined {
  if (!accept) return undefined;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((x) => x.trim());
    const t = type.toLowerCase();
    if (t !== 'application/json' && t !== 'application/*' && t !== '*/*' && !t.endsWith('+json')) continue;
    const q = params.find((x) => /^q\s*=/i.test(x));
    if (q && Number(q.split('=')[1]) === 0) continue;
    const indent = params.find((x) => /^indent\s*=/i.test(x));
    if (!indent) return undefined;
    const v = indent.split('=')[1].trim().replace(/^"(.*)"$/, '$1');
    if (!/^-?\d+$/.test(v)) return undefined;
    return Math.max(0, Math.min(8, Number(v))) || undefined;
  }
  return undefined;
}

/** A JSON response body as DRF renders it for this request (compact, or indented on request). */
export function renderJson(req: Request, body: unknown): string {
  return JSON.stringify(body, null, jsonIndent(req.headers.accept));
}

export interface Responder {
  send(status: number, body?: unknown, headers?: Record<string, string>): void;
}

/** `indent`: honour `Accept: application/json; indent=N` (DRF does; the Peering Manager dialect). */
export function responder(req: Request, res: Response, params: URLSearchParams, title: string, indent = false): Responder {
  return {
    send(status, body, headers = {}) {
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      if (status === 204 || body === undefined) { res.status(status).end(); return; }
      if (wantsHtml(req, params)) {
        res.setHeader('Vary', 'Accept');
        res.status(status).type('html').send(htmlPage(title, req, status, body));
        return;
      }
      sendText(res, status, JSON_UTF8, indent ? renderJson(req, body) : JSON.stringify(body));
    },
  };
}

/**
 * Reads the body (size-limited) and parses it as JSON, or with `forms` also as a form (a
 * FormBody), in Django REST framework's words. Undefined when there is none.
 */
export async function readBody(req: Request, res: Response, limit: string, forms = false): Promise<unknown> {
  const text = await readBodyText(req, res, limit).catch((e) => { throw drfBodyError(e, req); });
  if (!text || text.trim() === '') return undefined;
  const contentType = req.headers['content-type'] ?? 'application/json';
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (forms && (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data')) return readForm(text, type, contentType);
  if (type !== 'application/json' && !type.endsWith('+json')) throw detail(415, `Unsupported media type "${type}" in request.`);
  return parseRestJson(text).catch((e) => { throw drfBodyError(e, req); });
}

function drfBodyError(e: unknown, req: Request): unknown {
  if (!(e instanceof BodyError)) return e;
  switch (e.fault) {
    case 'too-large': return detail(413, 'Request body is too large.');
    case 'unsupported-encoding': return detail(415, `Unsupported media type "${req.headers['content-type']}" in request.`);
    case 'unreadable': return detail(400, `Could not read the request body: ${e.message}`);
    default: return detail(400, `JSON parse error - ${e.message}`);
  }
}

function readForm(text: string, type: string, contentType: string): FormBody {
  try {
    return type === 'multipart/form-data' ? parseMultipart(text, contentType) : parseUrlencoded(text);
  } catch (e) {
    if (e instanceof FormError) throw detail(400, e.message);
    throw e;
  }
}
