// One process per embedded database directory, with real processes: while `peergate serve` runs
// on a directory, `peergate token create` and `sync-peeringdb` on it refuse at once with one line
// naming the holder (instead of writing a token the server never sees and a restart loses);
// the running server's createToken mutation is the way; the lock goes with the server, and a
// SIGKILLed server's lock is recognised as stale.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnPeerGate, startGateway, killGateway, type Gateway } from '../helpers/process';
import { freePort } from '../interop/daemons';
import { lockPath } from '../../src/db/lock';

/** Runs a peergate command to its end: exit code and output lines (without Node's and npm's own warnings). */
async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; lines: string[]; ms: number }> {
  const t0 = performance.now();
  const p = spawnPeerGate(args.join(' '), args, { LOG_LEVEL: 'warn', ...env });
  const code = await new Promise<number | null>((resolve) => {
    if (p.exited()) resolve(p.proc.exitCode);
    p.proc.once('exit', (c) => resolve(c));
  });
  // Output still in the pipes when 'exit' fired.
  await new Promise((r) => setTimeout(r, 100));
  const lines = p.output().split('\n').filter((l) => l.trim() && !/nodedir|ExperimentalWarning|--trace-warnings/.test(l));
  return { code, lines, ms: performance.now() - t0 };
}

describe('embedded database directory lock', () => {
  const token = randomBytes(20).toString('hex');
  let dir: string;
  let env: Record<string, string>;
  let port: number;
  let gw: Gateway | null = null;
  const gql = async (query: string, key = token) => (await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Token ${key}` }, body: JSON.stringify({ query }),
  })).json();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'peergate-lock-'));
    env = { DATABASE_URL: `pglite://${dir}`, PEERGATE_ADMIN_TOKEN: token };
    port = await freePort('127.0.0.1');
  });
  afterAll(async () => {
    await gw?.proc.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(lockPath(dir), { force: true });
  });

  test('a second process refuses at once with one line; the server keeps its data; the lock goes with it', async () => {
    gw = await startGateway(env, port);
    const holder = JSON.parse(readFileSync(lockPath(dir), 'utf8'));
    expect(holder).toMatchObject({ pid: gw.proc.proc.pid, command: 'serve' });

    const created = await run(['token', 'create', '--user', 'alice'], env);
    expect(created.code).toBe(3);
    console.log(`token create refused in ${Math.round(created.ms)} ms (process start included)`);
    expect(created.lines).toHaveLength(1);
    expect(created.lines[0]).toMatch(new RegExp(`^peergate: the embedded database ${dir} is in use by process ${gw.proc.proc.pid} on .*\\(peergate serve, since .*stop that process first, or make the change through its API.*createToken mutation`));

    const synced = await run(['sync-peeringdb', '--url', `http://127.0.0.1:${port}/pdb/api`], env);
    expect({ code: synced.code, lines: synced.lines.length }).toEqual({ code: 3, lines: 1 });
    expect(synced.lines[0]).toContain(`in use by process ${gw.proc.proc.pid}`);

    // What to do instead works: the running server creates the token, and it is accepted.
    const made = await gql('mutation { createToken(input: { description: "via the API" }) { key } }');
    expect(made.errors).toBeUndefined();
    const key = made.data.createToken.key;
    const me = await gql('mutation { createAutonomousSystem(input: { asn: 64900, name: "with the new key" }) { id } }', key);
    expect(me.errors).toBeUndefined();

    // SIGTERM: the server exits and frees the directory; then the CLI works and its key survives a restart.
    await gw.proc.stop();
    gw = null;
    expect(existsSync(lockPath(dir))).toBe(false);
    const cli = await run(['token', 'create', '--user', 'bob'], env);
    expect(cli.code).toBe(0);
    const bobKey = cli.lines[cli.lines.length - 1];
    expect(bobKey).toMatch(/^[0-9a-f]{40}$/);
    gw = await startGateway(env, port);
    const asBob = await gql('{ autonomousSystems(filter: { asn: { exact: [64900] } }) { totalCount } }', bobKey);
    expect(asBob.data?.autonomousSystems.totalCount).toBe(1);
  }, 180_000);

  test("a SIGKILLed server's lock is stale: the next process takes the directory", async () => {
    gw ??= await startGateway(env, port);
    const pid = gw.proc.proc.pid;
    await killGateway(gw);
    gw = null;
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8')).pid).toBe(pid);
    const listed = await run(['token', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.lines.some((l) => /\tbob\t/.test(l))).toBe(true);
    expect(existsSync(lockPath(dir))).toBe(false);
  }, 120_000);
});
