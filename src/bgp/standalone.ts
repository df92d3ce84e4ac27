// `peergate bgp-worker`: a bgp-core worker as its own process. It shares nothing with
// the gateways but PostgreSQL: the data and leases in tables, events and commands
// over LISTEN/NOTIFY (PgBus). It runs only the routers it holds a lease on.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ConfigError, type Config } from '../config';
import { openDatabase } from '../open-database';
import type { Orm } from '../db/orm';
import { PgBus } from '../events/pg-bus';
import { Router } from '../domain/devices/router';
import { BgpWorker } from './worker';
import { LeaseManager } from './lease';
import { logger } from '../log';
import { LocalSpeaker } from './speaker-api/local';
import { processSpeakers } from './speaker-api';

export interface WorkerSettings { workerId: string; leaseSeconds: number }

/** BGP_WORKER_ID (default host:pid:random) and BGP_LEASE_SECONDS (default 15, 2..3600). */
export function workerSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const raw = (env.BGP_LEASE_SECONDS ?? '').trim();
  const leaseSeconds = raw === '' ? 15 : Number(raw);
  if (!/^\d+$/.test(raw || '15') || leaseSeconds < 2 || leaseSeconds > 3600) {
    throw new ConfigError(`BGP_LEASE_SECONDS must be an integer between 2 and 3600, got "${raw}"`);
  }
  const workerId = env.BGP_WORKER_ID?.trim() || `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  return { workerId, leaseSeconds };
}

export interface StandaloneWorker { workerId: string; worker: BgpWorker; lease: LeaseManager; close(): Promise<void> }

async function speakingRouters(orm: Orm): Promise<number[]> {
  const rows = await orm.em.fork().find(Router, { bgpSpeaker: true, status: 'enabled' }, { fields: ['id'], orderBy: { id: 'asc' } });
  return rows.map((r) => r.id);
}

export async function startStandaloneWorker(config: Config, settings: WorkerSettings): Promise<StandaloneWorker> {
  if (!config.databaseUrl.startsWith('postgres')) {
    throw new ConfigError('bgp-worker needs DATABASE_URL=postgres://...: it meets the gateways only through PostgreSQL');
  }
  const orm = await openDatabase(config);
  const bus = await PgBus.connect(config.databaseUrl);
  let worker: BgpWorker | null = null;
  const lease = new LeaseManager({
    url: config.databaseUrl, workerId: settings.workerId, leaseSeconds: settings.leaseSeconds,
    candidates: () => speakingRouters(orm),
    onChange: () => { void worker?.reconcile(); },
  });
  // No lease yet means no routers; an empty id list would mean "all" to the worker.
  worker = new BgpWorker(orm, bus, {
    routers: () => { const held = lease.held(); return held.length ? held : [-1]; },
    maxPrefix: { warningPercent: config.bgpMaxPrefixWarningPercent, restartSeconds: config.bgpMaxPrefixRestartSeconds },
  });
  await worker.start();
  // Gateways ask this worker about its peers and command them over the bus, by its id.
  const local = new LocalSpeaker();
  local.worker = worker;
  const speakers = processSpeakers(local, bus, { databaseUrl: config.databaseUrl, nodeId: settings.workerId, timeoutMs: config.bgpRequestTimeoutMs });
  await speakers.serve();
  await lease.start();
  // A new or re-enabled router is claimed now rather than at the next lease round.
  const it = bus.pubSub.subscribe('objectChanged')[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      if (r.value.objectType === 'devices.router') void lease.tick();
    }
  })();
  logger.info({ worker: settings.workerId, leaseSeconds: settings.leaseSeconds }, 'bgp worker: started');
  const w = worker;
  return {
    workerId: settings.workerId, worker: w, lease,
    close: async () => {
      await it.return?.();
      await speakers.close();
      // Speakers stop before the leases go, so the next owner never overlaps with us.
      await w.close();
      await lease.close();
      await bus.close();
      await orm.close(true);
    },
  };
}
