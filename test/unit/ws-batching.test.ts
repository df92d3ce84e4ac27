// Batched WebSocket writes: every message arrives, in order, and a reader that stops reading
// holds the sender back once HIGH_WATER bytes are queued (its sends stop completing).
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { batchWrites, HIGH_WATER } from '../../src/http/ws-batching';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('batchWrites', () => {
  let wss: WebSocketServer;
  let server: WebSocket;
  let client: WebSocket;
  const got: string[] = [];

  beforeEach(async () => {
    got.length = 0;
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    const accepted = new Promise<WebSocket>((r) => wss.once('connection', (ws) => { batchWrites(ws); r(ws); }));
    client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    client.on('message', (m) => got.push(m.toString()));
    await new Promise((r) => client.once('open', r));
    server = await accepted;
  });
  afterEach(async () => {
    client.terminate();
    await new Promise((r) => wss.close(r));
  });

  test('messages sent in one turn all arrive, in order, and their sends complete', async () => {
    let done = 0;
    for (let i = 0; i < 500; i++) server.send(`m${i}`, () => { done++; });
    server.send('last');
    for (let n = 0; n < 100 && got.length < 501; n++) await sleep(20);
    expect(got).toEqual([...Array.from({ length: 500 }, (_, i) => `m${i}`), 'last']);
    expect(done).toBe(500);
  });

  test('a reader that stops reading holds its sender back past the high-water mark', async () => {
    const raw = (client as unknown as { _socket: import('node:net').Socket })._socket;
    raw.pause();
    const chunk = 'x'.repeat(64 * 1024);
    const count = Math.ceil((8 * HIGH_WATER) / chunk.length);
    let done = 0;
    for (let i = 0; i < count; i++) {
      server.send(chunk, () => { done++; });
      // Let writes reach the kernel until its buffers are full too.
      if (i % 8 === 7) await sleep(5);
    }
    await sleep(200);
    expect(done).toBeLessThan(count);
    expect(server.bufferedAmount).toBeGreaterThanOrEqual(HIGH_WATER);
    raw.resume();
    for (let n = 0; n < 200 && (got.length < count || done < count); n++) await sleep(20);
    expect(got.length).toBe(count);
    expect(done).toBe(count);
  });
});
