// One NSoT request in flight, and running GraphQL documents for it.
import type { Request, Response } from 'express';
import type { RunningApp } from '../../src/http/app';
import type { GqlContext } from '../../src/graphql/context';
import { requireWrite } from '../../src/graphql/guards';
import { AuthError } from '../../src/domain/errors';
import { readBody } from '../core/http';
import { JSON_UTF8, sendText } from '../../src/http/send';
import { NsotError, fromGraphql } from './errors';
import { nsotContext } from './auth';
import type { Resource } from './resources';

export interface Call {
  req: Request;
  res: Response;
  running: RunningApp;
  params: URLSearchParams;
  path: string;        // the request path (for Location and links)
  base: string;        // scheme://host
  siteId: number | null; // set on /sites/<id>/... routes
  ctx(): Promise<GqlContext>;
}

export function makeCall(req: Request, res: Response, running: RunningApp, url: URL): Call {
  let ctx: Promise<GqlContext> | null = null;
  return {
    req, res, running, params: url.searchParams, path: url.pathname, base: `${req.protocol}://${req.get('host')}`, siteId: null,
    ctx: () => (ctx ??= nsotContext(req, running)),
  };
}

export async function writable(call: Call): Promise<GqlContext> {
  const ctx = await call.ctx();
  try { requireWrite(ctx); } catch (e) {
    if (e instanceof AuthError) throw new NsotError(e.code === 'FORBIDDEN' ? 403 : 401, e.message);
    throw e;
  }
  return ctx;
}

export async function jsonBody(call: Call): Promise<unknown> {
  const ctx = await call.ctx();
  try {
    return await readBody(call.req, call.res, ctx.config.bodyLimit);
  } catch (e: any) {
    throw new NsotError(e?.status ?? 400, e?.body?.detail ?? 'Malformed request body.');
  }
}

/** Runs one document; the first GraphQL error becomes NSoT's error response. */
export async function run<T = any>(call: Call, text: string, variables: Record<string, unknown>, r: Resource | null): Promise<Record<string, T>> {
  const ctx = await call.ctx();
  const out = await call.running.executor.run(text, variables, ctx);
  if (out.errors?.length) throw fromGraphql(out.errors, r);
  return out.data as Record<string, T>;
}

export function send(call: Call, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) call.res.setHeader(k, v);
  if (status === 204 || body === undefined) { call.res.status(status).end(); return; }
  sendText(call.res, status, JSON_UTF8, JSON.stringify(body));
}
