// Several gateway processes on one port (GATEWAY_PROCESSES=N, PostgreSQL only). A Node.js process
// runs its JavaScript on one core, so one gateway tops out at one core however many the machine
// has. Node's cluster primary accepts the connections and hands them to N processes in turn; each
// is a whole gateway on the same database, exactly as separate `peergate serve` processes would
// be: events, credential and webhook cache invalidations and background jobs go through
// PostgreSQL (src/events/pg-bus.ts, src/jobs). The primary serves nothing itself: it migrates and
// writes the admin token once, starts the processes, prints one banner, answers /metrics for all
// of them (src/http/process-metrics.ts), replaces a process that dies, and stops them all on
// SIGTERM or SIGINT.
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { logger, logListening, logShutdown } from '../log';
import { openDatabase } from '../open-database';
import { answerScrapes } from '../http/process-metrics';
import type { Banner, ServeOptions } from './serve';

/** What a process tells the primary once it listens. */
interface ListeningMessage { peergate: 'listening'; banner: Banner }

/** How long the primary waits for its processes to stop after SIGTERM before it kills them. */
const STOP_TIMEOUT_MS = 30_000;
/** A process that died is replaced after this, doubling while replacements die before they listen. */
const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * What every process must share that a single process would make up at start: the NSoT server
 * key, random per start when neither NSOT_SECRET_KEY nor the admin token gives one (an auth token
 * one process issued must open in the others).
 */
function sharedEnv(config: Config): Record<string, string> {
  return config.nsotSecretKey || config.adminToken ? {} : { NSOT_SECRET_KEY: randomBytes(32).toString('base64url') };
}

/**
 * The environment of the process in `slot`. The BGP worker and the BMP station run in the first
 * only: a BMP port is one listener (a shared one would hand a router's stream to any process) and
 * BGP sessions are leased one speaker per gateway, as with a single process.
 */
function slotEnv(slot: number): Record<string, string> {
  return slot === 0 ? {} : { BGP_WORKER: 'off', BMP_PORT: 'off' };
}

/**
 * A process's configuration. Failed logins are counted in each process's memory, and connections
 * are spread over the processes, so each process gets its share of LOGIN_RATE_LIMIT: together
 * they allow no more than the operator set (at least one failure per process).
 */
export function processConfig(config: Config): Config {
  const limit = config.loginRateLimit;
  if (!limit) return config;
  return { ...config, loginRateLimit: { ...limit, failures: Math.max(1, Math.floor(limit.failures / config.gatewayProcesses)) } };
}

/** In a process the primary started: its banner goes to the primary, which prints one for all. */
export function tellPrimaryListening(banner: Banner): void {
  const message: ListeningMessage = { peergate: 'listening', banner };
  process.send?.(message);
}

const isListening = (m: unknown): m is ListeningMessage => (m as ListeningMessage | null)?.peergate === 'listening';

interface Slot { worker: Worker; listened: boolean; restartDelay: number }

/** The primary: runs until SIGTERM/SIGINT (exit 0), or exit 1 when a process fails to start. */
export async function runGatewayProcesses(config: Config, opts: ServeOptions): Promise<never> {
  const count = config.gatewayProcesses;
  // Once, before any process opens the database: two processes migrating at once would race.
  await (await openDatabase(config, { migrate: opts.migrate })).close(true);

  const shared = sharedEnv(config);
  const slots: Slot[] = [];
  let banner: Banner | null = null;
  let stopping = false;

  const start = (index: number, restartDelay = RESTART_DELAY_MS) => {
    const worker = cluster.fork({ ...shared, ...slotEnv(index) });
    slots[index] = { worker, listened: false, restartDelay };
    worker.on('message', (m: unknown) => {
      if (!isListening(m)) return;
      slots[index].listened = true;
      if (banner) return;
      if (slots.length === count && slots.every((s) => s.listened)) {
        banner = m.banner;
        logListening(`${m.banner.text} (${count} gateway processes)`, { ...m.banner.fields, processes: count, pids: slots.map((s) => s.worker.process.pid) });
      }
    });
  };

  const exited = () => slots.every((s) => s.worker.isDead());
  const stop = async (signal: NodeJS.Signals | null, code: number) => {
    if (stopping) return;
    stopping = true;
    const t0 = Date.now();
    logShutdown(signal, 'started');
    for (const s of slots) if (!s.worker.isDead()) s.worker.process.kill('SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (!exited() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const s of slots) if (!s.worker.isDead()) s.worker.process.kill('SIGKILL');
    logShutdown(signal, 'done', { durationMs: Date.now() - t0, ...(code ? { exitCode: code } : {}) });
    process.exit(code);
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const index = slots.findIndex((s) => s.worker === worker);
    const slot = slots[index];
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (!banner) {
      // A process that cannot start (port taken, database refused): the others would fail alike.
      logger.error({ event: 'gateway-process-exit', pid: worker.process.pid, code, signal }, `gateway process ${worker.process.pid} exited (${how}) before it listened; stopping`);
      void stop(null, 1);
      return;
    }
    const delay = slot.listened ? RESTART_DELAY_MS : Math.min(slot.restartDelay * 2, MAX_RESTART_DELAY_MS);
    logger.error({ event: 'gateway-process-exit', pid: worker.process.pid, code, signal }, `gateway process ${worker.process.pid} exited (${how}); starting another in ${delay} ms`);
    setTimeout(() => { if (!stopping) start(index, delay); }, delay);
  });
  answerScrapes();
  process.once('SIGINT', (s) => void stop(s, 0));
  process.once('SIGTERM', (s) => void stop(s, 0));
  for (let i = 0; i < count; i++) start(i);
  return new Promise<never>(() => undefined);
}
