// Prometheus metrics: HTTP and GraphQL latency, database pool, BGP sessions and traffic.
import { Registry, Histogram, Gauge, Counter, collectDefaultMetrics } from 'prom-client';
import type { Request, Response, NextFunction } from 'express';

export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'peergate_http_request_duration_seconds', help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry],
  });
  readonly graphqlDuration = new Histogram({
    name: 'peergate_graphql_operation_duration_seconds', help: 'GraphQL operation latency',
    labelNames: ['type', 'name', 'outcome'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry],
  });
  readonly dbPool = new Gauge({ name: 'peergate_db_pool_connections', help: 'Database pool connections by state', labelNames: ['state'], registers: [this.registry] });
  readonly bgpSessions = new Gauge({ name: 'peergate_bgp_sessions', help: 'BGP sessions by state', labelNames: ['state'], registers: [this.registry] });
  readonly bgpMessages = new Counter({ name: 'peergate_bgp_messages_total', help: 'BGP messages', labelNames: ['direction', 'type'], registers: [this.registry] });
  readonly bgpPrefixes = new Gauge({ name: 'peergate_bgp_prefixes', help: 'Prefixes received and advertised over all sessions', labelNames: ['direction'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'peergate_' });
  }

  /** Times every HTTP request, labelled by the first path segments (never by ids). */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const end = this.httpDuration.startTimer();
      // originalUrl: mounted routers rewrite req.path before 'finish'.
      res.on('finish', () => end({ method: req.method, route: routeLabel(req.originalUrl.split('?')[0]), status: String(res.statusCode) }));
      next();
    };
  }
}

/** '/api/peering/autonomous-systems/12/' -> '/api/peering/autonomous-systems/:id/' keeps label cardinality small. */
export function routeLabel(path: string): string {
  return path.split('/').slice(0, 6).map((s) => (/^\d+$/.test(s) || /^[0-9a-f.:]{7,}$/i.test(s) ? ':id' : s)).join('/');
}
