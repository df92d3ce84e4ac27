// Peering Manager's job `data`: log groups by name (`main`, `output`), each with level counters and
// [iso_ts, level, object_str, object_url, message] lines, plus `total` (counters only). The
// parameters given at enqueue time are not part of it: they have their own column (Job.params).
import type { JobLevel } from './api';

const COUNTED = ['success', 'info', 'warning', 'failure'] as const;
type Counters = Record<(typeof COUNTED)[number], number>;
export type LogLine = [string, JobLevel, string | null, string | null, string];
interface Group extends Counters { log: LogLine[] }
export interface JobData { [group: string]: unknown; total: Counters }

/** A job's log is bounded: a handler in a loop cannot grow its row without limit. */
export const MAX_LOG_LINES = 5000;

const counters = (): Counters => ({ success: 0, info: 0, warning: 0, failure: 0 });

export function emptyData(): JobData {
  return { total: counters() };
}

export function appendLog(data: JobData, group: string, level: JobLevel, message: string, object?: { display: string; url?: string | null } | null): void {
  const g = (data[group] ??= { ...counters(), log: [] }) as Group;
  if (g.log.length >= MAX_LOG_LINES) return;
  g.log.push([new Date().toISOString(), level, object?.display ?? null, object?.url ?? null, message]);
  if (level !== 'default') {
    g[level] += 1;
    data.total[level] += 1;
  }
}

/** Peering Manager's `output`: the messages of `data.output.log` joined by newlines. */
export function outputOf(data: JobData): string {
  const g = data.output as Group | undefined;
  return g ? g.log.map((l) => l[4]).join('\n') : '';
}
