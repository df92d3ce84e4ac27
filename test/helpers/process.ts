// `peergate` commands as real child processes (one node process each, so a signal
// reaches PeerGate itself rather than a wrapper), with their output kept for failures.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '../interop/daemons';

const root = join(__dirname, '../..');

export interface PeerGateProcess {
  name: string;
  proc: ChildProcess;
  output(): string;
  /** Resolves with the first output line matching `re`; rejects if the process exits first or on timeout. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the first JSON log record whose `event` is `event` (`listening`: the banner; `stopped`). */
  waitForLog(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** How the process starts: from which checkout, and node's arguments before PeerGate's own (the sources through tsx by default). */
export interface Entry { cwd: string; argv: string[] }
const sources: Entry = { cwd: root, argv: ['--import', 'tsx', 'src/main.ts'] };

/** `nodeFlags`: node's own options that NODE_OPTIONS refuses (e.g. --cpu-prof). */
export function spawnPeerGate(name: string, args: string[], env: Record<string, string>, nodeFlags: string[] = [], entry: Entry = sources): PeerGateProcess {
  const proc = spawn(process.execPath, [...nodeFlags, ...entry.argv, ...args], {
    cwd: entry.cwd, env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exited = false;
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => { out += d.toString(); for (const l of listeners) l(); };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const done = new Promise<void>((resolve) => proc.once('exit', () => { exited = true; for (const l of listeners) l(); resolve(); }));
  const waitFor = (re: RegExp, timeoutMs = 30_000) => new Promise<string>((resolve, reject) => {
    const check = () => {
      const line = out.split('\n').find((l) => re.test(l));
      if (line !== undefined) { finish(); resolve(line); } else if (exited) { finish(); reject(new Error(`${name} exited before ${re}:\n${out.slice(-3000)}`)); }
    };
    const timer = setTimeout(() => { finish(); reject(new Error(`${name}: no ${re} within ${timeoutMs} ms:\n${out.slice(-3000)}`)); }, timeoutMs);
    const finish = () => { clearTimeout(timer); listeners.delete(check); };
    listeners.add(check);
    check();
  });
  return {
    name, proc,
    output: () => out,
    exited: () => exited,
    waitFor,
    waitForLog: async (event, timeoutMs) => JSON.parse(await waitFor(new RegExp(`^\\{.*"event":${JSON.stringify(event)}[,}]`), timeoutMs)),
    stop: async (graceMs = 5000) => {
      if (exited) return;
      proc.kill('SIGTERM');
      const killer = setTimeout(() => { if (!exited) proc.kill('SIGKILL'); }, graceMs);
      await done;
      clearTimeout(killer);
    },
  };
}

export interface Gateway { proc: PeerGateProcess; startMs: number }

/** `peergate serve` on `port`; resolves once /readyz answers 200, with the time that took. */
export async function startGateway(env: Record<string, string>, port: number, name = 'gateway'): Promise<Gateway> {
  const t0 = performance.now();
  const proc = spawnPeerGate(name, ['serve'], { HOST: '127.0.0.1', BGP_WORKER: 'off', LOG_LEVEL: 'warn', ...env, PORT: String(port) });
  await waitFor(`${name} ready`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200, 60_000, 20);
  return { proc, startMs: performance.now() - t0 };
}

/** SIGKILL, and wait until the process is gone. */
export async function killGateway(g: Gateway): Promise<void> {
  if (g.proc.exited()) return;
  const gone = new Promise((resolve) => g.proc.proc.once('exit', resolve));
  g.proc.proc.kill('SIGKILL');
  await gone;
}
