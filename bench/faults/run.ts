// The long fault-injection run: the trials of test/integration/faults.test.ts (a killed
// connection, a statement timeout, a constraint hit, inside GraphQL and Peering Manager
// REST bulk writes) many times over, on a throwaway PostgreSQL 15, tallied into bench/RESULTS.md.
//   npx tsx bench/faults/run.ts [--trials 100] [--seed <n>]
// A failing trial prints its seed; FAULTS_SEED=<n> replays the first 24 in the CI test.
import { machine, writeSection } from '../lib';
import { logger } from '../../src/log';
import { startPostgres } from '../../test/helpers/postgres';
import { startTestServer } from '../../test/helpers/server';
import { FaultLab, FAULT_KINDS, OPERATIONS, describeTrial, type TrialResult } from '../../test/helpers/faults';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const trials = flag('trials', 100);
const seed = flag('seed', Math.floor(Math.random() * 2 ** 31));

function table(results: TrialResult[]): string {
  const cell = (kind: string, op: string) => {
    const rs = results.filter((r) => r.kind === kind && r.op === op);
    return `${rs.filter((r) => r.allOrNone && r.recovered).length}/${rs.length}`;
  };
  const rows = OPERATIONS.map((op) => `| ${op} | ${FAULT_KINDS.map((k) => cell(k, op)).join(' | ')} |`);
  return `| operation | ${FAULT_KINDS.join(' | ')} |\n|---|${FAULT_KINDS.map(() => '---:').join('|')}|\n${rows.join('\n')}`;
}

/** Per kind: each distinct answer and PostgreSQL error, with how often it was seen. */
function observed(results: TrialResult[]): string {
  const lines = FAULT_KINDS.map((kind) => {
    const seen = new Map<string, number>();
    for (const r of results.filter((x) => x.kind === kind)) {
      const key = `${r.response}; PostgreSQL \`${r.observed.replace(/"fault_guard_as_id_fkey".*/, '"fault_guard_as_id_fkey" …')}\``;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    return [...seen].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `| ${kind} | ${n} | ${k} |`).join('\n');
  });
  return `| fault | trials | answer; error PostgreSQL raised |\n|---|---:|---|\n${lines.join('\n')}`;
}

async function main(): Promise<void> {
  // The trials cause server errors on purpose: keep their logs out of the report.
  logger.level = 'silent';
  console.error = () => {};
  const pg = await startPostgres();
  process.env.PEERGATE_TEST_PG_URL = pg.url;
  const server = await startTestServer('postgres');
  const lab = await FaultLab.open(server);
  const results: TrialResult[] = [];
  const start = performance.now();
  try {
    for (let i = 0; i < trials; i++) {
      const r = await lab.run(i, seed);
      results.push(r);
      console.log(`${r.problems.length ? 'FAIL' : 'ok  '} ${describeTrial(r, seed)}`);
      for (const p of r.problems) console.log(`       ${p}`);
    }
  } finally {
    await lab.close();
    await server.close();
    pg.stop();
  }
  const seconds = (performance.now() - start) / 1000;
  const clean = results.filter((r) => r.allOrNone).length;
  const recovered = results.filter((r) => r.recovered).length;
  const failed = results.filter((r) => r.problems.length).length;
  const body = `
Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}. PostgreSQL 15 server (local), one PeerGate in process.

\`npx tsx bench/faults/run.ts --trials ${trials} --seed ${seed}\`: ${trials} faulted bulk writes in ${seconds.toFixed(0)} s.
Each trial snapshots \`peering_autonomoussystem\` and the change log (\`core_object_change\`), sends a bulk write
of 2–8 autonomous systems whose seeded item meets the fault inside the write transaction, and then sends the same
write again, unfaulted, through the same server. **All-or-none: ${clean}/${trials}; recovered without a restart:
${recovered}/${trials}; trials with any problem: ${failed}.**

- kill: a trigger holds the chosen row's statement in \`pg_sleep\` and the test \`pg_terminate_backend\`s that session.
- timeout: the chosen row lowers \`statement_timeout\` to 100 ms for its transaction; the change-log insert then sleeps past it.
- constraint: the last item breaks a unique index (create, update) or a foreign key (delete) added for the trial.
- gql-multi: one GraphQL document of three mutations, the faulted one in the middle; each mutation is its own
  transaction, so all-or-none there means the first is kept whole and the faulted one and the one after leave nothing.

Trials passing (all-or-none and recovered) / trials run, per operation and fault:

${table(results)}

What was observed:

${observed(results)}
`;
  writeSection('faults', body);
  console.log(body);
  if (failed) {
    console.log(`faults: ${failed} trial(s) failed with seed ${seed}`);
    process.exit(1);
  }
}

main().catch((e) => { console.log(String(e?.stack ?? e).slice(0, 2000)); process.exit(1); });
