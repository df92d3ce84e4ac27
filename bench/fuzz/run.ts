// The long fuzz run: the CI fuzz suite (test/fuzz/http-surfaces.test.ts) with a large
// sample and a fresh seed, its tally written to bench/RESULTS.md.
//   npx tsx bench/fuzz/run.ts [--runs 100000] [--seed <n>] [--db pglite|postgres]
// --db postgres runs it against the PostgreSQL 15 server the jest setup starts (initdb in a
// temporary directory). A failure prints the seed; replay it with
// FUZZ_DB=<db> FUZZ_SEED=<n> FUZZ_RUNS=<runs> npx jest test/fuzz. Figures are written either way.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine, writeSection } from '../lib';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const runs = flag('runs', 100_000);
const seed = flag('seed', Math.floor(Math.random() * 2 ** 31));
const dbAt = process.argv.indexOf('--db');
const db = dbAt >= 0 ? process.argv[dbAt + 1] : 'pglite';
if (db !== 'pglite' && db !== 'postgres') throw new Error(`--db must be pglite or postgres, got ${db}`);
const report = join(mkdtempSync(join(tmpdir(), 'peergate-fuzz-')), 'report.json');
console.log(`fuzz: ${runs} requests on ${db}, FUZZ_SEED=${seed}`);

const started = Date.now();
const jest = spawnSync('npx', ['jest', '--ci', 'test/fuzz/http-surfaces.test.ts'], {
  cwd: join(__dirname, '../..'),
  env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules', FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed), FUZZ_REPORT: report, FUZZ_DB: db },
  stdio: 'inherit',
});
const passed = jest.status === 0;
if (!passed) console.error(`fuzz failed with FUZZ_DB=${db} FUZZ_SEED=${seed} FUZZ_RUNS=${runs}`);
if (!existsSync(report)) process.exit(1); // it did not get as far as the tally

const r = JSON.parse(readFileSync(report, 'utf8')) as {
  seed: number; runs: number; concurrency: number; ms: number; failures: number; statuses: Record<string, number>; failureSamples?: string[];
};
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

// One line per kind of failure: the sample with its request number and numbers in the text folded.
const kinds = new Map<string, { n: number; first: string }>();
for (const f of r.failureSamples ?? []) {
  const kind = f.replace(/^#\d+ /, '').replace(/\d+/g, 'N').slice(0, 160);
  const k = kinds.get(kind) ?? { n: 0, first: f };
  k.n++;
  kinds.set(kind, k);
}
const failureList = [...kinds.values()].map((k) => `- ${k.n}x, first: \`${k.first.slice(0, 400).replace(/`/g, "'").replace(/\n/g, ' ')}\``).join('\n');
const outcome = passed
  ? 'the server answered /healthz after the run and every model table hashed the same before and after.'
  : `**the run failed** (jest exit ${jest.status}); failures among the first ${Math.min(r.failures, 200)}, by kind:\n\n${failureList || '- (none recorded: the failure was after the tally; see the jest output)'}`;

writeSection(db === 'postgres' ? 'fuzz on PostgreSQL' : 'fuzz', `
Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}. ${db === 'postgres' ? 'PostgreSQL 15 (local server started by the jest setup)' : 'Embedded PGlite'}, ${r.concurrency} concurrent clients;
${((Date.now() - started) / 1000).toFixed(0)} s in all with the server's start.

\`FUZZ_DB=${db} FUZZ_SEED=${r.seed} FUZZ_RUNS=${r.runs}\`: ${r.runs} hostile requests in ${(r.ms / 1000).toFixed(0)} s (${(r.runs / (r.ms / 1000)).toFixed(0)} req/s),
**${r.failures} invariant failures, ${fiveHundreds} responses of 5xx**; ${outcome}

| surface | requests | statuses |
|---|---:|---|
${rows.join('\n')}

CI runs the same suite with FUZZ_SEED=20261123 and 10,000 requests on PGlite.
`);
console.log('fuzz: results written to bench/RESULTS.md');
if (!passed) process.exit(1);
