// The gateway's resident memory and open file descriptors, read from /proc (Linux): summed over
// its processes when it runs several (GATEWAY_PROCESSES).
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcSample { atS: number; rssMiB: number; fds: number }

export function sampleProc(pids: number[], atS = 0): ProcSample {
  let kb = 0;
  let fds = 0;
  for (const pid of pids) {
    kb += Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
    fds += readdirSync(`/proc/${pid}/fd`).length;
  }
  return { atS, rssMiB: kb / 1024, fds };
}

/** Least-squares slope of RSS over time, in MiB per second. */
export function rssSlope(samples: ProcSample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.atS, 0) / n;
  const my = samples.reduce((s, p) => s + p.rssMiB, 0) / n;
  const num = samples.reduce((s, p) => s + (p.atS - mx) * (p.rssMiB - my), 0);
  const den = samples.reduce((s, p) => s + (p.atS - mx) ** 2, 0);
  return den ? num / den : 0;
}
