// `peergate sync-peeringdb` from the command line, against another PeerGate as upstream.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedPdb } from '../helpers/pdb';
import { openOrm } from '../../src/db/orm';

const run = promisify(execFile);
const root = join(__dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');

describe('peergate sync-peeringdb', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peergate-pdb-cli-'));
  let a: TestServer;
  beforeAll(async () => { a = await startTestServer('pglite'); await seedPdb(a); });
  afterAll(async () => { await a?.close(); rmSync(dir, { recursive: true, force: true }); });

  test('full load, then increments; a summary per object type', async () => {
    const env = { ...process.env, NODE_OPTIONS: '', DATABASE_URL: `pglite://${dir}` };
    const args = ['src/main.ts', 'sync-peeringdb', '--url', `${a.url}/pdb/api`, '--api-key', a.token];
    const first = await run(tsx, args, { cwd: root, env });
    expect(first.stdout).toMatch(/^net\s+full\s+fetched\s+2\b/m);
    const second = await run(tsx, args, { cwd: root, env });
    expect(second.stdout).toMatch(/^net\s+incremental/m);
    const orm = await openOrm(`pglite://${dir}`);
    try {
      const [r] = await orm.em.fork().getConnection().execute('select count(*)::int as n from peeringdb_netixlan');
      expect(r.n).toBe(2);
    } finally { await orm.close(true); }
  });
});
