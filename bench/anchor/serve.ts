// PostGraphile 4, the anchor of bench/read-ratios, serving the bench's database with its
// defaults for a production server (no query log, no watch, no mutations it would not be asked
// for anyway). argv[2]: the database URL; argv[3]: its pool size. Prints one JSON line with its
// address and pid (bench/servers), then serves POST /graphql until stdin closes.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveUntilStdinCloses } from '../servers';
import { anchorRequire } from './install';

async function main(): Promise<void> {
  const [url, poolSize] = process.argv.slice(2);
  const { Pool } = anchorRequire('pg');
  const { postgraphile } = anchorRequire('postgraphile');
  // Connections are kept for the run: on PGlite every connection is the one session, and a new
  // client would not know the prepared statements an earlier one left in it.
  const pool = new Pool({ connectionString: url, max: Number(poolSize), idleTimeoutMillis: 0 });
  const handler = postgraphile(pool, 'public', {
    dynamicJson: true, // jsonb as JSON, as PeerGate answers it
    disableQueryLog: true,
    watchPg: false,
    retryOnInitFail: false,
    enableQueryBatching: false,
    setofFunctionsContainNulls: false,
    legacyRelations: 'omit',
  });
  await handler.getGraphQLSchema(); // introspected before the first request is timed
  const server = createServer(handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  serveUntilStdinCloses({ base, pid: process.pid }, async () => {
    await new Promise((ok) => server.close(ok));
    await handler.release?.();
    await pool.end();
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
