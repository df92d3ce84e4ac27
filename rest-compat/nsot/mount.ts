// NSoT's REST API at /nsot/api/: routing only. Top-level and site-scoped paths
// (/nsot/api/sites/<id>/<resource>/...), natural keys with slashes in them
// (networks/10.0.0.0/8/, interfaces/lax-r1:xe-0/0/0.0/), detail routes, set queries.
import type express from 'express';
import type { Request, Response } from 'express';
import type { RunningApp } from '../../src/http/app';
import { NsotError, body, notFound } from './errors';
import { makeCall, send, writable, type Call } from './call';
import { allResources, resource, type Resource } from './resources';
import { fetchOne, listFilter, lookupId, sendList } from './read';
import { shapeFor, projectionFrom } from './shape';
import * as write from './write';
import { setQuery } from './query';
import { DETAIL_ACTIONS, detailAction } from './tree';
import { authenticate, users, verifyToken } from './accounts';
import { changes } from './changes';
import { metadata } from './options';
import { logInternalError } from '../../src/log';

const PREFIX = '/nsot/api';

const SAFE = ['GET', 'HEAD', 'OPTIONS'];

/** Credentials before the method (DRF's order): only a writer learns that a method is not allowed. */
async function notAllowed(call: Call): Promise<NsotError> {
  if (!SAFE.includes(call.req.method)) await writable(call);
  return new NsotError(405, `Method "${call.req.method}" not allowed.`);
}

async function list(call: Call, r: Resource): Promise<void> {
  const m = call.req.method;
  if (m === 'OPTIONS') { await call.ctx(); return send(call, 200, metadata(r, false), { Allow: 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS' }); }
  const readOnly = r.create.length === 0;
  if (m === 'GET' || m === 'HEAD') { await call.ctx(); return send(call, 200, await sendList(call, r, listFilter(call, r))); }
  if (readOnly) throw await notAllowed(call);
  if (m === 'POST') return write.create(call, r);
  if (m === 'PUT' || m === 'PATCH') return write.bulkUpdate(call, r, m === 'PATCH');
  if (m === 'DELETE') return write.bulkRemove(call, r);
  throw await notAllowed(call);
}

async function detail(call: Call, r: Resource, key: string): Promise<void> {
  const m = call.req.method;
  if (m === 'OPTIONS') { await call.ctx(); return send(call, 200, metadata(r, true), { Allow: 'GET, PUT, PATCH, DELETE, HEAD, OPTIONS' }); }
  if (m === 'GET' || m === 'HEAD') {
    await call.ctx();
    const id = await lookupId(call, r, key);
    const shape = shapeFor(r, projectionFrom(call.params));
    return send(call, 200, shape.render(await fetchOne(call, r, id, shape.selection)));
  }
  if (r.create.length === 0) throw await notAllowed(call);
  if (m === 'PUT' || m === 'PATCH') return write.update(call, r, key, m === 'PATCH');
  if (m === 'DELETE') return write.remove(call, r, key);
  throw await notAllowed(call);
}

async function resourceRoute(call: Call, r: Resource, rest: string[]): Promise<void> {
  if (!rest.length) return list(call, r);
  if (rest.length === 1 && rest[0] === 'query' && r.setQuery) {
    if (call.req.method !== 'GET' && call.req.method !== 'HEAD') throw await notAllowed(call);
    await call.ctx();
    return setQuery(call, r);
  }
  if (rest.length === 1 && rest[0] === 'reserved' && r.key === 'networks') {
    await call.ctx();
    return send(call, 200, await sendList(call, r, { ...listFilter(call, r), state: { exact: ['reserved'] } }));
  }
  const last = rest[rest.length - 1];
  if (rest.length > 1 && DETAIL_ACTIONS[r.key]?.includes(last)) return detailAction(call, r, rest.slice(0, -1).join('/'), last);
  if (rest.length > 1 && !r.natural) throw notFound();
  return detail(call, r, rest.join('/'));
}

async function route(call: Call, segs: string[]): Promise<void> {
  const [head, ...rest] = segs;
  if (head === undefined) {
    await call.ctx();
    return send(call, 200, Object.fromEntries([...allResources().map((r) => r.key), 'changes', 'users'].sort().map((k) => [k, `${call.base}${PREFIX}/${k}/`])));
  }
  if (head === 'authenticate' && !rest.length) return authenticate(call);
  if (head === 'verify_token' && !rest.length) return verifyToken(call);
  if (head === 'users') return users(call, rest);
  if (head === 'changes') { await call.ctx(); return changes(call, rest, null); }
  if (head === 'sites' && rest.length >= 2) {
    // Site-scoped routes: lookups, filters and writes are limited to this site.
    const [siteText, sub, ...more] = rest;
    if (!/^\d+$/.test(siteText)) throw notFound();
    // Write permission before the site lookup: a caller who may not write learns nothing of the site.
    await (SAFE.includes(call.req.method) ? call.ctx() : writable(call));
    const sites = resource('sites')!;
    await lookupId(call, sites, siteText);
    call.siteId = Number(siteText);
    if (sub === 'changes') return changes(call, more, call.siteId);
    const r = resource(sub);
    if (!r || !r.siteScoped) throw notFound();
    return resourceRoute(call, r, more);
  }
  const r = resource(head);
  if (!r) throw notFound();
  return resourceRoute(call, r, rest);
}

async function dispatch(req: Request, res: Response, running: RunningApp): Promise<void> {
  const url = new URL(req.originalUrl, 'http://localhost');
  const call = makeCall(req, res, running, url);
  try {
    const rel = url.pathname.slice(PREFIX.length);
    // APPEND_SLASH: reads without the trailing slash are redirected; writes are served as if it were there.
    if (!url.pathname.endsWith('/') && (req.method === 'GET' || req.method === 'HEAD')) {
      res.redirect(301, `${url.pathname}/${url.search}`);
      return;
    }
    if (!url.pathname.endsWith('/')) call.path = `${url.pathname}/`;
    await route(call, rel.split('/').filter(Boolean).map(decodeURIComponent));
  } catch (e) {
    if (e instanceof NsotError) { send(call, e.status, body(e)); return; }
    if (e instanceof URIError) { send(call, 404, body(notFound())); return; }
    logInternalError(e, { requestId: call.res.locals.requestId }, 'NSoT API: unhandled error');
    send(call, 500, body(new NsotError(500, 'Internal server error.')));
  }
}

export function mountNsot(app: express.Express, running: RunningApp): void {
  app.use(PREFIX, (req, res) => { void dispatch(req, res, running); });
}
