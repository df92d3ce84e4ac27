// A session's TCP side: dialing out, accepting in, framing, writing, closing, and the RFC 4271
// §6.8 connection collision (two connections to one peer until an OPEN decides which stays).
import * as net from 'node:net';
import type { DownReasonKind } from './down-reason';
import type { BgpState } from './fsm';
import type { MessageCounters } from './message-stats';
import { transportKind } from './down-reason';
import { BgpError, MsgType, OpenMessage, StreamFramer, decodeOpen, encodeNotification, parseIPv4 } from './wire';

export interface Connection {
  socket: net.Socket;
  framer: StreamFramer;
  direction: 'in' | 'out';
  open: OpenMessage | null;
  closed: boolean;
}

export interface ConnectionTarget {
  remoteAddress: string;
  remotePort?: number;
  localAddress?: string;
  routerId: string;
  multihopTtl?: number;
}

/** What the session does with what happens on its connections. */
export interface ConnectionHost {
  state(): BgpState;
  /** The main connection is up (TcpConnection_Valid). */
  connected(): void;
  /** Dialing failed, or the main connection went away. */
  failed(reason: string, kind: DownReasonKind, detail: string | null): void;
  /** A message on the main connection. */
  message(c: Connection, type: number, buf: Buffer, start: number, end: number): void;
  /** A framing or decoding error on the main connection. */
  protocolError(err: BgpError): void;
  /** The inbound connection replaced the main one after a collision; its OPEN, if it sent one. */
  promoted(open: OpenMessage | null): void;
  /** Throws the NOTIFICATION's BgpError for an unacceptable OPEN. */
  checkOpen(open: OpenMessage): void;
  ourOpen(): Buffer;
}

export class Connections {
  main: Connection | null = null;
  ttlApplied = false;
  private pendingIn: Connection | null = null;
  private connecting: net.Socket | null = null;

  constructor(
    private readonly target: ConnectionTarget,
    private readonly counters: MessageCounters,
    private readonly host: ConnectionHost,
  ) {}

  dial(): void {
    const t = this.target;
    if (this.connecting) this.connecting.destroy();
    const sock = net.connect({ host: t.remoteAddress, port: t.remotePort ?? 179, localAddress: t.localAddress });
    this.connecting = sock;
    sock.once('connect', () => {
      if (this.connecting !== sock) return;
      this.connecting = null;
      sock.removeAllListeners('error');
      this.main = this.attach(sock, 'out');
      this.host.connected();
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      sock.destroy();
      if (this.connecting !== sock) return;
      this.connecting = null;
      const detail = `connect to ${t.remoteAddress}:${t.remotePort ?? 179} failed: ${err.code ?? err.message}`;
      this.host.failed(`connection failed (${err.code ?? err.message})`, transportKind(err.code), detail);
    });
  }

  /** A connection from this peer's address, in session state `st`. */
  accept(socket: net.Socket, disposed: boolean): void {
    const st = this.host.state();
    if (disposed || st === 'IDLE') {
      socket.destroy();
      return;
    }
    if (st === 'CONNECT' || st === 'ACTIVE') {
      if (this.connecting) {
        this.connecting.destroy();
        this.connecting = null;
      }
      this.main = this.attach(socket, 'in');
      this.host.connected();
      return;
    }
    if ((st === 'OPENSENT' || st === 'OPENCONFIRM') && !this.pendingIn && this.main?.direction === 'out') {
      // Possible collision: run OPEN on the new connection; resolve when an OPEN tells us the peer's id.
      const c = this.attach(socket, 'in');
      this.pendingIn = c;
      this.write(c, this.host.ourOpen(), MsgType.OPEN);
      return;
    }
    // Established (or a second inbound attempt): keep the existing session (RFC 4271 §6.8).
    const c = this.attach(socket, 'in');
    this.close(c, encodeNotification(6, 7));
  }

  /** Writes on the main connection; false when there is none. */
  send(msg: Buffer, type: number): boolean {
    if (!this.main) return false;
    this.write(this.main, msg, type);
    return true;
  }

  close(c: Connection, notification?: Buffer): void {
    if (c.closed) return;
    if (notification) this.write(c, notification, MsgType.NOTIFICATION);
    c.closed = true;
    c.socket.end();
    // Give the NOTIFICATION a moment to flush, then make sure the socket is gone.
    const t = setTimeout(() => c.socket.destroy(), 1000);
    t.unref();
  }

  dropAll(): void {
    if (this.connecting) {
      this.connecting.destroy();
      this.connecting = null;
    }
    if (this.main) this.close(this.main);
    if (this.pendingIn) this.close(this.pendingIn);
    this.main = null;
    this.pendingIn = null;
  }

  /**
   * An OPEN arrived on the main connection: with an inbound connection pending, the collision is
   * resolved now. True when `c` is still the main connection.
   */
  openOnMain(c: Connection, open: OpenMessage): boolean {
    c.open = open;
    if (this.pendingIn) this.resolveCollision(open.bgpId);
    return this.main === c;
  }

  private attach(socket: net.Socket, direction: 'in' | 'out'): Connection {
    socket.setNoDelay(true);
    const ttl = this.target.multihopTtl;
    if (ttl !== undefined) {
      // net.Socket has no TTL setter in Node; use one if a runtime provides it.
      const s = socket as unknown as { setTTL?: (n: number) => void };
      if (typeof s.setTTL === 'function') {
        s.setTTL(ttl);
        this.ttlApplied = true;
      }
    }
    const conn: Connection = {
      socket,
      direction,
      open: null,
      closed: false,
      framer: new StreamFramer((type, buf, start, end) => this.onMessage(conn, type, buf, start, end)),
    };
    socket.on('data', (chunk: Buffer) => {
      if (conn.closed) return;
      try {
        conn.framer.push(chunk);
      } catch (e) {
        this.onProtocolError(conn, e);
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => this.onClosed(conn, `socket error: ${err.code ?? err.message}`, transportKind(err.code)));
    socket.on('close', () => this.onClosed(conn, 'connection closed by peer', 'CONNECTION_CLOSED'));
    return conn;
  }

  private write(c: Connection, msg: Buffer, type: number): void {
    if (c.closed) return;
    c.socket.write(msg);
    this.counters.sent(type);
  }

  private onMessage(c: Connection, type: number, buf: Buffer, start: number, end: number): void {
    if (c.closed) return;
    this.counters.received(type);
    if (c === this.pendingIn) {
      this.onPendingMessage(c, type, buf, start, end);
      return;
    }
    if (c !== this.main) return;
    this.host.message(c, type, buf, start, end);
  }

  private onPendingMessage(c: Connection, type: number, buf: Buffer, start: number, end: number): void {
    if (this.host.state() === 'ESTABLISHED') {
      // A session is up: the newcomer loses whatever its identifier (RFC 4271 §6.8).
      this.close(c, encodeNotification(6, 7));
      this.pendingIn = null;
      return;
    }
    if (type === MsgType.OPEN) {
      const open = decodeOpen(buf, start, end);
      this.host.checkOpen(open);
      c.open = open;
      this.resolveCollision(open.bgpId);
    } else if (type === MsgType.NOTIFICATION) {
      this.close(c);
      this.pendingIn = null;
    }
  }

  /** RFC 4271 §6.8: keep the connection opened by the speaker with the higher BGP identifier. */
  private resolveCollision(remoteId: number): void {
    const pending = this.pendingIn;
    const main = this.main;
    if (!pending || !main) return;
    const localId = parseIPv4(this.target.routerId);
    if (localId < remoteId >>> 0 && main.direction === 'out') {
      this.close(main, encodeNotification(6, 7));
      this.main = null;
      this.promotePending();
    } else {
      this.close(pending, encodeNotification(6, 7));
      this.pendingIn = null;
    }
  }

  private promotePending(): void {
    const p = this.pendingIn as Connection;
    this.pendingIn = null;
    this.main = p;
    this.host.promoted(p.open);
  }

  private onProtocolError(c: Connection, e: unknown): void {
    const err = e instanceof BgpError ? e : new BgpError(6, 0, Buffer.alloc(0), String((e as Error)?.message ?? e));
    if (c !== this.main) {
      this.close(c, encodeNotification(err.code, err.subcode, err.data));
      if (c === this.pendingIn) this.pendingIn = null;
      return;
    }
    this.host.protocolError(err);
  }

  private onClosed(c: Connection, reason: string, kind: DownReasonKind): void {
    if (c.closed) return;
    c.closed = true;
    c.socket.destroy();
    if (c === this.pendingIn) {
      this.pendingIn = null;
      return;
    }
    if (c !== this.main) return;
    this.main = null;
    if (this.pendingIn && this.host.state() === 'OPENSENT') {
      // Our connection lost the race on the peer's side; carry on with the inbound one.
      this.promotePending();
      return;
    }
    this.host.failed(reason, kind, null);
  }
}
