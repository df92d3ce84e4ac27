// Shared by the benchmarks: timing statistics, machine facts, and bench/RESULTS.md sections.
//
// RESULTS.md only grows: a benchmark's section is appended, never rewritten. Sections are cited
// by heading elsewhere (README, CHANGELOG, commit messages) and carry hand-written notes and
// re-runs under them, which a rewrite by heading would delete. A run whose heading is already
// there gets a new section headed `<name> (<date> <time> UTC)`; to retire an old section, edit
// the file by hand.
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Stats { n: number; p50: number; p99: number; mean: number; perSecond: number }

export function stats(samplesMs: number[], wallMs: number): Stats {
  const s = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, p50: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length, perSecond: (s.length * 1000) / wallMs };
}

/** Runs `fn` n times with `concurrency` workers; returns per-call latencies and wall time. */
export async function measure(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<Stats> {
  const samples: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await fn(i);
      samples.push(performance.now() - t);
    }
  }));
  return stats(samples, performance.now() - start);
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Rounds of one path, as one row: the median of each figure. */
export function mergeRounds(rounds: Stats[]): Pick<Stats, 'p50' | 'p99' | 'perSecond'> {
  return { p50: median(rounds.map((x) => x.p50)), p99: median(rounds.map((x) => x.p99)), perSecond: median(rounds.map((x) => x.perSecond)) };
}

export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

export const fmt = (x: number, digits = 2) => x.toFixed(digits);

const RESULTS_FILE = join(__dirname, 'RESULTS.md');

const RESULTS_HEADER = '# Benchmark results\n\nEach section is appended by its benchmark (`npx tsx bench/<name>/run.ts`); a re-run adds a dated section and rewrites nothing.\n';

/** `2026-12-07 12:45 UTC` */
const stamp = (at: Date): string => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Appends the section `## <name>` to bench/RESULTS.md (or `file`). When a section of that heading
 * is there already, the new one is headed `## <name> (<date> <time> UTC)`: nothing written before
 * is changed.
 */
export function writeSection(name: string, body: string, file = RESULTS_FILE, at = new Date()): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : RESULTS_HEADER;
  const headings = new Set(text.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trimEnd()));
  let heading = headings.has(name) ? `${name} (${stamp(at)})` : name;
  for (let n = 2; headings.has(heading); n++) heading = `${name} (${stamp(at)}, ${n})`;
  writeFileSync(file, `${text.trimEnd()}\n\n## ${heading}\n\n${body.trim()}\n`);
}
