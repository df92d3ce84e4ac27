// One PostgreSQL server for the whole jest run; each test file makes its own database.
import { startPostgres } from './postgres';

export default async function globalSetup(): Promise<void> {
  const pg = await startPostgres();
  process.env.PEERGATE_TEST_PG_URL = pg.url;
  (globalThis as any).__PEERGATE_PG__ = pg;
}
