// The long fuzz run: the CI fuzz suite (test/fuzz/http-surfaces.test.ts) with a large
// sample and a fresh seed, its tally written to bench/RESULTS.md.
//   npx tsx bench/fuzz/run.ts [--runs 100000] [--seed <n>]
// A failure prints the seed; replay it with FUZZ_SEED=<n> FUZZ_RUNS=<runs> npx jest test/fuzz.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine, writeSection } from '../lib';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const runs = flag('runs', 100_000);
const seed = flag('seed', Math.floor(Math.random() * 2 ** 31));
const report = join(mkdtempSync(join(tmpdir(), 'peergate-fuzz-')), 'report.json');
console.log(`fuzz: ${runs} requests, FUZZ_SEED=${seed}`);

const jest = spawnSync('npx', ['jest', '--ci', 'test/fuzz/http-surfaces.test.ts'], {
  cwd: join(__dirname, '../..'),
  env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules', FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed), FUZZ_REPORT: report },
  stdio: 'inherit',
});
if (jest.status !== 0) {
  console.error(`fuzz failed with FUZZ_SEED=${seed} FUZZ_RUNS=${runs}`);
  process.exit(1);
}

const r = JSON.parse(readFileSync(report, 'utf8')) as { seed: number; runs: number; concurrency: number; ms: number; failures: number; statuses: Record<string, number> };
const bySurface = new Map<string, Map<string, number>>();
for (const [key, n] of Object.entries(r.statuses)) {
  const [surface, status] = key.split(' ');
  const row = bySurface.get(surface) ?? new Map<string, number>();
  row.set(status, n);
  bySurface.set(surface, row);
}
const rows = [...bySurface].map(([surface, row]) => {
  const total = [...row.values()].reduce((a, b) => a + b, 0);
  const spread = [...row].sort(([a], [b]) => a.localeCompare(b)).map(([status, n]) => `${status}: ${n}`).join(', ');
  return `| ${surface} | ${total} | ${spread} |`;
});
const fiveHundreds = Object.entries(r.statuses).filter(([k]) => Number(k.split(' ')[1]) >= 500).reduce((a, [, n]) => a + n, 0);

writeSection('fuzz', `
Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}. Embedded PGlite, ${r.concurrency} concurrent clients.

\`FUZZ_SEED=${r.seed} FUZZ_RUNS=${r.runs}\`: ${r.runs} hostile requests in ${(r.ms / 1000).toFixed(0)} s (${(r.runs / (r.ms / 1000)).toFixed(0)} req/s),
**${r.failures} invariant failures, ${fiveHundreds} responses of 5xx**, the server answered /healthz after the run and every model table hashed the same before and after.

| surface | requests | statuses |
|---|---:|---|
${rows.join('\n')}

CI runs the same suite with FUZZ_SEED=20261123 and 10,000 requests.
`);
console.log('fuzz: results written to bench/RESULTS.md');
