// One REST request in flight: the request, its GraphQL context, how to answer,
// and how to run a GraphQL document and turn its errors into DRF responses.
import type { Request, Response } from 'express';
import type { ModelDescriptor } from '../../src/domain/model';
import type { RunningApp } from '../../src/http/app';
import type { GqlContext } from '../../src/graphql/context';
import { requireRead, requireWrite } from '../../src/graphql/guards';
import { AuthError } from '../../src/domain/errors';
import type { GraphQLError } from 'graphql';
import { RestError, fromGraphqlErrors } from '../core/errors';
import { readBody, type Responder } from '../core/http';
import type { Doc } from '../core/documents';
import type { UrlBuilder } from '../core/projection';

export interface Call {
  req: Request;
  res: Response;
  running: RunningApp;
  params: URLSearchParams;
  base: string;            // scheme://host of this request
  urls: UrlBuilder;
  reply: Responder;
  ctx(): Promise<GqlContext>;
}

/** Peering Manager answers every authentication and permission failure with 403 and DRF's text. */
function guard(check: (ctx: GqlContext) => void, ctx: GqlContext): void {
  try {
    check(ctx);
  } catch (e) {
    if (e instanceof AuthError) throw new RestError(403, { detail: e.message });
    throw e;
  }
}

export async function readable(call: Call): Promise<GqlContext> {
  const ctx = await call.ctx();
  guard(requireRead, ctx);
  return ctx;
}

export async function writable(call: Call): Promise<GqlContext> {
  const ctx = await call.ctx();
  guard(requireWrite, ctx);
  return ctx;
}

/**
 * The body of a write, read only once the caller may write (DRF checks permissions first):
 * JSON, or a form (DRF's default parsers) as a FormBody.
 */
export async function body(call: Call): Promise<unknown> {
  const ctx = await call.ctx();
  return readBody(call.req, call.res, ctx.config.bodyLimit, true);
}

export interface RunOptions {
  d: ModelDescriptor | null;
  bulkShape?: 'list' | 'first';
  bulkSize?: number;
  /** This action's own answer to the first error, if it has one (else the generic mapping's). */
  answer?: (e: GraphQLError) => RestError | null;
}

/** Runs one document; a GraphQL error becomes the DRF response it stands for. */
export async function run<T = any>(call: Call, ctx: GqlContext, doc: Doc, variables: Record<string, unknown>, o: RunOptions): Promise<T> {
  const r = await call.running.executor.run(doc.text, variables, ctx);
  if (r.errors?.length) {
    const own = o.answer?.(r.errors[0]);
    if (own) throw own;
    const e = fromGraphqlErrors(r.errors, o.d, o.bulkShape, o.bulkSize);
    throw new RestError(e.status, e.body);
  }
  return (r.data as Record<string, T>)[doc.root];
}
