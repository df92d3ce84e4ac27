// What an operator installs: `npm pack`, then `npm install -g` of the tarball into a temporary
// prefix. The installed `peergate` answers --version, creates its embedded database (migrations
// found in the compiled layout), serves GraphQL, GraphiQL's and Swagger UI's static files and the
// dashboard, and the tarball holds no tests, benches or TypeScript sources.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildOnce, freePort, peergate, root, startCli } from '../helpers/cli';

const run = promisify(execFile);
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;

describe('npm pack + npm install -g', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peergate-pack-'));
  beforeAll(() => buildOnce(), 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the installed peergate bin works from the packed tarball', async () => {
    const npmEnv = { ...process.env, NODE_OPTIONS: '', npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, env: npmEnv, timeout: 120_000 });
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info.files.map((f) => f.path);
    expect(files).toContain('dist/src/main.js');
    expect(files.filter((f) => /^dist\/src\/db\/migrations\/Migration\d+\.js$/.test(f)).length).toBeGreaterThan(0);
    expect(files).toEqual(expect.arrayContaining(['web/index.html', 'LICENSE', 'package.json', 'dist/package.json']));
    expect(files.filter((f) => /^(test|bench|scripts|src)\/|^dist\/(test|bench)\/|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);

    const prefix = join(dir, 'prefix');
    await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(dir, info.filename)], { cwd: dir, env: npmEnv, timeout: 300_000 });
    const bin = join(prefix, 'bin/peergate');
    expect(existsSync(bin)).toBe(true);
    // Runtime dependencies only: no TypeScript toolchain came with it.
    const installed = join(prefix, 'lib/node_modules/peergate');
    expect(existsSync(join(installed, 'node_modules/typescript'))).toBe(false);
    expect(existsSync(join(installed, 'node_modules/tsx'))).toBe(false);

    const { stdout } = await run(bin, ['--version'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
    expect(stdout).toBe(`${version}\n`);

    const db = `pglite://${join(dir, 'db')}`;
    const created = await peergate(['token', 'create', '--description', 'pack'], { DATABASE_URL: db }, join(installed, 'dist/src/main.js'));
    expect(created.code).toBe(0);
    const key = created.stdout.trim().split('\n').pop()!;

    const port = await freePort();
    const s = await startCli(bin, ['serve', '--port', String(port), '--host', '127.0.0.1'], { DATABASE_URL: db, BGP_WORKER: 'off', NODE_ENV: 'production' }, /listening on/);
    try {
      const base = `http://127.0.0.1:${port}`;
      const q = await fetch(`${base}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Token ${key}` },
        body: JSON.stringify({ query: 'mutation { createAutonomousSystem(input: { asn: 64500, name: "Packed" }) { asn } }' }),
      });
      expect(await q.json()).toEqual({ data: { createAutonomousSystem: { asn: 64500 } } });
      for (const path of ['/graphiql/graphiql.js', '/api/schema/swagger-ui/swagger-ui-bundle.js', '/dashboard/app.js']) {
        const r = await fetch(`${base}${path}`);
        expect({ path, status: r.status }).toEqual({ path, status: 200 });
        expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      }
      const page = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).toBe(0);
  }, 600_000);
});
