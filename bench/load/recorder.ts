// Per-operation latencies and errors. An error is any network failure or an answer its
// check refuses (non-2xx, GraphQL errors); the first few are kept verbatim for the report.
import { stats } from '../lib';
import type { Reply } from './http';

export interface OpResult { op: string; n: number; errors: number; p50: number; p99: number; max: number }

const KEEP = 8;

export class Recorder {
  private readonly latencies = new Map<string, number[]>();
  private readonly errors = new Map<string, number>();
  readonly firstErrors: string[] = [];

  /** Times `send`; returns its reply when `check` accepts it, else null (and counts an error). */
  async call<R extends Reply>(op: string, send: () => Promise<R>, check: (r: R) => boolean): Promise<R | null> {
    const t = performance.now();
    let reply: R | null = null;
    let failure = '';
    try {
      reply = await send();
      if (!check(reply)) failure = `HTTP ${reply.status}: ${reply.text.slice(0, 400)}`;
    } catch (e) {
      failure = `network: ${(e as Error).message}`;
    }
    this.sample(op).push(performance.now() - t);
    if (!failure) return reply;
    this.errors.set(op, (this.errors.get(op) ?? 0) + 1);
    if (this.firstErrors.length < KEEP) this.firstErrors.push(`${op}: ${failure}`);
    return null;
  }

  private sample(op: string): number[] {
    let xs = this.latencies.get(op);
    if (!xs) this.latencies.set(op, (xs = []));
    return xs;
  }

  get requests(): number { return [...this.latencies.values()].reduce((s, xs) => s + xs.length, 0); }
  get errorCount(): number { return [...this.errors.values()].reduce((s, n) => s + n, 0); }

  results(): OpResult[] {
    return [...this.latencies].map(([op, xs]) => {
      const s = stats(xs, 1);
      return { op, n: s.n, errors: this.errors.get(op) ?? 0, p50: s.p50, p99: s.p99, max: xs.reduce((m, x) => Math.max(m, x), 0) };
    });
  }
}
