// The feeder of bench/bgp-table, run as its own process so it never shares a CPU turn with the
// receiver being measured. It encodes the synthetic table once (UPDATEs of up to 4,096 bytes, one
// attribute set per UPDATE group, as routers send them), then listens; every BGP session that
// connects gets OPEN, KEEPALIVE and, once Established, the whole table and an End-of-RIB per family.
// It keeps the session up with keepalives and ignores whatever the receiver sends.
//   started by bench/bgp-table/run.ts: node --import tsx feeder.ts '<json options>'
import * as net from 'node:net';
import {
  MAX_MESSAGE_LEN,
  MsgType,
  StreamFramer,
  buildV4Updates,
  buildV6Updates,
  decodeNotification,
  describeNotification,
  emptyCapabilities,
  encodeAttributes,
  encodeEndOfRib,
  encodeKeepalive,
  encodeOpen,
  ipv6NextHopBytes,
} from '../../bgp-core';
import { type TableOptions, generateTable } from './table';

export interface FeederOptions extends TableOptions {
  address: string;
  port: number;
}

export type FeederReport =
  | { kind: 'ready'; messages: number; bytes: number; groups: number; encodeSeconds: number }
  /** at: epoch milliseconds with sub-millisecond precision (performance.timeOrigin + now()). */
  | { kind: 'established'; address: string; at: number }
  | { kind: 'sent'; peer: string; seconds: number }
  | { kind: 'closed'; peer: string; why: string };

const report = (m: FeederReport): void => {
  process.send?.(m);
};

function encodeTable(o: FeederOptions): { stream: Buffer; messages: number; groups: number } {
  const t = generateTable(o);
  const nh6 = ipv6NextHopBytes(o.v6NextHop);
  const parts: Buffer[] = [];
  for (const g of t.groups) {
    if (g.family === 'ipv4') {
      const attrs = encodeAttributes({ ...g.attrs, nextHop: o.v4NextHop }, { as4: true });
      parts.push(...buildV4Updates(attrs, g.v4, [], MAX_MESSAGE_LEN));
    } else {
      parts.push(...buildV6Updates(encodeAttributes(g.attrs, { as4: true }), nh6, g.v6, [], MAX_MESSAGE_LEN));
    }
  }
  parts.push(encodeEndOfRib(1, 1));
  if (o.v6 > 0) parts.push(encodeEndOfRib(2, 1));
  return { stream: Buffer.concat(parts), messages: parts.length, groups: t.groups.length };
}

function serve(sock: net.Socket, o: FeederOptions, stream: Buffer): void {
  const peer = `${sock.remoteAddress}:${sock.remotePort}`;
  let state: 'open' | 'confirm' | 'established' = 'open';
  let keepalive: NodeJS.Timeout | null = null;
  let closed = false;
  const close = (why: string): void => {
    if (closed) return;
    closed = true;
    if (keepalive) clearInterval(keepalive);
    keepalive = null;
    sock.destroy();
    report({ kind: 'closed', peer, why });
  };
  const caps = emptyCapabilities();
  caps.multiprotocol = o.v6 > 0 ? [[1, 1], [2, 1]] : [[1, 1]];
  caps.routeRefresh = true;
  caps.fourOctetAs = o.feederAs;
  sock.setNoDelay(true);
  sock.write(encodeOpen({ asn: o.feederAs, holdTime: 240, bgpId: o.address, capabilities: caps }));
  const framer = new StreamFramer((type, buf, start, end) => {
    if (type === MsgType.OPEN && state === 'open') {
      state = 'confirm';
      sock.write(encodeKeepalive());
      keepalive = setInterval(() => sock.write(encodeKeepalive()), 60_000);
    } else if (type === MsgType.KEEPALIVE && state === 'confirm') {
      state = 'established';
      const t0 = performance.now();
      report({ kind: 'established', address: sock.remoteAddress ?? '', at: performance.timeOrigin + t0 });
      sock.write(stream, () => report({ kind: 'sent', peer, seconds: (performance.now() - t0) / 1000 }));
    } else if (type === MsgType.NOTIFICATION) {
      close(`NOTIFICATION received: ${describeNotification(decodeNotification(buf, start, end))}`);
    }
  });
  framer.maxLength = 65535;
  sock.on('data', (chunk: Buffer) => {
    try {
      framer.push(chunk);
    } catch (e) {
      close(`bad message: ${(e as Error).message}`);
    }
  });
  sock.on('error', (e) => close(`socket error: ${e.message}`));
  sock.on('close', () => close('connection closed'));
}

function main(): void {
  const o = JSON.parse(process.argv[2]) as FeederOptions;
  const t0 = performance.now();
  const { stream, messages, groups } = encodeTable(o);
  const encodeSeconds = (performance.now() - t0) / 1000;
  const server = net.createServer((sock) => serve(sock, o, stream));
  server.listen({ host: o.address, port: o.port }, () => report({ kind: 'ready', messages, bytes: stream.length, groups, encodeSeconds }));
  process.on('disconnect', () => process.exit(0));
}

main();
