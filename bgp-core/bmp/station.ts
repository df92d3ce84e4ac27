// A BMP station (RFC 7854 §3.2: the monitoring station listens, routers connect to it).
// Any number of routers; each connection has its own framer and state, and a malformed
// message closes only that router's connection.
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { AttrPool } from '../rib';
import { canonicalAddress } from '../speaker';
import { BMP_MAX_MESSAGE_LEN, BmpError, BmpFramer, BmpMessage, BmpType, decodeBmpMessage } from './codec';
import { BmpPeer, BmpRouter, peerKeyOf } from './state';

export interface BmpStationOptions {
  listen: { address: string; port: number };
  maxMessageLength?: number;
  /** Peers one router may report; more closes its connection (a guard against a runaway sender). */
  maxPeersPerRouter?: number;
}

export interface BmpStationEvents {
  routerUp: [BmpRouter];
  /** Connection gone: `reason` says why (closed by the router, malformed message, station stopped). */
  routerDown: [BmpRouter, string];
  initiation: [BmpRouter];
  termination: [BmpRouter];
  peerUp: [BmpRouter, BmpPeer];
  peerDown: [BmpRouter, BmpPeer];
  statistics: [BmpRouter, BmpPeer];
  routes: [BmpRouter, BmpPeer];
}

export class BmpStation extends EventEmitter<BmpStationEvents> {
  private server: net.Server | null = null;
  private readonly sockets = new Map<string, net.Socket>();
  private readonly live = new Map<string, BmpRouter>();
  /** Attribute sets shared by every peer of every router. */
  readonly pool = new AttrPool();

  constructor(private readonly opts: BmpStationOptions) {
    super();
  }

  async start(): Promise<void> {
    const server = net.createServer((sock) => this.accept(sock));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.opts.listen.address, port: this.opts.listen.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  /** The bound address (the port when 0 was asked for). */
  address(): net.AddressInfo | null {
    return (this.server?.address() as net.AddressInfo | null) ?? null;
  }

  routers(): BmpRouter[] {
    return [...this.live.values()];
  }

  /** Closes one router's connection (it will usually reconnect and send its state again). */
  disconnect(routerId: string, reason = 'closed by the station'): boolean {
    const sock = this.sockets.get(routerId);
    if (!sock) return false;
    this.drop(routerId, sock, reason);
    return true;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const [id, sock] of this.sockets) this.drop(id, sock, 'station stopped');
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(sock: net.Socket): void {
    const address = canonicalAddress(sock.remoteAddress);
    const port = sock.remotePort ?? 0;
    const id = `${address}:${port}`;
    const router = new BmpRouter(id, address, port);
    this.sockets.set(id, sock);
    this.live.set(id, router);
    sock.setNoDelay(true);
    sock.setKeepAlive(true, 30_000);
    const framer = new BmpFramer((msg) => this.handle(router, msg), this.opts.maxMessageLength ?? BMP_MAX_MESSAGE_LEN);
    sock.on('data', (chunk: Buffer) => {
      try {
        framer.push(chunk);
      } catch (e) {
        const why = e instanceof BmpError ? `malformed message (${e.kind}): ${e.message}` : `internal error: ${(e as Error).message}`;
        this.drop(id, sock, why);
      }
    });
    sock.on('error', (e) => this.drop(id, sock, `connection error: ${e.message}`));
    sock.on('close', () => this.drop(id, sock, router.termination ? 'terminated by the router' : 'connection closed by the router'));
    this.emit('routerUp', router);
  }

  /** Forgets a router once, whatever ended its connection first. */
  private drop(id: string, sock: net.Socket, reason: string): void {
    const router = this.live.get(id);
    if (!router || this.sockets.get(id) !== sock) return;
    this.live.delete(id);
    this.sockets.delete(id);
    sock.destroy();
    this.emit('routerDown', router, reason);
    router.clear();
  }

  private handle(router: BmpRouter, buf: Buffer): void {
    const m = decodeBmpMessage(buf, {
      maxLength: this.opts.maxMessageLength ?? BMP_MAX_MESSAGE_LEN,
      addPath: (h) => router.peers.get(peerKeyOf(h))?.addPathFor(h) ?? null,
    });
    router.count(m.type);
    this.apply(router, m);
  }

  private peer(router: BmpRouter, m: Exclude<BmpMessage, { type: BmpType.INITIATION | BmpType.TERMINATION }>): BmpPeer {
    const key = peerKeyOf(m.peer);
    let p = router.peers.get(key);
    if (!p) {
      const max = this.opts.maxPeersPerRouter ?? 100_000;
      if (router.peers.size >= max) throw new BmpError('value', `more than ${max} peers on one router`);
      p = new BmpPeer(key, m.peer, this.pool);
      router.peers.set(key, p);
    }
    return p;
  }

  private apply(router: BmpRouter, m: BmpMessage): void {
    const now = new Date();
    switch (m.type) {
      case BmpType.INITIATION:
        router.initiated = true;
        router.sysName = m.sysName;
        router.sysDescr = m.sysDescr;
        this.emit('initiation', router);
        return;
      case BmpType.TERMINATION:
        router.termination = { reason: m.reason, strings: m.strings };
        this.emit('termination', router);
        return;
      case BmpType.PEER_UP: {
        const p = this.peer(router, m);
        p.peerUp(m, now);
        this.emit('peerUp', router, p);
        return;
      }
      case BmpType.PEER_DOWN: {
        const p = this.peer(router, m);
        p.peerDown(m, now);
        this.emit('peerDown', router, p);
        return;
      }
      case BmpType.STATISTICS_REPORT: {
        const p = this.peer(router, m);
        p.statistics(m, now);
        this.emit('statistics', router, p);
        return;
      }
      case BmpType.ROUTE_MONITORING: {
        const p = this.peer(router, m);
        p.routeMonitoring(m);
        this.emit('routes', router, p);
        return;
      }
      case BmpType.ROUTE_MIRRORING:
        router.mirrored++;
        return;
    }
  }
}
