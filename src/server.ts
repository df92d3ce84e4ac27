// Starting PeerGate: database, schema, admin token, event bus, HTTP.
import type { Config } from './config';
import type { Orm } from './db/orm';
import { openDatabase, type OpenOptions } from './open-database';
import { InProcessBus, type EventBus } from './events/bus';
import { PgBus } from './events/pg-bus';
import { JobRunner } from './jobs/runner';
import { onObjectChanges } from './db/change-log';
import { startApp, type RunningApp } from './http/app';
import './rest';
import { BgpWorker } from './bgp/worker';
import { setLocalBmp, setLocalWorker } from './bgp/local';
import { BmpService } from './bgp/bmp';
import { LocalSpeaker } from './bgp/speaker-api/local';
import { gatewayNodeId, processSpeakers } from './bgp/speaker-api';
import { setJsonMaxDepth } from './domain/values';
import { forgetHooksOnWebhookChanges } from './workflows/webhooks/enabled-hooks';

export interface PeerGate { orm: Orm; bus: EventBus; http: RunningApp; worker: BgpWorker | null; bmp: BmpService | null; close(): Promise<void> }

export async function startPeerGate(config: Config, opts: OpenOptions & { port?: number; host?: string } = {}): Promise<PeerGate> {
  setJsonMaxDepth(config.jsonMaxDepth);
  const orm = await openDatabase(config, opts);
  // Processes sharing a PostgreSQL server share events through it; the embedded database is one process.
  const bus: EventBus = config.databaseUrl.startsWith('postgres') ? await PgBus.connect(config.databaseUrl) : new InProcessBus();
  // Writes made outside a request (CLI, workers) still reach subscribers.
  const unsubscribe = onObjectChanges((rows) => bus.publishObjectChanges(rows));
  // A webhook written by any process: the enabled webhooks this one remembers are read again.
  const stopHearingWebhooks = forgetHooksOnWebhookChanges(bus, orm.em);
  // Live BGP of this process's worker and BMP station, once they run (src/bgp/speaker-api).
  const local = new LocalSpeaker();
  const speakers = processSpeakers(local, bus, { databaseUrl: bus instanceof PgBus ? config.databaseUrl : null, nodeId: gatewayNodeId(), timeoutMs: config.bgpRequestTimeoutMs });
  const speaker = speakers.api;
  const http = await startApp({ config, orm, bus, speaker }, opts.port ?? config.port, opts.host ?? config.host);
  // Background jobs (src/jobs): claimed from the database, so every gateway process runs some.
  const jobs = new JobRunner(orm, { publish: (e) => bus.publishJob(e), speaker });
  await jobs.start();
  let worker: BgpWorker | null = null;
  if (config.bgpWorker === 'embedded') {
    worker = new BgpWorker(orm, bus, { maxPrefix: { warningPercent: config.bgpMaxPrefixWarningPercent, restartSeconds: config.bgpMaxPrefixRestartSeconds } });
    await worker.start();
    setLocalWorker(worker);
    local.worker = worker;
  }
  // The BMP station (routers streaming their sessions' state) runs only when BMP_PORT is set.
  let bmp: BmpService | null = null;
  if (config.bmpPort !== null) {
    bmp = new BmpService(orm, bus, { address: config.bmpListenAddress, port: config.bmpPort });
    await bmp.start();
    setLocalBmp(bmp);
    local.bmp = bmp;
  }
  // Other processes (gateways without a worker) ask this one about the peers it runs.
  if (worker || bmp) await speakers.serve();
  http.markStarted();
  return {
    orm, bus, http, worker, bmp,
    close: async () => {
      unsubscribe();
      stopHearingWebhooks();
      await speakers.close();
      await jobs.close();
      if (bmp) { setLocalBmp(null); local.bmp = null; await bmp.close(); }
      if (worker) { setLocalWorker(null); local.worker = null; await worker.close(); }
      await http.close();
      await bus.close();
      await orm.close(true);
    },
  };
}
