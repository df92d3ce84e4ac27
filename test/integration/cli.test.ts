// The peergate command line: help, bad configuration, and the token lifecycle.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');

async function peergate(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(tsx, ['src/main.ts', ...args], { cwd: root, env: { ...process.env, NODE_OPTIONS: '', ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e: any) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('peergate CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peergate-cli-'));
  const env = { DATABASE_URL: `pglite://${dir}` };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('help lists the commands', async () => {
    const r = await peergate(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['serve', 'migrate', 'token create', 'token list', 'token revoke']) expect(r.stdout).toContain(c);
  });

  test('a bad configuration value exits non-zero with one clear line', async () => {
    const r = await peergate(['serve'], { PORT: 'eighty' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').filter((l) => !/nodedir/.test(l))).toEqual(['peergate: PORT must be an integer, got "eighty"']);
  });

  test('token create prints the key once; list never shows it; revoke deletes', async () => {
    const created = await peergate(['token', 'create', '--user', 'alice', '--read-only', '--description', 'ci'], env);
    expect(created.code).toBe(0);
    const key = created.stdout.trim().split('\n').pop()!;
    expect(key).toMatch(/^[0-9a-f]{40}$/);
    const listed = await peergate(['token', 'list'], env);
    expect(listed.stdout).toMatch(/alice\t[0-9a-f]{8}…\tread/);
    expect(listed.stdout).not.toContain(key);
    const id = listed.stdout.trim().split('\t')[0];
    expect((await peergate(['token', 'revoke', id], env)).code).toBe(0);
    expect((await peergate(['token', 'list'], env)).stdout).not.toContain('alice');
    expect((await peergate(['token', 'revoke', id], env)).code).toBe(1);
  });
});
