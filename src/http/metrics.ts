// Prometheus metrics: HTTP and GraphQL latency, database pool, BGP sessions per peer.
//
// Names: the default process and Node.js metrics keep their standard names
// (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, ...) so the usual dashboards
// work; PeerGate's own series are prefixed `peergate_`. Every label has a bounded set of
// values: HTTP requests are labelled by the route pattern that answered them (or
// `unmatched`), GraphQL operations by a name from a capped set (then `other`), BGP peers
// by the configured sessions only.
import { Registry, Histogram, Gauge, Counter, collectDefaultMetrics } from 'prom-client';
import type { Request, Response, NextFunction } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One running BGP peer as the metrics see it (what the worker's peer info holds). */
export interface BgpPeerSample {
  /** PeerGate's router (the speaker that runs the session). */
  routerId: number | string;
  /** `direct` or `ixp`. */
  sessionType: string;
  sessionId: number | string;
  remoteAddress: string;
  remoteAs: number;
  /** FSM state, any case: idle, connect, active, opensent, openconfirm, established. */
  state: string;
  uptimeSeconds: number;
  /** Per address family (ipv4, ipv6). */
  received: Record<string, number>;
  advertised: Record<string, number>;
  /** Per message type (bgp-core's names: open, update, keepalive, notification, routeRefresh). */
  messagesIn: Record<string, number>;
  messagesOut: Record<string, number>;
}

/** Event-loop delay over a window, in milliseconds. */
export interface LoopDelaySample { p50: number; p99: number; max: number }

export interface MetricsOptions {
  /** The BGP peers this process runs, read at every scrape (none when absent). */
  bgpPeers?: () => BgpPeerSample[];
  /** The BGP speaker thread's event-loop delay since the previous scrape (null when no speaker thread runs). */
  bgpLoopDelay?: () => Promise<LoopDelaySample | null>;
  /** Distinct GraphQL operation names labelled before the rest count as `other` (default 100). */
  operationNameCap?: number;
}

export const BGP_STATES = ['idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'] as const;
const MESSAGE_TYPES: Record<string, string> = { open: 'open', update: 'update', keepalive: 'keepalive', notification: 'notification', routeRefresh: 'route_refresh' };
const PEER_LABELS = ['router_id', 'session_type', 'session_id', 'remote_address', 'remote_as'] as const;
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Names first seen are kept up to a cap; later new names are `other`. */
export class BoundedNames {
  private seen = new Set<string>();
  constructor(private cap: number, private overflow = 'other') {}
  label(name: string): string {
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.cap) return this.overflow;
    this.seen.add(name);
    return name;
  }
}

/** A GraphQL operation name as a label: the resolved operation's own name (a GraphQL Name), or `anonymous`. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'peergate_http_request_duration_seconds', help: 'HTTP request latency, by the route pattern that answered (or unmatched)',
    labelNames: ['method', 'route', 'status'], buckets: BUCKETS, registers: [this.registry],
  });
  readonly graphqlDuration = new Histogram({
    name: 'peergate_graphql_operation_duration_seconds', help: 'GraphQL operation latency (HTTP), by operation type, name (first names seen, then other) and outcome',
    labelNames: ['type', 'name', 'outcome'], buckets: BUCKETS, registers: [this.registry],
  });
  readonly subscriptionExecutions = new Counter({
    name: 'peergate_subscription_executions_total',
    help: 'Subscription events per subscriber: executed, or shared (the result executed for another subscriber with the same document, variables and rights)',
    labelNames: ['result'], registers: [this.registry],
  });
  readonly subscriptionGroups = new Gauge({
    name: 'peergate_subscription_groups',
    help: 'Subscription fan-out groups: subscribers with the same document, variables and rights, served by one bus listener, one execution and one serialization per event',
    registers: [this.registry],
  });
  readonly dbPool = new Gauge({ name: 'peergate_db_pool_connections', help: 'Database pool connections by state', labelNames: ['state'], registers: [this.registry] });
  private readonly operationNames: BoundedNames;
  private readonly bgpPeers: () => BgpPeerSample[];
  private bgpCache: { at: number; peers: BgpPeerSample[] } | null = null;

  constructor(opts: MetricsOptions = {}) {
    collectDefaultMetrics({ register: this.registry });
    this.operationNames = new BoundedNames(opts.operationNameCap ?? 100);
    this.bgpPeers = opts.bgpPeers ?? (() => []);
    this.registerBgp();
    this.registerLoopDelay(opts.bgpLoopDelay ?? (async () => null));
  }

  /**
   * Event-loop delay of this (the request) thread and of the BGP speaker thread, measured alike
   * (perf_hooks.monitorEventLoopDelay, 1 ms resolution) over the time since the previous scrape,
   * so the two can be compared: request load shows on `main`, and must not on `bgp`.
   * Measuring starts at the first scrape.
   */
  private registerLoopDelay(bgp: () => Promise<LoopDelaySample | null>): void {
    let main: ReturnType<typeof monitorEventLoopDelay> | null = null;
    new Gauge({
      name: 'peergate_eventloop_delay_seconds', help: 'Event-loop delay since the previous scrape (1 ms resolution), by loop (main: requests; bgp: the speaker thread) and statistic (p50, p99, max)',
      labelNames: ['loop', 'stat'], registers: [this.registry],
      async collect() {
        this.reset();
        if (!main) {
          main = monitorEventLoopDelay({ resolution: 1 });
          main.enable();
        }
        const put = (loop: string, d: LoopDelaySample) => { for (const stat of ['p50', 'p99', 'max'] as const) this.set({ loop, stat }, d[stat] / 1000); };
        put('main', { p50: main.percentile(50) / 1e6, p99: main.percentile(99) / 1e6, max: main.max / 1e6 });
        main.reset();
        const b = await bgp().catch(() => null);
        if (b) put('bgp', b);
      },
    });
  }

  /** The `name` label of a GraphQL operation: bounded (first names seen up to the cap, then `other`). */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!GRAPHQL_NAME.test(name)) return 'other';
    return this.operationNames.label(name);
  }

  /** One read of the worker's peers per scrape (each BGP metric's collect asks for it). */
  private peers(): BgpPeerSample[] {
    const now = Date.now();
    if (!this.bgpCache || now - this.bgpCache.at > 200) {
      let peers: BgpPeerSample[] = [];
      try { peers = this.bgpPeers(); } catch { peers = []; }
      this.bgpCache = { at: now, peers };
    }
    return this.bgpCache.peers;
  }

  /** Per-peer series as BGP exporters have them, read from the worker at scrape time. */
  private registerBgp(): void {
    const self = this;
    const labelsOf = (p: BgpPeerSample) => ({
      router_id: String(p.routerId), session_type: p.sessionType, session_id: String(p.sessionId),
      remote_address: p.remoteAddress, remote_as: String(p.remoteAs),
    });
    const registers = [this.registry];
    new Gauge({
      name: 'peergate_bgp_sessions', help: 'BGP sessions this process runs, by FSM state', labelNames: ['state'], registers,
      collect() {
        this.reset();
        for (const s of BGP_STATES) this.set({ state: s }, 0);
        for (const p of self.peers()) { const s = p.state.toLowerCase(); if ((BGP_STATES as readonly string[]).includes(s)) this.inc({ state: s }); }
      },
    });
    new Gauge({
      name: 'peergate_bgp_peer_up', help: '1 when the BGP session is Established, else 0', labelNames: PEER_LABELS, registers,
      collect() { this.reset(); for (const p of self.peers()) this.set(labelsOf(p), p.state.toLowerCase() === 'established' ? 1 : 0); },
    });
    new Gauge({
      name: 'peergate_bgp_peer_state', help: 'BGP FSM state of the session: 1 for the current state, 0 for the others',
      labelNames: [...PEER_LABELS, 'state'], registers,
      collect() {
        this.reset();
        for (const p of self.peers()) for (const s of BGP_STATES) this.set({ ...labelsOf(p), state: s }, p.state.toLowerCase() === s ? 1 : 0);
      },
    });
    new Gauge({
      name: 'peergate_bgp_peer_uptime_seconds', help: 'Seconds since the session was Established (0 when it is not)', labelNames: PEER_LABELS, registers,
      collect() { this.reset(); for (const p of self.peers()) this.set(labelsOf(p), p.uptimeSeconds); },
    });
    const prefixes = (name: string, help: string, pick: (p: BgpPeerSample) => Record<string, number>) => new Gauge({
      name, help, labelNames: [...PEER_LABELS, 'family'], registers,
      collect() { this.reset(); for (const p of self.peers()) for (const [family, n] of Object.entries(pick(p))) this.set({ ...labelsOf(p), family }, n); },
    });
    prefixes('peergate_bgp_peer_prefixes_received', 'Prefixes received from the peer (Adj-RIB-In), by address family', (p) => p.received);
    prefixes('peergate_bgp_peer_prefixes_advertised', 'Prefixes advertised to the peer, by address family', (p) => p.advertised);
    const messages = (name: string, help: string, pick: (p: BgpPeerSample) => Record<string, number>) => new Counter({
      name, help, labelNames: [...PEER_LABELS, 'type'], registers,
      collect() {
        this.reset();
        for (const p of self.peers()) for (const [kind, n] of Object.entries(pick(p))) {
          const type = MESSAGE_TYPES[kind];
          if (type) this.inc({ ...labelsOf(p), type }, n);
        }
      },
    });
    messages('peergate_bgp_peer_messages_received_total', 'BGP messages received from the peer, by type (open, update, keepalive, notification, route_refresh)', (p) => p.messagesIn);
    messages('peergate_bgp_peer_messages_sent_total', 'BGP messages sent to the peer, by type (open, update, keepalive, notification, route_refresh)', (p) => p.messagesOut);
  }

  /** Times every HTTP request, labelled by its route pattern (never by ids or unknown paths). */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const end = this.httpDuration.startTimer();
      res.on('finish', () => end({ method: methodLabel(req.method), route: routePattern(req, res.statusCode), status: String(res.statusCode) }));
      next();
    };
  }
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Node accepts about 35 methods; the unusual ones share one label. */
export const methodLabel = (m: string): string => (METHODS.has(m) ? m : 'other');

/** Routes express answers itself with a fixed path. */
const EXACT = new Set(['/graphql', '/healthz', '/readyz', '/metrics', '/']);

/**
 * The route pattern that answered a request, for labels and logs: express's matched route
 * when one matched (`/healthz`, `/v1/peer/:peer_ip/state`, `/graphiql/:asset`), else the
 * shape of the dialect path under its mount (`/api/:app/:model/:id/`, `/pdb/api/:tag`, ...),
 * and `unmatched` for anything not found (404) or outside every mount. Never an id, never
 * a path a client made up: the set of values is fixed.
 */
export function routePattern(req: Pick<Request, 'originalUrl' | 'baseUrl'> & { route?: { path?: unknown } }, status: number): string {
  const routePath = req.route?.path;
  if (typeof routePath === 'string') return `${req.baseUrl ?? ''}${routePath}` || '/';
  const path = (req.originalUrl ?? '/').split('?')[0];
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (trimmed === '/graphql') return '/graphql';
  if (status === 404) return 'unmatched';
  if (EXACT.has(trimmed)) return trimmed;
  const under = (prefix: string, names: string[], slash: boolean): string | null => {
    if (trimmed !== prefix && !trimmed.startsWith(`${prefix}/`)) return null;
    const n = trimmed.split('/').filter(Boolean).length - prefix.split('/').filter(Boolean).length;
    if (n > names.length) return 'unmatched';
    return `${[prefix, ...names.slice(0, n)].join('/')}${slash ? '/' : ''}`;
  };
  return under('/api', [':app', ':model', ':id', ':action'], true)
    ?? under('/pdb/api', [':tag', ':id'], false)
    ?? under('/nsot/api', [':resource', ':id', ':child', ':child_id'], true)
    ?? (trimmed.startsWith('/dashboard/') ? '/dashboard/:asset' : null)
    ?? 'unmatched';
}

/**
 * METRICS_TOKEN: `Authorization: Bearer <token>` or `Token <token>` (what Prometheus'
 * `authorization` / `bearer_token` settings send); compared in constant time.
 */
export function metricsAuthorized(authorization: string | undefined, token: string): boolean {
  const m = /^(?:Bearer|Token)\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!m) return false;
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(m[1]), digest(token));
}
