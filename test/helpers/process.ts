// `peergate` commands as real child processes (one node process each, so a signal
// reaches PeerGate itself rather than a wrapper), with their output kept for failures.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

export interface PeerGateProcess {
  name: string;
  proc: ChildProcess;
  output(): string;
  /** Resolves with the first output line matching `re`; rejects if the process exits first or on timeout. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnPeerGate(name: string, args: string[], env: Record<string, string>): PeerGateProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: root, env: { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exited = false;
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => { out += d.toString(); for (const l of listeners) l(); };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const done = new Promise<void>((resolve) => proc.once('exit', () => { exited = true; for (const l of listeners) l(); resolve(); }));
  return {
    name, proc,
    output: () => out,
    exited: () => exited,
    waitFor: (re, timeoutMs = 30_000) => new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = out.split('\n').find((l) => re.test(l));
        if (line !== undefined) { finish(); resolve(line); } else if (exited) { finish(); reject(new Error(`${name} exited before ${re}:\n${out.slice(-3000)}`)); }
      };
      const timer = setTimeout(() => { finish(); reject(new Error(`${name}: no ${re} within ${timeoutMs} ms:\n${out.slice(-3000)}`)); }, timeoutMs);
      const finish = () => { clearTimeout(timer); listeners.delete(check); };
      listeners.add(check);
      check();
    }),
    stop: async (graceMs = 5000) => {
      if (exited) return;
      proc.kill('SIGTERM');
      const killer = setTimeout(() => { if (!exited) proc.kill('SIGKILL'); }, graceMs);
      await done;
      clearTimeout(killer);
    },
  };
}
