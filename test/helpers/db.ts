// Databases for tests: embedded PGlite in memory, or a fresh database on the run's PostgreSQL server.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export type DbKind = 'pglite' | 'postgres';
export const DB_KINDS: DbKind[] = ['pglite', 'postgres'];

/** A DATABASE_URL for a new, empty database of this kind. */
export async function freshDatabaseUrl(kind: DbKind): Promise<string> {
  if (kind === 'pglite') return 'pglite://memory';
  const server = process.env.PEERGATE_TEST_PG_URL;
  if (!server) throw new Error('PEERGATE_TEST_PG_URL is not set: run tests through jest (globalSetup starts PostgreSQL)');
  return createDatabase(server, `t_${randomBytes(6).toString('hex')}`);
}

/** Creates database `name` on the server at `serverUrl`; returns its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  try { await c.query(`create database ${name}`); } finally { await c.end(); }
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}
