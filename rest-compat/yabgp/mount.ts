// The yabgp dialect at /v1: yabgp's paths, JSON shapes and `{"status": false, "code"}`
// errors over the bgp-core worker of this process. Handlers only translate: bgp-core
// validates, encodes, splits and sends; the worker finds the peer.
import express, { type Express, type Request, type Response, type Router } from 'express';
import { EncodeError, MAX_COMMUNICATION_BYTES, MAX_EXTENDED_MESSAGE_LEN, MAX_MESSAGE_LEN, PeerStateError, buildUpdates } from '../../bgp-core';
import type { RunningApp } from '../../src/http/app';
import { wantsHtml } from '../../src/http/graphiql';
import { logInternalError } from '../../src/log';
import { bodyTooDeep } from '../core/http';
import { yabgpCaller, type Access } from './auth';
import { CODES, YabgpError, refusal, sendError } from './errors';
import { resolvePeer, type YabgpPeer } from './peer';
import { encodeFailure, rawUpdates, updateSpec } from './update';
import { ribFamily, ribLookup, stateView, versionView } from './views';

const VERSION = { status: 'stable', updated: '2015-01-22T00:00:00Z', version: 'v1' } as const;

interface Call { req: Request; res: Response; found: YabgpPeer; body(): Promise<unknown> }
type Handler = (c: Call) => Promise<unknown> | unknown;

/** Reads the body as text and parses it here, so an unparseable body is a yabgp-shaped 400. */
async function readJson(req: Request, res: Response, limit: string): Promise<unknown> {
  const parser = express.text({ type: () => true, limit, defaultCharset: 'utf-8' });
  try {
    await new Promise<void>((resolve, reject) => parser(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
  } catch (e: any) {
    if (e?.type === 'entity.too.large') throw new YabgpError(413, CODES.tooLarge);
    throw new YabgpError(400, `${CODES.postData}: unreadable body`);
  }
  const text = typeof req.body === 'string' ? req.body : '';
  if (!text.trim()) throw new YabgpError(400, `${CODES.postData}: empty body`);
  const tooDeep = bodyTooDeep(text);
  if (tooDeep !== null) throw new YabgpError(400, `${CODES.postData}: JSON nested deeper than ${tooDeep} levels`);
  try { return JSON.parse(text); } catch { throw new YabgpError(400, `${CODES.postData}: malformed JSON`); }
}

/** Refuses (200, as yabgp's makesure_peer_establish) unless the session is Established. */
function established(c: Call): void {
  if (c.found.peer.state !== 'ESTABLISHED' || !c.found.peer.negotiated) throw refusal(CODES.peerState);
}

/** bgp-core's refusals: peer state -> 200, bad input -> 400/200 by kind. */
function fromCore(e: unknown): unknown {
  if (e instanceof PeerStateError) return refusal(e.message);
  if (e instanceof EncodeError) return encodeFailure(e);
  return e;
}

function peerRoute(running: RunningApp, access: Access, fn: Handler) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      const { config } = await yabgpCaller(req, running, access);
      const found = resolvePeer(req);
      const out = await fn({ req, res, found, body: () => readJson(req, res, config.bodyLimit) });
      res.json(out);
    } catch (e0) {
      const e = fromCore(e0);
      if (e instanceof YabgpError) { sendError(res, e); return; }
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

  get('/peer/:ip/state', 'read', ({ found }) => stateView(found.peer.info()));
  get('/peer/:ip/version/send', 'read', ({ found }) => versionView(found.peer.ribOut.versions));
  get('/peer/:ip/version/received', 'read', ({ found }) => versionView(found.peer.ribIn.versions));
  get('/peer/:ip/statistic', 'read', ({ found }) => ({ send: { ...found.peer.stats.send }, receive: { ...found.peer.stats.receive } }));

  get('/peer/:ip/manual-start', 'write', ({ found }) => {
    const r0 = found.speaker.manualStart(found.peer.config.id);
    if (!r0.ok) throw refusal(r0.reason ?? 'peer already established');
    return { status: true };
  });
  get('/peer/:ip/manual-stop', 'write', ({ req, found }) => {
    // Cease, administrative shutdown (RFC 4486 subcode 2); PeerGate's `?message=` is its shutdown communication (RFC 9003).
    found.speaker.manualStop(found.peer.config.id, shutdownMessage(req.query.message));
    return { status: true };
  });

  post('/peer/:ip/send/route-refresh', 'write', async (c) => {
    const body = await c.body();
    established(c);
    const b = (body ?? {}) as Record<string, unknown>;
    const afi = int(b.afi);
    const safi = int(b.safi);
    const res = b.res === undefined || b.res === null ? 0 : int(b.res);
    if (!afi || !safi || res === null) throw refusal(CODES.postData);
    c.found.speaker.routeRefresh(c.found.peer.config.id, afi, safi, res);
    return { status: true };
  });

  post('/peer/:ip/send/update', 'write', async (c) => {
    const spec = updateSpec(await c.body());
    established(c);
    c.found.speaker.announce(c.found.peer.config.id, spec);
    return { status: true };
  });

  post('/peer/:ip/json_to_bin', 'read', async (c) => {
    const spec = updateSpec(await c.body());
    const neg = c.found.peer.negotiated;
    // Encoded as given (yabgp's json_to_bin), in the session's AS width; several UPDATEs back to back when it must split.
    const msgs = buildUpdates(spec, { as4: neg?.as4 ?? true, maxLength: neg?.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN });
    return { bin: Buffer.concat(msgs).toString('hex') };
  });

  post('/peer/:ip/send/bin_update', 'write', async (c) => {
    const body = await c.body();
    established(c);
    const msgs = rawUpdates(body, c.found.peer);
    for (const m of msgs) c.found.speaker.sendRawUpdate(c.found.peer.config.id, m);
    return { status: true };
  });

  const rib = (dir: 'in' | 'out'): Handler => async (c) => {
    const family = ribFamily(c.req.query.afi_safi);
    const body = await c.body();
    const data = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(data) || data.some((x) => typeof x !== 'string')) throw new YabgpError(400, `${CODES.postData}: data must be a list of prefixes or addresses`);
    return { status: true, data: ribLookup(dir === 'in' ? c.found.peer.ribIn : c.found.peer.ribOut, family, data as string[]) };
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
