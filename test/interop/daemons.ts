// Starts real BGP daemons (BIRD 2, GoBGP) in temporary directories for interop tests and the bench.
import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Fails loudly (never skips) when a daemon binary is missing: CI installs them. */
export function requireBinaries(...names: string[]): void {
  const missing = names.filter((n) => spawnSync('sh', ['-c', `command -v ${n}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(
      `BGP interop needs ${missing.join(', ')} on PATH. Install with: apt-get update && apt-get install -y bird2 gobgpd`,
    );
  }
}

/** A free TCP port on `address` (bind to 0, read, close). */
export async function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host: address, port: 0 }, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 20000,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function run(cmd: string, args: string[], timeoutMs = 10000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
  });
}

export interface Daemon {
  dir: string;
  proc: ChildProcess;
  pid: number;
  exited(): boolean;
  log(): string;
  stop(): Promise<void>;
  signal(sig: NodeJS.Signals): void;
}

export function startProcess(cmd: string, args: string[], dir: string): Daemon {
  const logFile = path.join(dir, 'daemon.log');
  const out = fs.openSync(logFile, 'a');
  const proc = spawn(cmd, args, { cwd: dir, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (!proc.pid) throw new Error(`could not start ${cmd}`);
  const pid = proc.pid;
  let exited = false;
  proc.once('exit', () => {
    exited = true;
  });
  return {
    exited: () => exited,
    dir,
    proc,
    pid,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    signal: (sig) => {
      if (!exited) process.kill(pid, sig);
    },
    stop: async () => {
      if (exited) return;
      try {
        process.kill(pid, 'SIGCONT');
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      const until = Date.now() + 3000;
      while (!exited && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      if (!exited) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    },
  };
}

export interface BirdPeer {
  name: string;
  localAs: number;
  neighborAddress: string;
  neighborPort: number;
  remoteAs: number;
  holdTime?: number;
  /** Export static routes to this peer (default true). */
  exportStatic?: boolean;
  passive?: boolean;
  /** Configured but not started until `birdc enable NAME`. */
  disabled?: boolean;
  /** Import nothing (a pure feeder). */
  importNone?: boolean;
  /** Export every route, not only static ones (a BIRD passing on what it learned). */
  exportAll?: boolean;
  /** An IPv6 unicast channel too (over this IPv4 session), with this next hop when exporting. */
  ipv6?: { nextHop: string };
  /** Graceful restart (RFC 4724) on, with this Restart Time in seconds. */
  gracefulRestart?: number;
  /** Add-Path (RFC 7911) on the IPv4 channel: send (tx), receive (rx) or both (on). */
  addPaths?: 'tx' | 'rx' | 'on';
}

export interface BirdOptions {
  routerId: string;
  address: string;
  port: number;
  peers: BirdPeer[];
  /** Static routes, e.g. "10.0.0.0/24"; or a path to a file with ready-made `route ...;` lines. */
  staticRoutes?: string[];
  staticFile?: string;
  nextHop?: string;
  /** Extra top-level configuration lines (e.g. a timeformat). */
  globalConfig?: string[];
}

export interface Bird extends Daemon {
  ctl: string;
  birdc(...cmd: string[]): Promise<string>;
  opts: BirdOptions;
  /** Stops BIRD (SIGTERM: it sends Cease) and starts it again; `recovery` starts it with -R (graceful restart). */
  restart(o?: { recovery?: boolean }): Promise<void>;
  /** SIGKILL: the sessions end without a NOTIFICATION, as when a router's control plane dies. */
  crash(): Promise<void>;
}

export function birdConfig(o: BirdOptions, dir: string): string {
  const lines: string[] = [`router id ${o.routerId};`, 'log stderr all;', ...(o.globalConfig ?? []), 'protocol device {}'];
  // After a restart with -R, BIRD waits for its peers' End-of-RIB this long at most.
  if (o.peers.some((p) => p.gracefulRestart)) lines.push('graceful restart wait 10;');
  if (o.staticRoutes?.length || o.staticFile) {
    // BIRD's include works between top-level items, so the file holds the whole static protocol.
    const file = o.staticFile ?? path.join(dir, 'static.conf');
    if (!o.staticFile) {
      const routes = (o.staticRoutes ?? []).map((r) => `  route ${r} blackhole;`).join('\n');
      fs.writeFileSync(file, `protocol static s4 {\n  ipv4;\n${routes}\n}\n`);
    }
    lines.push(`include "${file}";`);
  }
  for (const p of o.peers) {
    const exp = p.exportAll ? 'all' : p.exportStatic === false ? 'none' : 'where source = RTS_STATIC';
    const nh = o.nextHop && !p.exportAll ? `export filter { if source != RTS_STATIC then reject; bgp_next_hop = ${o.nextHop}; accept; };` : `export ${exp};`;
    lines.push(
      `protocol bgp ${p.name} {`,
      `  local ${o.address} port ${o.port} as ${p.localAs};`,
      `  neighbor ${p.neighborAddress} port ${p.neighborPort} as ${p.remoteAs};`,
      '  multihop 2;',
      '  strict bind yes;',
      `  hold time ${p.holdTime ?? 6};`,
      `  keepalive time ${Math.max(1, Math.floor((p.holdTime ?? 6) / 3))};`,
      '  connect retry time 2;',
      '  connect delay time 1;',
      '  error wait time 1, 2;',
      p.passive ? '  passive on;' : '',
      p.disabled ? '  disabled yes;' : '',
      p.gracefulRestart ? `  graceful restart on;\n  graceful restart time ${p.gracefulRestart};` : '',
      '  enable route refresh on;',
      `  ipv4 { import ${p.importNone ? 'none' : 'all'}; ${nh}${p.addPaths ? ` add paths ${p.addPaths};` : ''} };`,
      p.ipv6 ? `  ipv6 { import ${p.importNone ? 'none' : 'all'}; export ${exp}; next hop address ${p.ipv6.nextHop}; };` : '',
      '}',
    );
  }
  return lines.join('\n') + '\n';
}

export async function startBird(o: BirdOptions): Promise<Bird> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-bird-'));
  const conf = path.join(dir, 'bird.conf');
  const ctl = path.join(dir, 'bird.ctl');
  fs.writeFileSync(conf, birdConfig(o, dir));
  const launch = (recovery = false): Daemon =>
    startProcess('bird', ['-f', '-c', conf, '-s', ctl, '-P', path.join(dir, 'bird.pid'), ...(recovery ? ['-R'] : [])], dir);
  let d = launch();
  const birdc = (...cmd: string[]): Promise<string> => run('birdc', ['-s', ctl, ...cmd], 60000);
  const ready = async (): Promise<void> => {
    await waitFor(
      'bird control socket',
      async () => {
        if (d.exited()) throw new Error(`bird exited: ${d.log()}`);
        return (await birdc('show', 'status')).includes('Daemon is up');
      },
      15000,
    );
  };
  await ready();
  const bird: Bird = {
    ...d,
    ctl,
    opts: o,
    birdc,
    log: () => d.log(),
    exited: () => d.exited(),
    signal: (s) => d.signal(s),
    stop: () => d.stop(),
    restart: async (r = {}) => {
      await d.stop();
      d = launch(r.recovery);
      bird.proc = d.proc;
      bird.pid = d.pid;
      await ready();
    },
    crash: async () => {
      d.signal('SIGKILL');
      await waitFor('bird killed', () => d.exited(), 5000);
    },
  };
  return bird;
}

export interface GobgpNeighbor {
  address: string;
  peerAs: number;
  remotePort: number;
  holdTime?: number;
  families?: ('ipv4-unicast' | 'ipv6-unicast')[];
}

export interface GobgpOptions {
  as: number;
  routerId: string;
  address: string;
  port: number;
  apiPort: number;
  neighbors: GobgpNeighbor[];
  /** TOML appended to the generated configuration (BMP servers, policies). */
  extraConfig?: string;
}

export interface Gobgp extends Daemon {
  cli(...args: string[]): Promise<string>;
  restart(): Promise<void>;
}

export function gobgpConfig(o: GobgpOptions): string {
  const l: string[] = [
    '[global.config]',
    `  as = ${o.as}`,
    `  router-id = "${o.routerId}"`,
    `  port = ${o.port}`,
    `  local-address-list = ["${o.address}"]`,
  ];
  for (const n of o.neighbors) {
    const hold = n.holdTime ?? 6;
    l.push(
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${n.address}"`,
      `    peer-as = ${n.peerAs}`,
      '  [neighbors.timers.config]',
      `    hold-time = ${hold}`,
      `    keepalive-interval = ${Math.max(1, Math.floor(hold / 3))}`,
      '    connect-retry = 2',
      '    idle-hold-time-after-reset = 1',
      '  [neighbors.transport.config]',
      `    local-address = "${o.address}"`,
      `    remote-port = ${n.remotePort}`,
    );
    for (const f of n.families ?? ['ipv4-unicast']) {
      l.push('  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]', `      afi-safi-name = "${f}"`);
    }
  }
  if (o.extraConfig) l.push(o.extraConfig);
  return l.join('\n') + '\n';
}

export async function startGobgp(o: GobgpOptions): Promise<Gobgp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-gobgp-'));
  const conf = path.join(dir, 'gobgpd.toml');
  fs.writeFileSync(conf, gobgpConfig(o));
  const launch = (): Daemon =>
    startProcess('gobgpd', ['-f', conf, '-p', '--api-hosts', `127.0.0.1:${o.apiPort}`, '--pprof-disable'], dir);
  let d = launch();
  const cli = (...args: string[]): Promise<string> => run('gobgp', ['-u', '127.0.0.1', '-p', String(o.apiPort), ...args], 60000);
  const ready = async (): Promise<void> => {
    await waitFor(
      'gobgpd API',
      async () => {
        if (d.exited()) throw new Error(`gobgpd exited: ${d.log()}`);
        return (await cli('global')).includes('AS');
      },
      15000,
      200,
    );
  };
  await ready();
  const g: Gobgp = {
    ...d,
    cli,
    log: () => d.log(),
    exited: () => d.exited(),
    signal: (s) => d.signal(s),
    stop: () => d.stop(),
    restart: async () => {
      await d.stop();
      d = launch();
      g.proc = d.proc;
      g.pid = d.pid;
      await ready();
    },
  };
  return g;
}
