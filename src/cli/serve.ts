// `peergate serve`: one gateway process, or (GATEWAY_PROCESSES > 1) the primary of several
// (src/cli/gateway-processes.ts) and each process it starts.
import cluster from 'node:cluster';
import { Server } from 'node:net';
import type { Config } from '../config';
import { VERSION } from '../http/version';
import { logListening, logShutdown } from '../log';
import { processConfig, runGatewayProcesses, tellPrimaryListening } from './gateway-processes';

export interface ServeOptions { migrate: boolean; port: number; host: string }

/**
 * How long open connections may still deliver requests after SIGTERM, before the drain in
 * close() ends every connection without a parsed request (cutting off one still on the wire).
 */
const SHUTDOWN_GRACE_MS = 500;

/**
 * Refuses new connections, after accepting those the kernel already completed for us (closing
 * the listener resets them). A busy event loop accepts one per turn, so turn until one passes
 * without a connection (for at most a second).
 */
async function stopListening(server: Server): Promise<void> {
  let accepted = true;
  const onConnection = () => { accepted = true; };
  server.on('connection', onConnection);
  const until = Date.now() + 1000;
  while (accepted && Date.now() < until) {
    accepted = false;
    // Two immediates: the second runs after the next poll phase, where accepting happens.
    await new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
  }
  server.off('connection', onConnection);
  // net's close, not http's: http.Server.close() would also end the connections still idle.
  Server.prototype.close.call(server);
}

export interface Banner { text: string; fields: Record<string, unknown> }

/** The address a server listens on: the human line, and the fields tools read (a URL a client can open). */
function listeningOn(server: Server, fallbackHost: string, fallbackPort: number): Banner {
  const addr = server.address();
  const host = typeof addr === 'object' && addr ? addr.address : fallbackHost;
  const port = typeof addr === 'object' && addr ? addr.port : fallbackPort;
  const wildcard = host === '0.0.0.0' || host === '::';
  const shown = wildcard ? (host === '::' ? '[::1]' : '127.0.0.1') : host.includes(':') ? `[${host}]` : host;
  const scope = wildcard ? ` (all ${host === '::' ? 'IPv6 and IPv4' : 'IPv4'} addresses, port ${port})` : '';
  const url = `http://${shown}:${port}/`;
  return { text: `PeerGate ${VERSION} listening on ${url}${scope}; GraphiQL at /graphql`, fields: { url, host, port, version: VERSION } };
}

/** Serves until SIGTERM/SIGINT; never resolves (the process exits when stopped). */
export async function serve(config: Config, opts: ServeOptions): Promise<never> {
  if (cluster.isPrimary && config.gatewayProcesses > 1) return runGatewayProcesses(config, opts);
  const { startPeerGate } = require('../server') as typeof import('../server');
  // A process of several: the primary migrated and wrote the admin token, prints the banner and
  // the shutdown lines, and stops this process with SIGTERM (or by going away).
  const worker = cluster.isWorker;
  // The signals are ours before anything starts: one that came while jobs, the BGP worker or
  // BMP were still starting (after the port opened) would otherwise kill the process outright.
  const starting = startPeerGate(worker ? processConfig(config) : config, { migrate: opts.migrate, prepared: worker, port: opts.port, host: opts.host });
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const t0 = Date.now();
    if (!worker) logShutdown(signal, 'started');
    // A start that failed is reported (and exits 1) by the command itself.
    const pg = await starting.catch(() => null);
    if (!pg) return;
    await stopListening(pg.http.server);
    await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS));
    await pg.close();
    if (!worker) logShutdown(signal, 'done', { durationMs: Date.now() - t0 });
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (worker) process.once('disconnect', () => void stop('SIGTERM'));
  const pg = await starting;
  const banner = listeningOn(pg.http.server, opts.host, opts.port);
  if (worker) tellPrimaryListening(banner); else logListening(banner.text, banner.fields);
  return new Promise<never>(() => undefined);
}
