// The PeeringDB dialect at /pdb/api/: PeeringDB's paths, envelope, status codes and
// errors. Reads are GraphQL documents (list.ts, detail.ts) or the read compiler's JSON text
// (text.ts), the query string translated by query.ts; writes run the peeringdb* GraphQL mutations
// through the executor, in the request's context.
import type { Express, Request, Response } from 'express';
import type { RunningApp } from '../../src/http/app';
import type { GqlContext } from '../../src/graphql/context';
import { requireRead } from '../../src/graphql/guards';
import { AuthError } from '../../src/domain/errors';
import { pdbType, type PdbTag } from '../../src/domain/peeringdb/tags';
import { detail } from './detail';
import { compiledList, type ListResult } from './list';
import { listText } from './text';
import { fromGraphql } from './graphql-errors';
import { askedFields, intParam } from './params';
import { sqlRows } from '../../src/db/sql-rows';
import { pdbContext } from './auth';
import { PdbError, REASON } from './errors';
import { sendJson, sendRaw } from './respond';
import { logInternalError } from '../../src/log';
import { parseRestJson } from '../core/http';
import { BodyError, readBodyText } from '../../src/http/body';

const DOCS = {
  create: 'mutation($tag: String!, $data: JSON!) { peeringdbCreate(tag: $tag, data: $data) }',
  update: 'mutation($tag: String!, $id: ID!, $data: JSON!) { peeringdbUpdate(tag: $tag, id: $id, data: $data) }',
  remove: 'mutation($tag: String!, $id: ID!) { peeringdbDelete(tag: $tag, id: $id) }',
};

interface Call { req: Request; res: Response; running: RunningApp; params: URLSearchParams; pretty: boolean }

function tagOf(name: string): PdbTag {
  const t = pdbType(name.toLowerCase());
  if (!t) throw new PdbError(404, 'Not Found');
  return t.tag;
}

function idOf(s: string): number {
  if (!/^\d+$/.test(s) || Number(s) > 2147483647) throw new PdbError(400, 'Invalid id', { extra: 'Invalid id' });
  return Number(s);
}

async function readable(call: Call): Promise<GqlContext> {
  const ctx = await pdbContext(call.req, call.running);
  guard(() => requireRead(ctx));
  return ctx;
}

function guard(fn: () => void): void {
  try { fn(); } catch (e) {
    if (e instanceof AuthError) throw new PdbError(e.code === 'FORBIDDEN' ? 403 : 401, e.message);
    throw e;
  }
}

/** The body of a write, after the caller was found allowed to write. */
async function body(call: Call, limit: string): Promise<unknown> {
  const text = await readBodyText(call.req, call.res, limit).catch((e) => { throw pdbBodyError(e); });
  if (!text?.trim()) throw new PdbError(400, 'No data was supplied with the POST request');
  const data = await parseRestJson(text).catch((e) => { throw pdbBodyError(e); });
  // Every PeeringDB write takes one object; anything else (a list, a scalar, deeply nested
  // arrays) is refused here, before it reaches GraphQL variable coercion.
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new PdbError(400, 'Bad Request', { non_field_errors: ['Invalid data. Expected a dictionary.'] });
  }
  return data;
}

function pdbBodyError(e: unknown): unknown {
  if (!(e instanceof BodyError)) return e;
  switch (e.fault) {
    case 'too-large': return new PdbError(413, 'Request Entity Too Large');
    case 'too-deep': return new PdbError(400, `JSON parse error - ${e.message}`);
    case 'malformed': return new PdbError(400, 'JSON parse error');
    default: return new PdbError(400, 'No data was supplied with the POST request');
  }
}

async function mutate(call: Call, ctx: GqlContext, doc: string, vars: Record<string, unknown>): Promise<number> {
  const r = await call.running.executor.run(doc, vars, ctx);
  if (r.errors?.length) throw fromGraphql(r.errors[0]);
  return Object.values(r.data as Record<string, number>)[0];
}

/** Writes: a key first (401 anonymous, 403 read-only), then the body. */
async function writable(call: Call): Promise<GqlContext> {
  const ctx = await pdbContext(call.req, call.running);
  if (!ctx.caller.user) throw new PdbError(401, 'Authentication credentials were not provided.');
  if (!ctx.caller.canWrite) throw new PdbError(403, 'You do not have permission to perform this action.');
  return ctx;
}

async function collection(call: Call, tag: PdbTag): Promise<void> {
  const { req, res, params, pretty } = call;
  if (req.method === 'GET' || req.method === 'HEAD') {
    const ctx = await readable(call);
    // Depth-0 lists skip the object path: the read compiler writes the JSON text (./text.ts).
    const text = pretty ? null : await listText(call.running, ctx, tag, params);
    if (text === null) {
      sendList(call, tag, await compiledList(call.running, ctx, tag, params));
    } else {
      if (text === '[]' && (params.has('id') || (tag === 'net' && params.has('asn')))) {
        sendJson(res, 404, { data: [], meta: { error: 'Entity not found' } }, pretty);
      } else {
        sendRaw(res, 200, `{"data": ${text}, "meta": {}}`);
      }
    }
    return;
  }
  if (req.method === 'POST') {
    const ctx = await writable(call);
    if (!pdbType(tag)!.methods.includes('POST')) throw new PdbError(405, `Method "POST" not allowed.`);
    const data = await body(call, ctx.config.bodyLimit);
    const id = await mutate(call, ctx, DOCS.create, { tag, data });
    const obj = await detail(call.running, ctx, tag, id, 0);
    sendJson(res, 201, { data: [obj], meta: {} }, pretty);
    return;
  }
  throw await notAllowed(call);
}

function sendList(call: Call, tag: PdbTag, r: ListResult): void {
  const { res, params, pretty } = call;
  // An empty answer to an id (or a net's asn) lookup is PeeringDB's 404.
  if (!r.data.length && (params.has('id') || (tag === 'net' && params.has('asn')))) {
    sendJson(res, 404, { data: [], meta: { error: 'Entity not found' } }, pretty);
    return;
  }
  const meta = { ...(r.truncated ? { truncated: r.truncated } : {}), ...(r.pagination ? { pagination: r.pagination } : {}) };
  sendJson(res, 200, { data: r.data.map((o) => pick(o, params)), meta }, pretty);
}

/** Credentials are checked before the method (DRF's order): only a writer learns what is not allowed. */
async function notAllowed(call: Call): Promise<PdbError> {
  if (call.req.method !== 'OPTIONS') await writable(call);
  return new PdbError(405, `Method "${call.req.method}" not allowed.`);
}

async function member(call: Call, tag: PdbTag, rawId: string): Promise<void> {
  const { req, res, params, pretty } = call;
  const methods = pdbType(tag)!.methods;
  if (req.method === 'GET' || req.method === 'HEAD') {
    const ctx = await readable(call);
    const obj = await detail(call.running, ctx, tag, idOf(rawId), intParam(params, 'depth', 2, 4));
    if (!obj) { sendJson(res, 404, { data: [], meta: { error: 'Entity not found' } }, pretty); return; }
    sendJson(res, 200, { data: [pick(obj, params)], meta: {} }, pretty);
    return;
  }
  if (req.method === 'PATCH') {
    await writable(call);
    throw new PdbError(403, 'PATCH is disabled');
  }
  if (req.method === 'PUT' && methods.includes('PUT')) {
    const ctx = await writable(call);
    const id = idOf(rawId);
    const data = await body(call, ctx.config.bodyLimit);
    await mutate(call, ctx, DOCS.update, { tag, id: String(id), data });
    const obj = await detail(call.running, ctx, tag, id, 0);
    sendJson(res, 200, { data: [obj], meta: {} }, pretty);
    return;
  }
  if (req.method === 'DELETE' && methods.includes('DELETE')) {
    const ctx = await writable(call);
    await mutate(call, ctx, DOCS.remove, { tag, id: String(idOf(rawId)) });
    sendJson(res, 204, undefined, pretty);
    return;
  }
  throw await notAllowed(call);
}

/** `fields=a,b`: every other key is dropped. */
export function pick(obj: Record<string, unknown>, params: URLSearchParams): Record<string, unknown> {
  const keep = askedFields(params);
  return keep ? Object.fromEntries(Object.entries(obj).filter(([k]) => keep.has(k))) : obj;
}

/** `/pdb/public/<tag>-0.json`: the full list of live objects, as public.peeringdb.com serves it. */
async function dump(call: Call, tag: PdbTag): Promise<void> {
  const ctx = await readable(call);
  const meta = JSON.stringify({ generated: Date.now() / 1000 });
  const text = await listText(call.running, ctx, tag, new URLSearchParams());
  if (text === null) throw new Error(`${tag}: a plain list was not translated`);
  sendRaw(call.res, 200, `{"data": ${text}, "meta": ${meta}}`);
}

/** `/api/as_set` ({asn: irr_as_set} of live networks) and `/api/as_set/<asn>`. */
async function asSet(call: Call, asn?: string): Promise<void> {
  if (call.req.method !== 'GET' && call.req.method !== 'HEAD') throw new PdbError(405, `Method "${call.req.method}" not allowed.`);
  const ctx = await readable(call);
  if (asn !== undefined && !/^\d+$/.test(asn)) throw new PdbError(400, 'Invalid ASN');
  const rows = await sqlRows(ctx.em, `select asn, irr_as_set from peeringdb_net where status = 'ok'${asn !== undefined ? ' and asn = ?' : ''} order by asn`, asn !== undefined ? [Number(asn)] : []);
  if (asn !== undefined && !rows.length) { sendJson(call.res, 404, { data: [], meta: { error: 'Entity not found' } }, call.pretty); return; }
  sendJson(call.res, 200, { data: [Object.fromEntries(rows.map((r) => [String(r.asn), r.irr_as_set]))], meta: {} }, call.pretty);
}

async function route(call: Call): Promise<void> {
  const path = call.req.path.replace(/\/+$/, '') || '/';
  const as = /^\/api\/as_set(?:\/([^/]+?))?(?:\.json)?$/.exec(path);
  if (as) return asSet(call, as[1]);
  let m = /^\/public\/([A-Za-z_]+)-0\.json$/.exec(path);
  if (m && (call.req.method === 'GET' || call.req.method === 'HEAD')) return dump(call, tagOf(m[1]));
  m = /^\/api\/([A-Za-z_]+?)(?:\.json)?$/.exec(path);
  if (m) return collection(call, tagOf(m[1]));
  m = /^\/api\/([A-Za-z_]+)\/([^/]+?)(?:\.json)?$/.exec(path);
  if (m) return member(call, tagOf(m[1]), m[2]);
  throw new PdbError(404, 'Not Found');
}

export function mountPeeringDB(app: Express, running: RunningApp): void {
  app.use('/pdb', async (req: Request, res: Response) => {
    const params = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    const pretty = params.has('pretty');
    const call: Call = { req, res, running, params, pretty };
    try {
      await route(call);
    } catch (e) {
      const err = e instanceof PdbError ? e : (() => { logInternalError(e, {}, 'PeeringDB API: unhandled error'); return new PdbError(500, REASON[500]); })();
      if (!res.headersSent) sendJson(res, err.status, err.body(), pretty);
    }
  });
}
