// Hostile GraphQL documents and transports (issue 12, "bounded work per request"), shared by
// test/integration/graphql-limits.test.ts and bench/dos/graphql.ts.
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/** 23 fragments, each spreading the next twice: 2^23 fields in under 900 bytes. */
export function fragmentBomb(levels = 23): string {
  const frags = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query{...F${i + 1} ...F${i + 1}}`).join('\n');
  return `{...F0}\n${frags}\nfragment F${levels} on Query{__typename}`;
}

/** n aliased lists whose `items` sit inside a fragment. */
export function listsInFragments(n: number): string {
  return `{${Array.from({ length: n }, (_, i) => `a${i}:autonomousSystems{...P}`).join(' ')}} fragment P on AutonomousSystemList{items{id}}`;
}

/** n aliased introspection dumps. */
export function introspectionAliases(n: number): string {
  return `{${Array.from({ length: n }, (_, i) => `a${i}:__schema{types{fields{name}}}`).join(' ')}}`;
}

/** n aliased small lists (HTTP refuses these; graphql-ws used to run them). */
export function aliasedLists(n: number): string {
  return `{${Array.from({ length: n }, (_, i) => `a${i}:autonomousSystems{totalCount}`).join(' ')}}`;
}

/** About `bytes` of document: aliased __typename, one token pair per alias. */
export function hugeDocument(bytes: number): string {
  const one = 'a:__typename ';
  return `{${one.repeat(Math.ceil(bytes / one.length))}}`;
}

/** POST /graphql without credentials; the status, the first error code and the time taken. */
export async function postGraphql(url: string, query: string, headers: Record<string, string> = {}): Promise<{ status: number; code: string | undefined; ms: number; body: any }> {
  const started = performance.now();
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers }, body: JSON.stringify({ query }) });
  const text = await res.text();
  let body: any;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, code: body?.errors?.[0]?.extensions?.code, ms: performance.now() - started, body };
}

/** One operation over graphql-ws: the first error code, or 'ok' with data. */
export function wsOperation(url: string, query: string, connectionParams: Record<string, unknown> = {}): Promise<{ code: string; closeCode?: number; data?: unknown }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const done = (r: { code: string; closeCode?: number; data?: unknown }) => { resolve(r); ws.close(); };
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw));
      if (m.type === 'connection_ack') ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
      else if (m.type === 'error') done({ code: m.payload?.[0]?.extensions?.code ?? 'ERROR' });
      else if (m.type === 'next') done({ code: m.payload?.errors?.[0]?.extensions?.code ?? 'ok', data: m.payload?.data });
    });
    ws.on('close', (closeCode) => resolve({ code: 'closed', closeCode }));
    ws.on('error', () => undefined);
  });
}

/**
 * A WebSocket upgrade, then one masked text frame that announces `bytes` of payload and
 * streams it in 1 MiB chunks (the same chunk each time, so the sender stays small): a
 * connection_init a server without maxPayload buffers in full before reading it.
 * Resolves with the close code the server sent (1009: message too big) and whether it
 * ever answered with a message.
 */
export function floodConnectionInit(url: string, bytes: number): Promise<{ closeCode: number | null; answered: boolean; sent: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const sock = connect(Number(port), hostname);
    let sent = 0;
    let buf = Buffer.alloc(0);
    let upgraded = false;
    let answered = false;
    let closeCode: number | null = null;
    const finish = () => { sock.destroy(); resolve({ closeCode, answered, sent }); };
    sock.on('connect', () => {
      sock.write(`GET /graphql HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
        + `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n`);
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!/^HTTP\/1\.1 101/.test(buf.toString('latin1', 0, end))) return finish();
        upgraded = true;
        buf = buf.subarray(end + 4);
        void stream();
      }
      // Server frames are unmasked: opcode 0x8 is close, its first two payload bytes the code.
      while (buf.length >= 2) {
        const opcode = buf[0] & 0x0f;
        const len = buf[1] & 0x7f;
        if (len > 125 || buf.length < 2 + len) break;
        if (opcode === 0x8) { closeCode = len >= 2 ? buf.readUInt16BE(2) : 1005; return finish(); }
        answered = true;
        buf = buf.subarray(2 + len);
      }
    });
    sock.on('error', () => finish());
    sock.on('close', () => finish());
    const chunk = Buffer.alloc(1 << 20, 0x20); // spaces; the mask key is zero so they stay spaces
    const stream = async () => {
      const header = Buffer.alloc(14);
      header[0] = 0x81; header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(bytes), 2);
      // mask key 0,0,0,0 (bytes 10..13)
      sock.write(header);
      sock.write('{"type":"connection_init","payload":{"x":"');
      sent = 44;
      while (sent < bytes && !sock.destroyed && closeCode === null) {
        const n = Math.min(chunk.length, bytes - sent);
        const ok = sock.write(n === chunk.length ? chunk : chunk.subarray(0, n));
        sent += n;
        if (!ok) await new Promise((r) => { sock.once('drain', r); sock.once('close', r); });
      }
    };
  });
}

/** Samples GET /healthz back to back until `until` settles; latencies in ms. */
export async function sampleHealthz(url: string, until: Promise<unknown>): Promise<number[]> {
  let settled = false;
  void until.finally(() => { settled = true; }).catch(() => undefined);
  const out: number[] = [];
  while (!settled) {
    const t = performance.now();
    try { await (await fetch(`${url}/healthz`)).text(); } catch { /* counted by its latency */ }
    out.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 10));
  }
  return out;
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
