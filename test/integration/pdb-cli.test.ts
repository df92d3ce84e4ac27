// `peergate sync-peeringdb` from the command line (compiled), against another PeerGate as upstream:
// one progress line per step when stderr is not a terminal, a progress bar when it is (run under
// script(1), which gives the process a pseudo-terminal).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedPdb } from '../helpers/pdb';
import { buildOnce, cliEnv, mainJs, peergate, root } from '../helpers/cli';
import { openOrm } from '../../src/db/orm';
import { DEFAULT_URL } from '../../src/domain/peeringdb/cli';
import { DEFAULT_PEERINGDB_URL } from '../../src/domain/peeringdb/sync';
import { SYNC_ORDER } from '../../src/domain/peeringdb/tags';

const run = promisify(execFile);

describe('peergate sync-peeringdb', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peergate-pdb-cli-'));
  let a: TestServer;
  beforeAll(async () => { buildOnce(); a = await startTestServer('pglite'); await seedPdb(a); }, 240_000);
  afterAll(async () => { await a?.close(); rmSync(dir, { recursive: true, force: true }); });

  test('the help names the same default URL the sync uses', () => {
    expect(DEFAULT_URL).toBe(DEFAULT_PEERINGDB_URL);
  });

  test('full load, then increments; a summary per object type; one line per step off a terminal', async () => {
    const env = { DATABASE_URL: `pglite://${dir}` };
    const args = ['sync-peeringdb', '--url', `${a.url}/pdb/api`, '--api-key', a.token];
    const first = await peergate(args, env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^net\s+full\s+fetched\s+2\b/m);
    const steps = first.stderr.split('\n').filter(Boolean);
    const of = SYNC_ORDER.length;
    expect(steps).toHaveLength(2 * of);
    expect(steps[0]).toBe(`sync-peeringdb [1/${of}] ${SYNC_ORDER[0]}: fetching`);
    const net = SYNC_ORDER.indexOf('net');
    expect(steps).toContain(`sync-peeringdb [${net + 1}/${of}] net: 2 rows fetched, 2 written`);
    expect(first.stderr).not.toContain('\r');

    const second = await peergate(args, env);
    expect(second.stdout).toMatch(/^net\s+incremental/m);
    const orm = await openOrm(`pglite://${dir}`);
    try {
      const [r] = await orm.em.fork().getConnection().execute('select count(*)::int as n from peeringdb_netixlan');
      expect(r.n).toBe(2);
    } finally { await orm.close(true); }
  }, 240_000);

  test('on a terminal: a progress bar redrawn in place, then the summary', async () => {
    const tty = mkdtempSync(join(tmpdir(), 'peergate-pdb-tty-'));
    try {
      const cmd = [process.execPath, mainJs, 'sync-peeringdb', '--url', `${a.url}/pdb/api`, '--api-key', a.token].map((x) => `'${x}'`).join(' ');
      const { stdout } = await run('script', ['-qec', cmd, '/dev/null'], { cwd: root, env: cliEnv({ DATABASE_URL: `pglite://${tty}` }), timeout: 120_000 });
      expect(stdout).toMatch(/\r\x1b\[K\[1\/\d+\] org\s+fetching…/);
      expect(stdout).toMatch(/\r\x1b\[K\[\d+\/\d+\] net\s+\[#{24}\] 2\/2 rows done/);
      expect(stdout).toMatch(/^net\s+full\s+fetched\s+2\b/m);
    } finally { rmSync(tty, { recursive: true, force: true }); }
  }, 180_000);
});
