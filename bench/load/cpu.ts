// Where the machine's CPU went during a load run: the gateway, PostgreSQL (postmaster and
// backends), this process (the 200 clients) and everything else on the machine, from /proc. With
// every core busy, requests/s cannot exceed the cores' time over the CPU one request costs: the
// ceiling this box puts on the run, whatever the pool or the clients do.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { cpuMs, postgresCpuMs } from '../servers';
import { fmt } from '../lib';

export interface CpuReading { gateway: number; postgres: number; clients: number; machineBusy: number; machineTotal: number }

const TICK_MS = 10; // USER_HZ = 100 on Linux

/** Busy and total CPU time of the whole machine so far (all cores), in ms. */
function machineMs(): { busy: number; total: number } {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = f[3] + f[4]; // idle + iowait
  return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}

/** `gatewayPids`: every process of the gateway (the primary and its processes when it runs several). */
export function readCpu(gatewayPids: number[], postmasterPid: number): CpuReading {
  const own = process.cpuUsage();
  const m = machineMs();
  return { gateway: gatewayPids.reduce((sum, pid) => sum + cpuMs(pid), 0), postgres: postgresCpuMs(postmasterPid), clients: (own.user + own.system) / 1000, machineBusy: m.busy, machineTotal: m.total };
}

/** The run's CPU per request and the ceiling it implies, as a markdown table and a sentence. */
export function cpuReport(a: CpuReading, b: CpuReading, requests: number): string {
  const ms = (k: keyof CpuReading) => b[k] - a[k];
  const cores = cpus().length;
  const ours = ms('gateway') + ms('postgres') + ms('clients');
  const other = Math.max(0, ms('machineBusy') - ours);
  const busyShare = ms('machineBusy') / ms('machineTotal');
  const row = (label: string, total: number) => `| ${label} | ${fmt(total / 1000, 1)} | ${fmt(total / requests, 2)} |`;
  const perRequest = ours / requests;
  const serverPerRequest = (ms('gateway') + ms('postgres')) / requests;
  return `| CPU during the load | s | ms per request |
| --- | ---: | ---: |
${row('gateway (node, every process)', ms('gateway'))}
${row('PostgreSQL (postmaster and backends)', ms('postgres'))}
${row('load clients (this process)', ms('clients'))}
${row('other processes on the machine', other)}
${row('**gateway + PostgreSQL + clients**', ours)}

The ${cores} cores were ${fmt(100 * busyShare, 0)}% busy. At ${fmt(perRequest, 2)} ms of CPU per request (gateway, PostgreSQL and
the clients together), ${cores} fully used cores serve at most **${fmt((cores * 1000) / perRequest, 0)} requests/s** with this
mix; with the clients on another machine, at most ${fmt((cores * 1000) / serverPerRequest, 0)} (gateway and PostgreSQL alone).`;
}
