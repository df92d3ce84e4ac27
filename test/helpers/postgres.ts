// A throwaway PostgreSQL 15 server for the test run: initdb into a temp dir as the
// postgres user (it refuses root), a random port, stopped and removed afterwards.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

export interface PgServer { url: string; dir: string; port: number; stop(): void }

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function asPostgres(cmd: string, args: string[]): string {
  const isRoot = process.getuid?.() === 0;
  return isRoot
    ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    : execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startPostgres(): Promise<PgServer> {
  const dir = mkdtempSync(join(tmpdir(), 'peergate-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const sock = join(dir, 'sock');
  const port = await freePort();
  if (process.getuid?.() === 0) execFileSync('install', ['-d', '-o', 'postgres', '-g', 'postgres', '-m', '700', data, sock]);
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '-N']);
  asPostgres('pg_ctl', ['-D', data, '-l', join(data, 'server.log'), '-w', '-t', '30', '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${sock} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`, 'start']);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    dir, port,
    stop() {
      try { if (existsSync(data)) asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']); } finally { rmSync(dir, { recursive: true, force: true }); }
    },
  };
}
