// The peergate command line, as a table: every command and flag, the typos that used to pass
// silently (each now exit 2 with one line on stderr, before any database is opened), --help and
// --version; then the token lifecycle, serve's --port/--host and the database lock, migrate,
// schema and an unreachable sync URL against a real database directory.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOnce, freePort, logRecord, mainJs, peergate, pool, root, startCli } from '../helpers/cli';

const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;

/** [arguments, what the one stderr line must say] */
const USAGE_ERRORS: [string[], RegExp][] = [
  [['token', 'create', '--readonly'], /^peergate token create: unknown option --readonly \(did you mean --read-only\?\)$/],
  [['token', 'create', '--user', '--read-only'], /^peergate token create: option --user needs a value, got the flag --read-only$/],
  [['token', 'create', '--user=--read-only'], /^peergate token create: option --user needs a value, got the flag --read-only$/],
  [['token', 'create', '--user'], /^peergate token create: option --user needs a value$/],
  [['token', 'create', '--user', ''], /^peergate token create: --user wants a user name$/],
  [['token', 'create', '--description'], /^peergate token create: option --description needs a value$/],
  [['token', 'create', '--read-only=yes'], /^peergate token create: option --read-only takes no value$/],
  [['token', 'create', '--expires', '12'], /^peergate token create: --expires wants an ISO 8601 date or date-time .*, got "12"$/],
  [['token', 'create', '--expires', 'March 7'], /^peergate token create: --expires wants an ISO 8601 .*, got "March 7"$/],
  [['token', 'create', '--expires=2020-01-01'], /^peergate token create: --expires 2020-01-01 is in the past$/],
  [['token', 'create', '--expires', '2000-01-01T00:00:00Z'], /is in the past$/],
  [['token', 'create', '--expires', '2099-02-30'], /--expires wants an ISO 8601 .*, got "2099-02-30"$/],
  [['token', 'create', '--expires', '2099-12-31T12:00:00'], /--expires wants an ISO 8601 .*, got "2099-12-31T12:00:00"$/],
  [['token', 'create', '--expires', '2099-12-31 12:00Z'], /--expires wants an ISO 8601/],
  [['token', 'create', '--expires'], /^peergate token create: option --expires needs a value$/],
  [['token', 'create', '--allowed-ip', '10.0.0.300/8'], /^peergate token create: --allowed-ip wants an IPv4 or IPv6 network .*, got "10.0.0.300\/8"$/],
  [['token', 'create', '--allowed-ip', '10.0.0.0/33'], /--allowed-ip wants an IPv4 or IPv6 network/],
  [['token', 'create', '--allowed-ip'], /^peergate token create: option --allowed-ip needs a value$/],
  [['token', 'create', 'alice'], /^peergate token create: unexpected argument "alice"$/],
  [['token', 'list', '--user'], /^peergate token list: option --user needs a value$/],
  [['token', 'list', '--all'], /^peergate token list: unknown option --all$/],
  [['token', 'revoke'], /^peergate token revoke: missing the token id \(peergate token list shows them\)$/],
  [['token', 'revoke', 'abc'], /^peergate token revoke: a token id is a positive integer, got "abc"$/],
  [['token', 'revoke', '0'], /a token id is a positive integer, got "0"$/],
  [['token', 'revoke', '1', '2'], /^peergate token revoke: unexpected argument "2"$/],
  [['token', 'revoke', '--force', '1'], /^peergate token revoke: unknown option --force$/],
  [['token'], /^peergate token: missing a subcommand: create, list or revoke$/],
  [['token', 'delete', '1'], /^peergate token: unknown subcommand "delete" \(create, list or revoke\)$/],
  [['serve', '--port'], /^peergate serve: option --port needs a value$/],
  [['serve', '--port', '99999'], /^peergate serve: --port wants a port number 0-65535, got "99999"$/],
  [['serve', '--port', 'eighty'], /--port wants a port number 0-65535, got "eighty"$/],
  [['serve', '--port', '--host', '127.0.0.1'], /^peergate serve: option --port needs a value, got the flag --host$/],
  [['serve', '--host', 'not a host'], /^peergate serve: --host wants an IP address or host name, got "not a host"$/],
  [['serve', '--migrate=yes'], /^peergate serve: option --migrate takes no value$/],
  [['serve', '--prt', '1'], /^peergate serve: unknown option --prt \(did you mean --port\?\)$/],
  [['serve', 'now'], /^peergate serve: unexpected argument "now"$/],
  [['migrate', '--force'], /^peergate migrate: unknown option --force$/],
  [['schema', 'extra'], /^peergate schema: unexpected argument "extra"$/],
  [['bgp-worker', '--id', 'x'], /^peergate bgp-worker: unknown option --id$/],
  [['sync-peeringdb', '--url'], /^peergate sync-peeringdb: option --url needs a value$/],
  [['sync-peeringdb', '--url', 'ftp://example.net/'], /^peergate sync-peeringdb: --url wants an http\(s\) URL, got "ftp:\/\/example.net\/"$/],
  [['sync-peeringdb', '--cache-url', 'public'], /^peergate sync-peeringdb: --cache-url wants an http\(s\) URL, got "public"$/],
  [['sync-peeringdb', '--api-key'], /^peergate sync-peeringdb: option --api-key needs a value$/],
  [['sync-peeringdb', '--ful'], /^peergate sync-peeringdb: unknown option --ful \(did you mean --full\?\)$/],
  [['bgp'], /^peergate bgp: missing a subcommand: neighbor$/],
  [['bgp', 'neighbour'], /^peergate bgp: unknown subcommand "neighbour" \(neighbor\)$/],
  [['bgp', 'neighbor', '--jsn'], /^peergate bgp neighbor: unknown option --jsn \(did you mean --json\?\)$/],
  [['bgp', 'neighbor', '--token'], /^peergate bgp neighbor: option --token needs a value$/],
  [['bgp', 'neighbor', '192.0.2.1', 'adj-in', '--limit', '0'], /^peergate bgp neighbor: --limit wants a positive integer, got "0"$/],
  [['bgp', 'neighbor', '192.0.2.1', 'adj-in', '--policy', 'best'], /^peergate bgp neighbor: --policy is pre or post, got "best"$/],
  [['bgp', 'neighbor', '192.0.2.1', 'adj-in', '10.0.0.0/8', 'longer-prefixes', 'x'], /^peergate bgp neighbor: unexpected argument "x"$/],
  [['bogus'], /^peergate: unknown command "bogus" \(peergate --help lists the commands\)$/],
  [['--bogus'], /^peergate: unknown option --bogus/],
  [['help', 'bogus'], /^peergate help: no command "bogus"$/],
  [['--version', 'x'], /^peergate --version: unexpected argument "x"$/],
];

/** [arguments, what the help must start with, flags it must document] */
const HELPS: [string[], string, string[]][] = [
  [[], 'peergate ', ['serve', 'migrate', 'token create', 'token list', 'token revoke', 'schema', 'bgp-worker', 'sync-peeringdb', 'bgp neighbor', '--version']],
  [['--help'], 'peergate ', ['serve', 'token create', '--allowed-ip', '--port', '--host']],
  [['-h'], 'peergate ', ['serve']],
  [['help'], 'peergate ', ['serve']],
  [['help', 'token', 'create'], 'Usage: peergate token create', ['--user', '--read-only', '--expires', '--description', '--allowed-ip']],
  [['serve', '--help'], 'Usage: peergate serve', ['--migrate', '--port', '--host']],
  [['serve', '-h'], 'Usage: peergate serve', ['--port']],
  [['migrate', '--help'], 'Usage: peergate migrate', []],
  [['token', '--help'], 'Usage: peergate token', ['create', 'list', 'revoke']],
  [['token', 'create', '--help'], 'Usage: peergate token create', ['--user', '--read-only', '--expires', '--description', '--allowed-ip']],
  [['token', 'list', '--help'], 'Usage: peergate token list', ['--user']],
  [['token', 'revoke', '--help'], 'Usage: peergate token revoke <id>', []],
  [['schema', '--help'], 'Usage: peergate schema', []],
  [['bgp-worker', '--help'], 'Usage: peergate bgp-worker', ['BGP_LEASE_SECONDS']],
  [['sync-peeringdb', '--help'], 'Usage: peergate sync-peeringdb', ['--url', '--cache-url', '--full', '--api-key']],
  [['bgp', '--help'], 'Usage: peergate bgp neighbor', ['peergate bgp neighbor --help']],
  [['bgp', 'neighbor', '--help'], 'Usage: peergate bgp neighbor', ['adj-in', 'longer-prefixes', '--url', '--token', '--router', '--policy', '--limit', '--json', 'PEERGATE_URL', 'PEERGATE_TOKEN', 'Exit codes']],
  [['help', 'bgp', 'neighbor'], 'Usage: peergate bgp neighbor', ['--url']],
];

describe('peergate CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peergate-cli-'));
  const db = join(dir, 'db');
  const env = { DATABASE_URL: `pglite://${db}` };
  beforeAll(() => buildOnce(), 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('every malformed command line: exit 2, one line on stderr, nothing on stdout, no database opened', async () => {
    const results = await pool(USAGE_ERRORS, 3, ([args]) => peergate(args, env));
    const wrong: string[] = [];
    USAGE_ERRORS.forEach(([args, line], i) => {
      const r = results[i];
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      if (r.code !== 2 || lines.length !== 1 || !line.test(lines[0]) || r.stdout !== '') {
        wrong.push(`${JSON.stringify(args)}: exit ${r.code}, stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}`);
      }
    });
    expect(wrong).toEqual([]);
    // Parsing happens before the database: none of these created one (nor a token in it).
    expect(existsSync(db)).toBe(false);
  }, 240_000);

  test('--help for the program and every command; --version', async () => {
    const cases: string[][] = [...HELPS.map(([a]) => a), ['--version'], ['-V'], ['version']];
    const results = await pool(cases, 3, (args) => peergate(args));
    HELPS.forEach(([args, start, flags], i) => {
      const r = results[i];
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(r.stdout.startsWith(start)).toBe(true);
      for (const f of flags) expect({ args, has: f, ok: r.stdout.includes(f) }).toEqual({ args, has: f, ok: true });
    });
    for (const r of results.slice(HELPS.length)) expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(results[0].stdout).toContain(version);
  }, 240_000);

  test('a bad configuration value exits 2 with one clear line', async () => {
    const r = await peergate(['serve'], { PORT: 'eighty' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['peergate: PORT must be an integer, got "eighty"']);
  }, 60_000);

  test('token create with every flag, list, list --user, revoke; the key is printed once', async () => {
    const alice = await peergate(['token', 'create', '--user', 'alice', '--read-only', '--description', 'ci job',
      '--expires', '2099-12-31', '--allowed-ip', '192.0.2.0/24', '--allowed-ip', '2001:db8::1'], env);
    expect(alice).toMatchObject({ code: 0, stderr: '' });
    const [aliceLine, aliceKey] = alice.stdout.trim().split('\n');
    expect(aliceLine).toMatch(/^Token \d+ for alice \(read-only, expires 2099-12-31T00:00:00\.000Z, from 192\.0\.2\.0\/24, 2001:db8::1\/128\)\. Key, shown only now:$/);
    expect(aliceKey).toMatch(/^[0-9a-f]{40}$/);

    const admin = await peergate(['token', 'create', '--expires=2099-06-01T12:30:00+02:00'], env);
    expect(admin.code).toBe(0);
    expect(admin.stdout).toMatch(/^Token \d+ for admin \(write, expires 2099-06-01T10:30:00\.000Z\)\./);
    const adminKey = admin.stdout.trim().split('\n').pop()!;

    const listed = await peergate(['token', 'list'], env);
    expect(listed.code).toBe(0);
    const rows = listed.stdout.split('\n').filter(Boolean).map((l) => l.split('\t'));
    expect(rows.map((r) => r.slice(1))).toEqual([
      ['alice', `${aliceKey.slice(0, 8)}…`, 'read', 'expires=2099-12-31T00:00:00.000Z', 'allowed=192.0.2.0/24,2001:db8::1/128', 'ci job'],
      ['admin', `${adminKey.slice(0, 8)}…`, 'write', 'expires=2099-06-01T10:30:00.000Z', 'allowed=any', ''],
    ]);
    expect(listed.stdout).not.toContain(aliceKey);
    expect(listed.stdout).not.toContain(adminKey);

    const onlyAlice = await peergate(['token', 'list', '--user', 'alice'], env);
    expect(onlyAlice.stdout.trim().split('\n').map((l) => l.split('\t')[1])).toEqual(['alice']);

    const aliceId = rows[0][0];
    expect(await peergate(['token', 'revoke', aliceId], env)).toEqual({ code: 0, stdout: `Token ${aliceId} revoked.\n`, stderr: '' });
    expect((await peergate(['token', 'list'], env)).stdout).not.toContain('alice');
    expect(await peergate(['token', 'revoke', aliceId], env)).toEqual({ code: 1, stdout: '', stderr: `peergate token revoke: no token with id ${aliceId}\n` });
  }, 300_000);

  test('serve honours --port and --host and says so; the database is locked while it runs; SIGTERM exits 0', async () => {
    const port = await freePort();
    const admin = await peergate(['token', 'create', '--description', 'serve'], env);
    const key = admin.stdout.trim().split('\n').pop()!;
    // PORT and HOST in the environment lose to the flags.
    const s = await startCli(process.execPath, [mainJs, 'serve', '--port', String(port), '--host', '127.0.0.1'], { ...env, PORT: '1', HOST: '0.0.0.0', BGP_WORKER: 'off' }, /listening on/);
    try {
      // The banner is a log record: the human line as msg, and what tools read.
      expect(s.record).toMatchObject({
        level: 30, service: 'peergate', event: 'listening', msg: `PeerGate ${version} listening on http://127.0.0.1:${port}/; GraphiQL at /graphql`,
        url: `http://127.0.0.1:${port}/`, host: '127.0.0.1', port, version,
      });
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Token ${key}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
      // Only on the address asked for: not on the machine's other addresses' wildcard.
      const { networkInterfaces } = await import('node:os');
      const other = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
      if (other) await expect(fetch(`http://${other.address}:${port}/healthz`)).rejects.toThrow();
      // Another process refuses the held database at once (exit 3, one line).
      const locked = await peergate(['token', 'list'], env);
      expect(locked.code).toBe(3);
      expect(locked.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).toBe(0);
    // Shutdown is logged too, start and end, and every stdout line is a JSON record.
    const lines = s.stdout().split('\n').filter(Boolean);
    expect(lines.filter((l) => logRecord(l) === null)).toEqual([]);
    const lifecycle = lines.map((l) => logRecord(l)!).filter((r) => r.event);
    expect(lifecycle.map((r) => [r.event, r.signal, r.msg])).toEqual([
      ['listening', undefined, s.record.msg], ['shutdown', 'SIGTERM', 'shutting down (SIGTERM)'], ['stopped', 'SIGTERM', 'stopped'],
    ]);
    expect(lifecycle[2].durationMs).toBeGreaterThanOrEqual(0);
  }, 300_000);

  test('migrate, schema, bgp-worker without PostgreSQL, and sync-peeringdb against an unreachable URL', async () => {
    const migrated = await peergate(['migrate'], env);
    expect(migrated).toEqual({ code: 0, stdout: 'No pending migrations.\n', stderr: '' });
    const schema = await peergate(['schema']);
    expect(schema.code).toBe(0);
    expect(schema.stdout).toMatch(/^type Query \{$/m);
    const worker = await peergate(['bgp-worker'], env);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toBe('peergate: bgp-worker needs DATABASE_URL=postgres://...: it meets the gateways only through PostgreSQL\n');
    // A port nobody listens on: the error names the URL and the system's reason.
    const port = await freePort();
    const sync = await peergate(['sync-peeringdb', '--url', `http://127.0.0.1:${port}/api`], env);
    expect(sync.code).toBe(1);
    expect(sync.stderr.split('\n').filter(Boolean)).toEqual([
      'sync-peeringdb [1/13] org: fetching',
      `peergate sync-peeringdb: cannot reach http://127.0.0.1:${port}/api/org?depth=0: ECONNREFUSED (127.0.0.1:${port})`,
    ]);
  }, 300_000);
});
