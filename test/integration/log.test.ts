// What an unexpected error leaves in the logs: no SQL and no values for database errors.
import { loggableError, logInternalError, logger, redactDbMessage } from '../../src/log';
import { openOrm, migrate, type Orm } from '../../src/db/orm';
import { armEngineTrap } from '../helpers/engine-trap';
import { mapDbError } from '../../src/domain/crud';
import { ValidationError } from '../../src/domain/errors';
import { DriverException } from '@mikro-orm/core';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { requestLogger, noteGraphql, outcomeOf } from '../../src/http/request-log';

describe('loggableError', () => {
  test('a database error keeps its SQLSTATE, constraint and PostgreSQL text, not the statement and its values', () => {
    const e = Object.assign(new Error(`update "peering_directpeeringsession" set "password" = 'hunter2' where "id" = 1 - value too long for type character varying(255)`), {
      name: 'DriverException', sqlState: '22001', code: '22001', severity: 'ERROR', table: 'peering_directpeeringsession',
    });
    const logged = loggableError({ originalError: e });
    expect(logged).toEqual({ type: 'DriverException', sqlState: '22001', constraint: undefined, table: 'peering_directpeeringsession', message: 'value too long for type character varying(255)' });
    expect(JSON.stringify(logged)).not.toContain('hunter2');
  });

  test('other errors keep their message and stack for the operator', () => {
    const logged = loggableError(new TypeError('x is not a function'));
    expect(logged).toMatchObject({ type: 'TypeError', message: 'x is not a function', stack: expect.stringContaining('log.test.ts') });
    expect(loggableError('plain')).toEqual({ message: 'plain' });
  });
});

// The same on the embedded database, whatever shape its errors take: PGlite's own (which carry
// the statement and its parameters), knex's (which puts the statement, values inlined, in the
// message), a fault of the WASM engine, and anything else whose message holds SQL.
describe('loggableError on embedded database (PGlite) failures', () => {
  const SECRET = 'BgpMd5SecretLeak';
  let orm: Orm;
  beforeAll(async () => {
    orm = await openOrm('pglite://memory');
    await migrate(orm);
  }, 60_000);
  afterAll(async () => { await orm?.close(true); });

  /** What logInternalError hands to the logger, as one JSON line. */
  const loggedLine = (e: unknown): string => {
    const spy = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      logInternalError(e, { requestId: 'r1' }, 'GraphQL internal error');
      expect(spy).toHaveBeenCalledTimes(1);
      return JSON.stringify(spy.mock.calls[0]);
    } finally {
      spy.mockRestore();
    }
  };
  const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected the statement to fail'); }, (e) => e);

  test('a constraint failure through the ORM: SQLSTATE and PostgreSQL text kept, the password gone; crud still maps it to a 4xx', async () => {
    // No router_id/autonomous_system_id: a NOT NULL violation, with the password among the values.
    const e = await failure(orm.em.fork().getConnection().execute(
      'insert into peering_directpeeringsession (local_autonomous_system_id, ip_address, password) values (?, ?, ?)', [null, '192.0.2.1', SECRET], 'run'));
    expect(JSON.stringify({ ...e, message: e.message })).toContain(SECRET); // what a naive logger would have written
    const line = loggedLine(e);
    expect(line).not.toContain(SECRET);
    expect(loggableError(e)).toMatchObject({ sqlState: '23502', message: expect.stringMatching(/^null value in column "\w+" of relation "peering_directpeeringsession" violates not-null constraint$/) });
    expect(mapDbError(e)).toBeInstanceOf(ValidationError);
  });

  test('knex raw statements (PGlite puts the statement and its parameters on the error)', async () => {
    const knex = (orm.em.getConnection() as any).getKnex();
    const e = await failure(knex.raw('insert into peering_directpeeringsession (local_autonomous_system_id, ip_address, password) values (?, ?, ?)', [null, '192.0.2.1', SECRET]));
    expect(e.params).toContain(SECRET);
    expect(loggedLine(e)).not.toContain(SECRET);
    expect(loggableError(e)).toMatchObject({ sqlState: '23502' });
  });

  test('an engine fault on a statement carrying a secret (the embedded database restarts)', async () => {
    armEngineTrap(orm);
    const knex = (orm.em.getConnection() as any).getKnex();
    const e = await failure(knex.raw('select ?::jsonb as j, ? as password', ['{"a":null}', SECRET]));
    const line = loggedLine(e);
    expect(line).not.toContain(SECRET);
    expect(loggableError(e)).toMatchObject({ sqlState: '57P02', message: expect.stringMatching(/engine failed \(memory access out of bounds\)/) });
    // And the database is back for the next test file's sake.
    await expect(orm.em.fork().getConnection().execute('select 1 as one')).resolves.toEqual([{ one: 1 }]);
  }, 60_000);

  test('a WASM fault whose message knex prefixed with the statement, values inlined (the old driver path)', () => {
    const trap = new WebAssembly.RuntimeError('memory access out of bounds');
    trap.message = `insert into "dcim_device" ("local_context_data", "password") values ('{"a":{"a":null}}', '${SECRET}') returning "id" - ${trap.message}`;
    const e = new DriverException(trap);
    expect(e.message).toContain(SECRET);
    expect(loggedLine(e)).not.toContain(SECRET);
    expect(loggableError(e)).toMatchObject({ type: 'DriverException', message: 'memory access out of bounds' });
    expect(loggedLine({ originalError: trap })).not.toContain(SECRET);
  });

  test('any other error whose message holds a statement: message and stack without it', () => {
    const e = new TypeError(`insert into "peering_directpeeringsession" ("password") values ('${SECRET}') returning "id" - Cannot read properties of undefined`);
    const line = loggedLine(e);
    expect(line).not.toContain(SECRET);
    expect(loggableError(e)).toMatchObject({ type: 'TypeError', message: 'Cannot read properties of undefined', stack: expect.stringContaining('log.test.ts') });
    expect(loggableError(new Error(`update x set password = '${SECRET}' where id = 1`)).message).toBe('[statement redacted]');
  });

  test('echoed values and details are cut from PostgreSQL text too', () => {
    expect(redactDbMessage(`invalid input syntax for type inet: "${SECRET}"`)).toBe('invalid input syntax for type inet: "[redacted]"');
    expect(redactDbMessage(`select 1 - duplicate key value violates unique constraint "x_key"\n - detail: Key (name)=(${SECRET}) already exists.`)).toBe('duplicate key value violates unique constraint "x_key"');
  });
});

describe('request log lines', () => {
  test('outcome from status and GraphQL error codes: an UNAUTHENTICATED in a 200 is not ok', () => {
    expect(outcomeOf(200)).toBe('ok');
    expect(outcomeOf(200, ['UNAUTHENTICATED'])).toBe('unauthenticated');
    expect(outcomeOf(401)).toBe('unauthenticated');
    expect(outcomeOf(200, ['FORBIDDEN', 'NOT_FOUND'])).toBe('forbidden');
    expect(outcomeOf(200, ['BAD_USER_INPUT'])).toBe('client_error');
    expect(outcomeOf(200, ['UNAUTHENTICATED', 'INTERNAL_SERVER_ERROR'])).toBe('server_error');
    expect(outcomeOf(429)).toBe('rate_limited');
    expect(outcomeOf(404)).toBe('client_error');
    expect(outcomeOf(503)).toBe('server_error');
  });

  /** A real express app with the middleware and a fake logger that keeps what it is given. */
  async function served(handler: express.RequestHandler, mount = (app: express.Express) => app.all('/r/:id', handler), enabled = ['info', 'warn', 'error']) {
    const lines: { level: string; obj: any; msg: string }[] = [];
    /** The statuses of the requests whose line was made (their statement count asked for). */
    const made: number[] = [];
    const fake = {
      ...Object.fromEntries(['info', 'warn', 'error'].map((level) => [level, (obj: any, msg: string) => { lines.push({ level, obj, msg }); }])),
      isLevelEnabled: (level: string) => enabled.includes(level),
    };
    const app = express();
    app.use((_req, res, next) => { res.locals.requestId = 'req-1'; next(); });
    app.use(requestLogger({ logger: fake as any, user: (res) => res.locals.user, queries: (res) => { made.push(res.statusCode); return 3; } }));
    mount(app);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, lines, made, close: () => new Promise((r) => server.close(r)) };
  }
  const settle = () => new Promise((r) => setTimeout(r, 50));

  test('a success: who, from where, route pattern, status, duration; no query string, no credentials', async () => {
    const s = await served((_req, res) => { res.locals.user = 'alice'; res.json({ ok: true }); });
    try {
      const r = await fetch(`${s.url}/r/42?key=SECRETKEY`, { headers: { Authorization: 'Token 0123456789abcdef' } });
      expect(r.status).toBe(200);
      await settle();
      expect(s.lines).toHaveLength(1);
      const { level, obj, msg } = s.lines[0];
      expect(level).toBe('info');
      expect(msg).toBe('request completed');
      expect(obj).toMatchObject({
        requestId: 'req-1', req: { method: 'GET', url: '/r/42', route: '/r/:id', remoteAddress: '127.0.0.1' },
        res: { statusCode: 200 }, user: 'alice', auth: 'Token', queries: 3, outcome: 'ok',
      });
      expect(typeof obj.responseTime).toBe('number');
      expect(obj.graphql).toBeUndefined();
      expect(JSON.stringify(obj)).not.toMatch(/SECRETKEY|0123456789abcdef/);
    } finally { await s.close(); }
  });

  test('a GraphQL 200 whose errors say UNAUTHENTICATED logs as a failed, unauthenticated request with its codes', async () => {
    const s = await served((_req, res) => {
      noteGraphql(res, { operationName: 'Login', operationType: 'query', codes: ['UNAUTHENTICATED', 'UNAUTHENTICATED'] });
      res.json({ data: null, errors: [{ message: 'Invalid token.' }, { message: 'Invalid token.' }] });
    });
    try {
      expect((await fetch(`${s.url}/r/1`, { method: 'POST', headers: { Authorization: 'Token wrong' } })).status).toBe(200);
      await settle();
      expect(s.lines).toHaveLength(1);
      expect(s.lines[0].level).toBe('warn');
      expect(s.lines[0].msg).toBe('request failed');
      expect(s.lines[0].obj).toMatchObject({
        res: { statusCode: 200 }, outcome: 'unauthenticated', auth: 'Token',
        graphql: { operationName: 'Login', operationType: 'query', errors: 2, codes: ['UNAUTHENTICATED'] },
      });
      expect(s.lines[0].obj.user).toBeUndefined();
    } finally { await s.close(); }
  });

  test('at LOG_LEVEL=warn a request that went well is neither logged nor made into a line; failures still are', async () => {
    const s = await served((req, res) => { res.status(req.params.id === 'bad' ? 400 : 200).json({}); }, undefined, ['warn', 'error']);
    try {
      await fetch(`${s.url}/r/1`);
      await fetch(`${s.url}/r/bad`);
      await settle();
      expect(s.lines.map((l) => [l.level, l.obj.res.statusCode])).toEqual([['warn', 400]]);
      expect(s.made).toEqual([400]);
    } finally { await s.close(); }
  });

  test('server errors log at error; unknown paths log as unmatched', async () => {
    const s = await served((_req, res) => { res.status(500).json({}); });
    try {
      await fetch(`${s.url}/r/1`);
      await fetch(`${s.url}/no/such/path`);
      await settle();
      expect(s.lines.map((l) => [l.level, l.obj.req.route, l.obj.res.statusCode, l.obj.outcome])).toEqual([
        ['error', '/r/:id', 500, 'server_error'],
        ['warn', 'unmatched', 404, 'client_error'],
      ]);
    } finally { await s.close(); }
  });
});

describe('lifecycle lines (listening banner, shutdown)', () => {
  const root = path.resolve(__dirname, '../..');
  const run = async (level: string) => {
    const script = `const l = require('./src/log'); l.logListening('PeerGate 9.9.9 listening on http://127.0.0.1:8000/', { url: 'http://127.0.0.1:8000/', port: 8000 });`
      + ` l.logger.info('an ordinary info line'); l.logShutdown('SIGTERM', 'started'); l.logShutdown('SIGTERM', 'done');`;
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: level, NODE_OPTIONS: '' };
    delete env.NODE_ENV;
    const { stdout } = await promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), ['-e', script], { cwd: root, env });
    return stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  };

  test('JSON log lines, kept when LOG_LEVEL is warn; nothing at silent', async () => {
    const warn = await run('warn');
    expect(warn.map((l) => l.msg)).toEqual(['PeerGate 9.9.9 listening on http://127.0.0.1:8000/', 'shutting down (SIGTERM)', 'stopped']);
    expect(warn[0]).toMatchObject({ level: 30, service: 'peergate', event: 'listening', url: 'http://127.0.0.1:8000/', port: 8000 });
    expect(warn[1]).toMatchObject({ event: 'shutdown', signal: 'SIGTERM' });
    const info = await run('info');
    expect(info.map((l) => l.msg)).toEqual(['PeerGate 9.9.9 listening on http://127.0.0.1:8000/', 'an ordinary info line', 'shutting down (SIGTERM)', 'stopped']);
    expect(await run('silent')).toEqual([]);
  }, 60_000);
});
