// The yabgp dialect at /v1: yabgp's paths, JSON shapes and `{"status": false, "code"}`
// errors, translated onto GraphQL operations (./call): the peer is found with bgpPeers, acted
// on with the control mutations, wherever its bgp-core worker runs. Handlers only translate:
// bgp-core validates, encodes, splits and sends.
import express, { type Express, type Request, type Response, type Router } from 'express';
import { MAX_COMMUNICATION_BYTES, MAX_EXTENDED_MESSAGE_LEN, MAX_MESSAGE_LEN, buildUpdates } from '../../bgp-core';
import type { RunningApp } from '../../src/http/app';
import type { GqlContext } from '../../src/graphql/context';
import { wantsHtml } from '../../src/http/graphiql';
import { logInternalError } from '../../src/log';
import { parseRestJson } from '../core/http';
import { BodyError, readBodyText } from '../../src/http/body';
import { yabgpCaller, type Access } from './auth';
import { DOCS, run } from './call';
import { CODES, YabgpError, refusal, sendError } from './errors';
import { resolvePeer, sessionOf, type YabgpPeer } from './peer';
import { binaryData, encodeFailure, updateSpec } from './update';
import { checkLookups, ribAnswers, ribFamily, stateView, statisticView, versionView } from './views';

const VERSION = { status: 'stable', updated: '2015-01-22T00:00:00Z', version: 'v1' } as const;

interface Call {
  req: Request;
  res: Response;
  found: YabgpPeer;
  body(): Promise<unknown>;
  /** Runs a GraphQL operation on the found peer's session (its type and id are added). */
  gql<T = Record<string, unknown>>(doc: string, variables?: Record<string, unknown>): Promise<T>;
}
type Handler = (c: Call) => Promise<unknown> | unknown;

/** The JSON body; an unreadable or unparseable one is a yabgp-shaped 400. */
async function readJson(req: Request, res: Response, limit: string): Promise<unknown> {
  const text = await readBodyText(req, res, limit).catch((e) => { throw yabgpBodyError(e); });
  if (!text?.trim()) throw new YabgpError(400, `${CODES.postData}: empty body`);
  return parseRestJson(text).catch((e) => { throw yabgpBodyError(e); });
}

function yabgpBodyError(e: unknown): unknown {
  if (!(e instanceof BodyError)) return e;
  switch (e.fault) {
    case 'too-large': return new YabgpError(413, CODES.tooLarge);
    case 'too-deep': return new YabgpError(400, `${CODES.postData}: JSON ${e.message}`);
    case 'malformed': return new YabgpError(400, `${CODES.postData}: malformed JSON`);
    default: return new YabgpError(400, `${CODES.postData}: unreadable body`);
  }
}

/** Refuses (200, as yabgp's makesure_peer_establish) unless the session is Established. */
function established(c: Call): void {
  if (c.found.state !== 'ESTABLISHED' || !c.found.negotiated) throw refusal(CODES.peerState);
}

function peerRoute(running: RunningApp, access: Access, fn: Handler) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      const { config, ctx } = await yabgpCaller(req, running, access);
      const found = await resolvePeer(req, running, ctx);
      const gql = <T>(doc: string, variables: Record<string, unknown> = {}) => run<T>(running, ctx as GqlContext, doc, { ...sessionOf(found), ...variables });
      const out = await fn({ req, res, found, gql, body: () => readJson(req, res, config.bodyLimit) });
      res.json(out);
    } catch (e) {
      if (e instanceof YabgpError && e.status !== 500) { sendError(res, e); return; }
      logInternalError(e, { requestId: res.locals.requestId }, 'yabgp: unhandled error');
      res.status(500).json({ status: false, code: CODES.sendFailed });
    }
  };
}

/** `?message=`: at most 255 bytes of UTF-8 (RFC 9003); a longer or repeated one is a 400. */
function shutdownMessage(v: unknown): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || Buffer.byteLength(v, 'utf8') > MAX_COMMUNICATION_BYTES) {
    throw new YabgpError(400, `${CODES.postData}: message must be one text of at most ${MAX_COMMUNICATION_BYTES} bytes in UTF-8`);
  }
  return v;
}

function int(v: unknown): number | null {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

export function yabgpRouter(running: RunningApp): Router {
  const r = express.Router();
  const get = (path: string, access: Access, fn: Handler) => r.get(path, peerRoute(running, access, fn));
  const post = (path: string, access: Access, fn: Handler) => r.post(path, peerRoute(running, access, fn));

  r.get('/', (_req, res) => { res.json(VERSION); });

  get('/peer/:ip/state', 'read', ({ found }) => stateView(found));
  get('/peer/:ip/version/send', 'read', ({ found }) => versionView(found.versions.send));
  get('/peer/:ip/version/received', 'read', ({ found }) => versionView(found.versions.received));
  get('/peer/:ip/statistic', 'read', ({ found }) => statisticView(found.statistics));

  // Refusals ('peer already established', 'Idle Hold, please wait') come back as CONFLICT: 200, status false.
  get('/peer/:ip/manual-start', 'write', async (c) => {
    await c.gql(DOCS.start);
    return { status: true };
  });
  get('/peer/:ip/manual-stop', 'write', async (c) => {
    // Cease, administrative shutdown (RFC 4486 subcode 2); PeerGate's `?message=` is its shutdown communication (RFC 9003).
    await c.gql(DOCS.stop, { communication: shutdownMessage(c.req.query.message) ?? null });
    return { status: true };
  });

  post('/peer/:ip/send/route-refresh', 'write', async (c) => {
    const body = await c.body();
    established(c);
    const b = (body ?? {}) as Record<string, unknown>;
    const afi = int(b.afi);
    const safi = int(b.safi);
    const res = b.res === undefined || b.res === null ? 0 : int(b.res);
    if (!afi || !safi || res === null || afi > 65535 || safi > 255 || res > 255) throw refusal(CODES.postData);
    await c.gql(DOCS.refresh, { afi, safi, subtype: res });
    return { status: true };
  });

  post('/peer/:ip/send/update', 'write', async (c) => {
    const body = await c.body();
    updateSpec(body);
    established(c);
    const b = body as Record<string, unknown>;
    // bgp-core's encoder complaints (400) name the attribute; a family not negotiated is a refusal (CONFLICT).
    await c.gql(DOCS.update, { attributes: b.attr ?? null, nlri: b.nlri ?? [], withdraw: b.withdraw ?? [] });
    return { status: true };
  });

  post('/peer/:ip/json_to_bin', 'read', async (c) => {
    const spec = updateSpec(await c.body());
    const neg = c.found.negotiated;
    // Encoded as given (yabgp's json_to_bin), in the session's AS width; several UPDATEs back to back when it must split.
    try {
      const msgs = buildUpdates(spec, { as4: neg?.as4 ?? true, maxLength: neg?.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN });
      return { bin: Buffer.concat(msgs).toString('hex') };
    } catch (e) {
      throw encodeFailure(e);
    }
  });

  post('/peer/:ip/send/bin_update', 'write', async (c) => {
    const hex = binaryData(await c.body());
    established(c);
    await c.gql(DOCS.raw, { hex });
    return { status: true };
  });

  const rib = (dir: 'in' | 'out'): Handler => async (c) => {
    const family = ribFamily(c.req.query.afi_safi);
    const body = await c.body();
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data) || data.some((x) => typeof x !== 'string')) throw new YabgpError(400, `${CODES.postData}: data must be a list of prefixes or addresses`);
    const queries = data as string[];
    checkLookups(family, queries);
    const found = await c.gql<{ bgpRouteLookup: ({ prefix: string; attributes: unknown } | null)[] }>(DOCS.lookup, { queries, rib: dir });
    return { status: true, data: ribAnswers(queries, found.bgpRouteLookup) };
  };
  post('/peer/:ip/adj-rib-in', 'read', rib('in'));
  post('/peer/:ip/adj-rib-out', 'read', rib('out'));

  // Anything else under /v1 is yabgp's 404, in its body shape.
  r.use((_req, res) => { res.status(404).json({ status: false, code: 'not found' }); });
  return r;
}

export function mountYabgp(app: Express, running: RunningApp): void {
  // The API root lists v1; a browser asking for HTML falls through to whatever serves `/`.
  app.get('/', (req, res, next) => {
    if (wantsHtml(req)) { next(); return; }
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    res.json({ versions: { values: [{ id: 'v1', links: `${base}/v1`, status: 'stable' }] } });
  });
  app.use('/v1', yabgpRouter(running));
}
