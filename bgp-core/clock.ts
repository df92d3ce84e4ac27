// Injectable time source so the FSM and throttles can be driven by tests.

export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** A factor for jittered timers (RFC 4271 §10: uniform in 0.75..1.0); none means 1. */
  jitter?(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // BGP timers alone should not keep a process alive.
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  jitter: () => 0.75 + Math.random() * 0.25,
};

interface ManualTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when told to; fires due timers in order. */
export class ManualClock implements Clock {
  /** Unset, timers are exact; a test may set a factor to see jitter applied. */
  jitter?: () => number;
  private t = 0;
  private seq = 0;
  private timers = new Set<ManualTimer>();

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: ManualTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as ManualTimer);
  }

  /** Moves time forward by ms, firing every timer that falls due (including ones set meanwhile). */
  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      let next: ManualTimer | null = null;
      for (const tm of this.timers) {
        if (tm.at <= target && (!next || tm.at < next.at || (tm.at === next.at && tm.seq < next.seq))) next = tm;
      }
      if (!next) break;
      this.timers.delete(next);
      this.t = next.at;
      next.fn();
    }
    this.t = target;
  }

  pending(): number {
    return this.timers.size;
  }
}
