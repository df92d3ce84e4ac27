// Servers a benchmark runs as processes of their own, so that the client's work is not in their
// CPU time: spawned with node's flags, ready once they print one JSON line on stdout, stopped by
// closing their stdin. And CPU time read from /proc, for a process or a PostgreSQL server's tree.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ServerProcess<R> { name: string; child: ChildProcess; ready: R; stop(): Promise<void> }

/**
 * Runs `script` (TypeScript, through tsx) with `args`; resolves with the first line on its
 * stdout that starts with '{', parsed. Its other lines are echoed with its name.
 * BENCH_CPU_PROF=<dir>: it runs with --cpu-prof and writes its profiles to <dir>/<name> when stopped.
 */
export async function startServerProcess<R>(name: string, script: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; nodeFlags?: string[] } = {}): Promise<ServerProcess<R>> {
  const dir = process.env.BENCH_CPU_PROF;
  const profile = dir ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`] : []; // a folder each: tsx's loader thread writes one too
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), ...profile, '--import', 'tsx', script, ...args], {
    cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<R>((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`${name} exited with ${code} before it was ready`)));
    lines.on('line', (line) => { if (line.startsWith('{')) ok(JSON.parse(line)); else console.log(`[${name}] ${line}`); });
  });
  return {
    name, child, ready,
    stop: async () => {
      child.stdin!.end();
      if (child.exitCode === null) await new Promise((ok) => child.once('exit', ok));
    },
  };
}

/** A server script's side of the protocol: announce `ready`, serve until stdin closes, then `close`. */
export function serveUntilStdinCloses(ready: unknown, close: () => Promise<void>): void {
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => void close().then(() => process.exit(0), () => process.exit(1)));
}

/** NODE_ENV and node's own flags of a tree's `npm start` (e.g. `NODE_ENV=production node --max-semi-space-size=64 dist/...`). */
export function startScript(root: string): { env: Record<string, string>; flags: string[]; text: string } {
  const text: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start;
  const words = text.split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length && /^\w+=/.test(words[i]); i++) { const [k, v] = words[i].split('='); env[k] = v; }
  const flags: string[] = [];
  for (i += 1; i < words.length && words[i].startsWith('--'); i++) flags.push(words[i]);
  return { env, flags, text };
}

const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** /proc/<pid>/stat fields after the command name (index 0 is field 3, state). */
function statFields(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return null; // gone meanwhile
  }
}

/** User + system CPU of a process so far, in ms. */
export function cpuMs(pid: number): number {
  const f = statFields(pid);
  if (!f) throw new Error(`no process ${pid}`);
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/**
 * User + system CPU of a PostgreSQL server so far, in ms: the postmaster, its live children
 * (backends, walwriter, ...) and the children it has reaped (its cutime + cstime).
 */
export function postgresCpuMs(postmasterPid: number): number {
  const own = statFields(postmasterPid);
  if (!own) throw new Error(`no postmaster ${postmasterPid}`);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && Number(f[1]) === postmasterPid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * TICK_MS;
}

/** The postmaster's pid, from the first line of `<data dir>/postmaster.pid`. */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}
