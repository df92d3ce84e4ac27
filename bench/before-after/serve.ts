// One side of bench/before-after: the bench PeerGate of the source tree given as argv[2]
// (its own bench/as-dataset.ts, so an older commit runs its own code), seeded, then one JSON
// line on stdout with its address, token and pid; it serves until stdin closes.
import { join } from 'node:path';
import { serveUntilStdinCloses } from '../servers';

async function main(): Promise<void> {
  const root = process.argv[2];
  const dataset = require(join(root, 'bench/as-dataset')) as typeof import('../as-dataset');
  const bench = await dataset.startBenchServer();
  await dataset.seedAutonomousSystems(bench.exec);
  serveUntilStdinCloses({ base: bench.base, token: bench.token, pid: process.pid, db: bench.db }, () => bench.close());
}

main().catch((e) => { console.error(e); process.exit(1); });
