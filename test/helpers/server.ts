// A running PeerGate for HTTP-level tests, on a random port, with an admin write token.
import { randomBytes } from 'node:crypto';
import type { LogContext } from '@mikro-orm/core';
import { requestOfLog } from '../../src/db/context';
import { loadConfig, type Config } from '../../src/config';
import { startPeerGate, type PeerGate } from '../../src/server';
import { freshDatabaseUrl, type DbKind } from './db';

export interface TestServer {
  url: string;
  token: string;
  pg: PeerGate;
  config: Config;
  /** fetch against the server: JSON body and Authorization: Token added unless given. */
  http(method: string, path: string, opts?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; text: string; json: any }>;
  gql(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<any>;
  close(): Promise<void>;
}

export async function startTestServer(kind: DbKind = 'pglite', env: Record<string, string> = {}): Promise<TestServer> {
  const token = randomBytes(20).toString('hex');
  const databaseUrl = await freshDatabaseUrl(kind);
  const config = loadConfig({ DATABASE_URL: databaseUrl, PEERGATE_ADMIN_TOKEN: token, PORT: '0', HOST: '127.0.0.1', BGP_WORKER: 'off', ...env });
  const pg = await startPeerGate(config, { migrate: true, port: 0, host: '127.0.0.1' });
  const addr = pg.http.server.address() as { port: number };
  const url = `http://127.0.0.1:${addr.port}`;
  const http: TestServer['http'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
    const t = opts.token === undefined ? token : opts.token;
    if (t && !headers.Authorization) headers.Authorization = `Token ${t}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(url + path, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let json: any;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    url, token, pg, config, http,
    gql: async (query, variables = {}, t) => (await http('POST', '/graphql', { body: { query, variables }, token: t })).json,
    close: () => pg.close(),
  };
}

/** The SQL statements requests run on `s` while `f` runs, by text (background work, such as jobs, is no request's). */
export async function requestStatements(s: TestServer, f: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const spy = jest.spyOn(s.pg.orm.config.getLogger(), 'logQuery').mockImplementation((context: LogContext) => {
    if (requestOfLog(context as Record<string, unknown>)) seen.push(String(context.query));
  });
  try { await f(); } finally { spy.mockRestore(); }
  return seen;
}
