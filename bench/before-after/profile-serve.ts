// bench/before-after/profile.ts's server: this tree's bench server, seeded; the CPU profile
// covers only what happens between the lines "start" and "stop" on stdin (the requests), and
// is written as JSON to the path given as argv[2].
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { startBenchServer, seedAutonomousSystems } from '../as-dataset';

async function main(): Promise<void> {
  const bench = await startBenchServer();
  await seedAutonomousSystems(bench.exec);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  process.stdout.write(`${JSON.stringify({ base: bench.base, token: bench.token, pid: process.pid, db: bench.db })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'start') { await session.post('Profiler.start'); process.stdout.write('started\n'); }
    if (line === 'stop') {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(process.argv[2], JSON.stringify(profile));
      process.stdout.write('stopped\n');
    }
  }
  await bench.close();
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
