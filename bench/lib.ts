// Shared by the benchmarks: timing statistics, machine facts, and bench/RESULTS.md sections.
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

/** Replaces (or appends) the `## <name>` section of bench/RESULTS.md. */
export function writeSection(name: string, body: string): void {
  const file = join(__dirname, 'RESULTS.md');
  const header = '# Benchmark results\n\nEach section is written by its benchmark (`npx tsx bench/<name>/run.ts`).\n';
  const text = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const section = `## ${name}\n\n${body.trim()}\n`;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`## ${escaped}\\n[\\s\\S]*?(?=\\n## |$)`);
  const out = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}`;
  writeFileSync(file, out.endsWith('\n') ? out : `${out}\n`);
}
