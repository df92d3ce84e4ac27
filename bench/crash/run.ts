// Crash safety: SIGKILL the gateway under a write load, again and again, and check after
// each restart that no acknowledged write was lost and no unanswered bulk is half-applied.
//   npx tsx bench/crash/run.ts [--kills 50] [--seed n] [--clients 16]
import { randomBytes } from 'node:crypto';
import { createDatabase } from '../../test/helpers/db';
import { startPostgres } from '../../test/helpers/postgres';
import { spawnPeerGate, startGateway, killGateway, type Gateway } from '../../test/helpers/process';
import { freePort } from '../../test/interop/daemons';
import { CrashLoad, type Verdict } from '../../test/helpers/crash-load';
import { stats, machine, fmt, writeSection } from '../lib';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const KILLS = arg('--kills', 50);
const SEED = arg('--seed', Date.now() % 1_000_000_007);
const CLIENTS = arg('--clients', 16);

function problems(v: Verdict): string[] {
  return [...v.ackedLost, ...v.halfPresent, ...v.missingChanges];
}

async function main(): Promise<void> {
  const pgServer = await startPostgres();
  let gw: Gateway | null = null;
  try {
    const url = await createDatabase(pgServer.url, 'crash');
    const token = randomBytes(20).toString('hex');
    const env = { DATABASE_URL: url, PEERGATE_ADMIN_TOKEN: token };
    const migrate = spawnPeerGate('migrate', ['migrate'], env);
    await migrate.waitFor(/Applied|No pending/, 120_000);
    const port = await freePort('127.0.0.1');
    const load = new CrashLoad(SEED, token);
    const restarts: number[] = [];
    let verdict: Verdict | null = null;

    gw = await startGateway(env, port);
    for (let kill = 1; kill <= KILLS; kill++) {
      const running = load.start(port, CLIENTS);
      await new Promise((r) => setTimeout(r, load.between(200, 1500)));
      running.halt();
      await killGateway(gw);
      await running.settled();
      gw = await startGateway(env, port);
      restarts.push(gw.startMs);
      verdict = await load.verify(url);
      const bad = problems(verdict);
      console.log(`kill ${kill}/${KILLS}: acked ${verdict.acked}, unknown ${verdict.unknown} (${verdict.unknownApplied} committed), failed ${verdict.failed}, restart ${fmt(gw.startMs, 0)} ms${bad.length ? `, ${bad.length} PROBLEMS` : ''}`);
      if (bad.length) { console.error(bad.slice(0, 20).join('\n')); break; }
    }
    const v = verdict!;
    const r = stats(restarts, 1);
    const ok = !problems(v).length && v.failed === 0 && restarts.length === KILLS;
    const body = [
      `${machine()}, ${new Date().toISOString().slice(0, 10)}. \`npx tsx bench/crash/run.ts --kills ${KILLS} --seed ${SEED}\`:`,
      `${CLIENTS} clients writing (GraphQL single and bulk creates, Peering Manager bulk POST, PATCH and GraphQL updates, REST and GraphQL bulk deletes)`,
      'against `peergate serve` on PostgreSQL 15; after 200–1500 ms the gateway gets SIGKILL, is restarted, and the database is checked against every answer.',
      '',
      '| | |',
      '|---|---|',
      `| kills | ${restarts.length} |`,
      `| requests acknowledged | ${v.acked} |`,
      `| requests without an answer (killed in flight) | ${v.unknown} |`,
      `| … of which committed (killed between COMMIT and the answer) | ${v.unknownApplied} |`,
      `| requests answered with an error | ${v.failed} |`,
      `| acknowledged writes lost | ${v.ackedLost.length} |`,
      `| unanswered bulks half-present | ${v.halfPresent.length} |`,
      `| missing change-log rows | ${v.missingChanges.length} |`,
      `| restart to ready (spawn → /readyz 200), p50 / p99 | ${fmt(r.p50, 0)} / ${fmt(r.p99, 0)} ms |`,
    ].join('\n');
    console.log(`\n${body}`);
    if (!ok) { process.exitCode = 1; return; }
    writeSection('crash', body);
  } finally {
    if (gw) await gw.proc.stop();
    pgServer.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
