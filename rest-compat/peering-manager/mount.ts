// Peering Manager's REST API at /api/: routing only. Each route hands over to the
// generic handlers (crud.ts), the token endpoint, custom actions or the docs.
import type express from 'express';
import type { Request, Response } from 'express';
import type { RunningApp } from '../../src/http/app';
import type { GqlContext } from '../../src/graphql/context';
import { API_VERSION } from '../../src/http/version';
import { mayWrite } from '../../src/domain/access';
import { RestError, detail } from '../core/errors';
import { renderJson, responder } from '../core/http';
import { appListing, apps, endpoint, urlBuilder, type Endpoint } from './registry';
import { readable, writable, type Call } from './call';
import * as crud from './crud';
import { metadata, titleCase } from './options';
import { findAction, plainView, runAction } from './actions';
import { servedOpenApiDocument } from './openapi';
import { exportList } from './rendering';
import { swaggerAssets, swaggerInit, swaggerPage } from './swagger';
import { statusBody } from './status';
import { TOKEN_CONTENT_TYPE, createTokenCall, revokeTokenCall } from './tokens';
import { logInternalError } from '../../src/log';
import { registerWebhookData } from './webhook-data';
import { authenticateRequest } from '../core/auth';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const notFound = () => detail(404, 'Not found.');
const notAllowed = (method: string, allow: string[]) => new RestError(405, { detail: `Method "${method}" not allowed.`, allow });

/** DRF authenticates and checks permissions before it looks for the method's handler. */
async function allowOrThrow(call: Call, allow: string[]): Promise<void> {
  const method = call.req.method;
  if (allow.includes(method)) return;
  await (SAFE.has(method) ? readable(call) : writable(call));
  throw notAllowed(method, allow);
}

/** DRF's AcceptHeaderVersioning: only the current version is accepted. */
function checkVersion(req: Request): void {
  const m = /;\s*version=([^;,\s]+)/i.exec(req.headers.accept ?? '');
  if (m && m[1] !== API_VERSION) throw detail(406, 'Invalid version in "Accept" header.');
}

function methodsFor(e: Endpoint, detailRoute: boolean): string[] {
  const read = ['GET', 'HEAD', 'OPTIONS'];
  if (e.d.contentType === TOKEN_CONTENT_TYPE) return detailRoute ? [...read, 'DELETE'] : [...read, 'POST'];
  if (e.d.readOnly) return read;
  return detailRoute ? [...read, 'PUT', 'PATCH', 'DELETE'] : [...read, 'POST', 'PUT', 'PATCH', 'DELETE'];
}

async function options(call: Call, e: Endpoint, detailRoute: boolean, allow: string[]): Promise<void> {
  const ctx = await readable(call);
  call.reply.send(200, metadata(e.d, detailRoute, mayWrite(ctx.caller, e.d, detailRoute ? 'update' : 'create')), { Allow: allow.join(', ') });
}

async function modelList(call: Call, e: Endpoint): Promise<void> {
  const method = call.req.method;
  const allow = methodsFor(e, false);
  await allowOrThrow(call, allow);
  const isToken = e.d.contentType === TOKEN_CONTENT_TYPE;
  switch (method) {
    case 'GET': case 'HEAD':
      if (call.params.get('export')) return exportList(call, e.d, call.params.get('export')!);
      return crud.listObjects(call, e.d);
    case 'OPTIONS': return options(call, e, false, allow);
    case 'POST': return isToken ? createTokenCall(call, e.d) : crud.createObjects(call, e.d);
    case 'PUT': return crud.updateObjects(call, e.d, 'replace');
    case 'PATCH': return crud.updateObjects(call, e.d, 'patch');
    case 'DELETE': return crud.deleteObjects(call, e.d);
  }
}

async function modelDetail(call: Call, e: Endpoint, id: string): Promise<void> {
  const method = call.req.method;
  const allow = methodsFor(e, true);
  await allowOrThrow(call, allow);
  const isToken = e.d.contentType === TOKEN_CONTENT_TYPE;
  switch (method) {
    case 'GET': case 'HEAD': return crud.getObject(call, e.d, id);
    case 'OPTIONS': return options(call, e, true, allow);
    case 'PUT': return crud.updateObject(call, e.d, id, 'replace');
    case 'PATCH': return crud.updateObject(call, e.d, id, 'patch');
    case 'DELETE': return isToken ? revokeTokenCall(call, id) : crud.deleteObject(call, e.d, id);
  }
}

/** Views that are plain GETs (roots, status, schema). */
async function readView(call: Call, title: string, body: () => unknown): Promise<void> {
  const method = call.req.method;
  await allowOrThrow(call, ['GET', 'HEAD', 'OPTIONS']);
  await readable(call);
  if (method === 'OPTIONS') {
    call.reply.send(200, { name: title, description: '', renders: ['application/json', 'text/html'], parses: ['application/json'] });
    return;
  }
  call.reply.send(200, body());
}

async function route(call: Call, segs: string[]): Promise<void> {
  const [app, path, id, action, ...extra] = segs;
  if (!app) return readView(call, 'Api Root', () => ({ ...Object.fromEntries(apps().map((a) => [a, `${call.base}/api/${a}/`])), status: `${call.base}/api/status/` }));
  if (app === 'status' && !path) return readView(call, 'Status', statusBody);
  if (app === 'schema' && !path) {
    if (call.params.get('format') !== 'json' && call.req.accepts(['application/json', 'text/html', 'application/vnd.oai.openapi+json']) === 'text/html' && call.params.get('format') !== 'api') {
      // A browser asking for the schema gets the interactive documentation.
      call.res.redirect(302, '/api/schema/swagger-ui/');
      return;
    }
    await allowOrThrow(call, ['GET', 'HEAD']);
    await readable(call);
    call.res.status(200).type('application/json').send(renderJson(call.req, servedOpenApiDocument(call.base)));
    return;
  }
  if (!path) {
    const listing = appListing(app, call.base);
    if (!listing) throw notFound();
    return readView(call, titleCase(app), () => listing);
  }
  const e = endpoint(app, path);
  if (!e) {
    if (await plainView(call, app, path, segs.slice(2))) return;
    throw notFound();
  }
  if (id === undefined) return modelList(call, e);
  if (extra.length) throw notFound();
  if (/^\d+$/.test(id)) {
    if (action === undefined) return modelDetail(call, e, id);
    const a = findAction(e.d.contentType, action, true);
    if (!a) throw notFound();
    return runAction(call, a, id);
  }
  const a = action === undefined ? findAction(e.d.contentType, id, false) : undefined;
  if (!a) throw notFound();
  return runAction(call, a, null);
}

async function dispatch(req: Request, res: Response, running: RunningApp): Promise<void> {
  const url = new URL(req.originalUrl, 'http://localhost');
  const params = url.searchParams;
  // DRF's format suffix: `/api/peering/autonomous-systems.json` and `.../7.json` render JSON.
  const suffix = /\.json\/?$/.exec(url.pathname);
  if (suffix && suffix.index > '/api/'.length) {
    url.pathname = `${url.pathname.slice(0, suffix.index)}/`;
    params.set('format', 'json');
  }
  const reply = responder(req, res, params, 'PeerGate — Peering Manager API', true);
  try {
    checkVersion(req);
    const rel = url.pathname.slice('/api'.length);
    const slash = rel === '' || rel.endsWith('/');
    // GET and HEAD without the trailing slash are redirected (APPEND_SLASH); writes are served as if it were there.
    if (!slash && SAFE.has(req.method) && req.method !== 'OPTIONS') {
      res.redirect(301, `${url.pathname}/${url.search}`);
      return;
    }
    const base = `${req.protocol}://${req.get('host')}`;
    let ctx: Promise<GqlContext> | null = null;
    const call: Call = {
      req, res, running, params, base, reply, urls: urlBuilder(base),
      // Token and Bearer only; a refused token is the caller's error, which the guards answer with 403 (call.ts).
      ctx: () => (ctx ??= authenticateRequest(req, running).then((a) => a.ctx)),
    };
    await route(call, rel.split('/').filter(Boolean).map(decodeURIComponent));
  } catch (e) {
    if (e instanceof RestError) {
      const body = e.body as Record<string, unknown>;
      const allow = e.status === 405 && Array.isArray(body?.allow) ? { Allow: (body.allow as string[]).join(', ') } : undefined;
      if (allow) delete body.allow;
      reply.send(e.status, e.body, allow);
      return;
    }
    if (e instanceof URIError) { reply.send(404, { detail: 'Not found.' }); return; }
    logInternalError(e, {}, 'Peering Manager API: unhandled error');
    reply.send(500, { error: 'An internal error occurred.', exception: (e as Error)?.name ?? 'Error', peering_manager_version: API_VERSION, python_version: null });
  }
}

export function mountPeeringManager(app: express.Express, running: RunningApp): void {
  registerWebhookData(running);
  const assets = swaggerAssets();
  app.use('/api/schema/swagger-ui', (req, res, next) => {
    if (req.path === '/' || req.path === '/index.html') {
      if (!req.originalUrl.split('?')[0].endsWith('/') && req.path === '/') { res.redirect(301, '/api/schema/swagger-ui/'); return; }
      res.type('html').send(swaggerPage());
      return;
    }
    if (req.path === '/peergate-init.js') { res.type('application/javascript').set('Cache-Control', 'no-cache').send(swaggerInit('/api/schema/?format=json')); return; }
    assets(req, res, () => { res.status(404).json({ detail: 'Not found.' }); });
    void next;
  });
  app.use('/api', (req, res) => { void dispatch(req, res, running); });
}
