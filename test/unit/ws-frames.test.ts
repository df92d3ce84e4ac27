// Ready-made `next` frames (src/http/ws-frames.ts) as a real ws client reads them: every length
// class of RFC 6455's header, ids with characters JSON escapes, interleaved with ws's own sends.
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { nextFrames, nextMessage, rawSocket } from '../../src/http/ws-frames';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('next frames', () => {
  let wss: WebSocketServer;
  let server: WebSocket;
  let client: WebSocket;
  const got: { text: string; binary: boolean }[] = [];

  beforeEach(async () => {
    got.length = 0;
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    const accepted = new Promise<WebSocket>((r) => wss.once('connection', r));
    client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    client.on('message', (m, binary) => got.push({ text: m.toString(), binary }));
    await new Promise((r) => client.once('open', r));
    server = await accepted;
  });
  afterEach(async () => {
    client.terminate();
    await new Promise((r) => wss.close(r));
  });

  test('a client reads each frame as the text message graphql-ws would send, in order with ws\'s own', async () => {
    const payloads = [10, 125, 126, 65535, 65536, 200_000].map((n) => Buffer.from(JSON.stringify({ data: { s: 'x'.repeat(n) } })));
    const id = 'id "with" \\ quotes \u00e9';
    const tcp = rawSocket(server);
    expect(tcp).not.toBeNull();
    server.send('before');
    tcp!.write(nextFrames(id, payloads));
    server.send('after');
    for (let n = 0; n < 100 && got.length < payloads.length + 2; n++) await sleep(20);
    expect(got.map((m) => m.binary)).toEqual(Array(payloads.length + 2).fill(false));
    expect(got[0].text).toBe('before');
    expect(got[got.length - 1].text).toBe('after');
    const messages = got.slice(1, -1).map((m) => JSON.parse(m.text));
    expect(messages.map((m) => m.id)).toEqual(Array(payloads.length).fill(id));
    expect(messages.map((m) => m.type)).toEqual(Array(payloads.length).fill('next'));
    expect(messages.map((m) => JSON.stringify(m.payload))).toEqual(payloads.map((p) => p.toString()));
    // The same text as the message sent without ready frames.
    expect(got[1].text).toBe(nextMessage(id, payloads[0]));
    expect(got[1].text).toBe(JSON.stringify({ id, type: 'next', payload: JSON.parse(payloads[0].toString()) }));
  });

  test('no raw socket once the connection is closing', async () => {
    server.close();
    expect(rawSocket(server)).toBeNull();
  });
});
