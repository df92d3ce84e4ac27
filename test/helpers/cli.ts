// Runs the compiled `peergate` (dist/src/main.js, rebuilt first when a source is newer): node
// starts it in about a second where tsx took 10-18 s on a loaded machine.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const root = join(__dirname, '../..');
export const mainJs = join(root, 'dist/src/main.js');

export interface CliResult { code: number; stdout: string; stderr: string }

let built = false;
/** Compiles dist/ when stale (waits on a build another test file started). */
export function buildOnce(): void {
  if (built) return;
  execFileSync(process.execPath, [join(root, 'scripts/build.js'), '--if-stale'], { cwd: root, stdio: 'pipe', timeout: 240_000 });
  built = true;
}

/** The environment a CLI child gets: jest's own NODE_OPTIONS and NODE_ENV=test dropped. */
export function cliEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'silent' };
  delete base.NODE_ENV;
  return { ...base, ...env };
}

export function peergate(args: string[], env: Record<string, string> = {}, bin = mainJs): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, env: cliEnv(env), timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Runs `items` through `fn`, at most `limit` at once (CLI processes on a shared 2-core machine). */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

/** A JSON log record of a line, or null for a line that is not one. */
export function logRecord(line: string): Record<string, any> | null {
  if (!line.startsWith('{')) return null;
  try { return JSON.parse(line); } catch { return null; }
}

/**
 * A long-running command (serve) and the first stdout log record whose `msg` matches `ready`
 * (the banner is a log record: LOG_LEVEL defaults to warn here, which still shows it).
 */
export function startCli(cmd: string, args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 90_000): Promise<{ child: ChildProcess; record: Record<string, any>; exited: Promise<number | null>; stdout(): string }> {
  const child = spawn(cmd, args, { cwd: root, env: cliEnv({ LOG_LEVEL: 'warn', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no "${ready}" within ${timeoutMs} ms; stdout: ${out} stderr: ${err}`)); }, timeoutMs);
    child.stderr!.on('data', (d) => { err += d; });
    child.stdout!.on('data', (d) => {
      out += d;
      const record = out.split('\n').map(logRecord).find((r) => r && typeof r.msg === 'string' && ready.test(r.msg));
      if (record) { clearTimeout(timer); resolve({ child, record, exited, stdout: () => out }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code} before "${ready}"; stdout: ${out} stderr: ${err}`)); });
  });
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
