// Failed-login rate limiting for every surface that accepts a password or secret
// (yabgp and PeeringDB HTTP Basic, NSoT /authenticate/ and AuthToken).
//
// Two budgets of LOGIN_RATE_LIMIT failures per window: one per client address (IPv6 by
// its /64) and one per login name (username or e-mail, lower-cased, known or not). An
// attempt is refused with 429 and Retry-After while either is spent, without checking
// the password. An attempt is counted before its password is checked and uncounted when
// it succeeds, so concurrent guesses cannot overshoot the budget and successful logins
// never count. A window starts at its first failure and ends a fixed time later: a spent
// budget refuses for at most one window, whatever is tried meanwhile.
//
// A spent name budget would let anyone lock a user out of every client. So an address
// that logged in successfully as that name within KNOWN_CLIENT_MS is exempt from the name
// budget (never from its own address budget): a user's usual clients keep working while
// someone guesses their password from elsewhere; new clients wait at most one window.
//
// Memory is bounded: each map holds at most MAX_KEYS entries; entries are kept in the
// order their windows started, so expired ones are dropped from the front, and when full
// the oldest window is forgotten.
import { isIPv6 } from 'node:net';
import type { Request } from 'express';
import type { Config } from '../config';

export interface LoginRateLimit { failures: number; windowSeconds: number }

const MAX_KEYS = 50_000;
const KNOWN_CLIENT_MS = 24 * 3600_000;
const KNOWN_CLIENTS_PER_NAME = 8;

interface Window { count: number; resetAt: number }

/** Counts within fixed windows, with a capped number of keys. */
class WindowCounter {
  private readonly windows = new Map<string, Window>();
  constructor(private readonly max: number, private readonly windowMs: number, private readonly cap: number) {}

  private live(key: string, now: number): Window | undefined {
    const w = this.windows.get(key);
    if (w && w.resetAt <= now) { this.windows.delete(key); return undefined; }
    return w;
  }

  /** Milliseconds until the key may try again; 0 when it may now. */
  waitMs(key: string, now: number): number {
    const w = this.live(key, now);
    return w && w.count >= this.max ? w.resetAt - now : 0;
  }

  add(key: string, now: number): Window {
    let w = this.live(key, now);
    if (!w) {
      this.prune(now);
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return w;
  }

  /** Takes back an attempt counted in that window (a success); nothing when the window has moved on. */
  remove(key: string, counted: Window): void {
    if (this.windows.get(key) === counted && counted.count > 0) counted.count--;
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) {
      if (w.resetAt > now && this.windows.size < this.cap) break;
      this.windows.delete(k);
    }
  }

  get size(): number { return this.windows.size; }
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; retryAfter: number | null };

export class LoginLimiter {
  private readonly byAddress: WindowCounter;
  private readonly byName: WindowCounter;
  /** name -> address -> time of the last successful login from it. */
  private readonly known = new Map<string, Map<string, number>>();

  constructor(readonly limit: LoginRateLimit, private readonly cap = MAX_KEYS, private readonly now: () => number = Date.now) {
    const ms = limit.windowSeconds * 1000;
    this.byAddress = new WindowCounter(limit.failures, ms, cap);
    this.byName = new WindowCounter(limit.failures, ms, cap);
  }

  private isKnown(name: string, address: string, now: number): boolean {
    const at = this.known.get(name)?.get(address);
    return at !== undefined && now - at < KNOWN_CLIENT_MS;
  }

  private remember(name: string, address: string, now: number): void {
    let m = this.known.get(name);
    if (m) this.known.delete(name); // re-inserted below: most recent last
    else m = new Map();
    m.delete(address);
    m.set(address, now);
    while (m.size > KNOWN_CLIENTS_PER_NAME) m.delete(m.keys().next().value!);
    this.known.set(name, m);
    while (this.known.size > this.cap) this.known.delete(this.known.keys().next().value!);
  }

  /** Seconds the client must wait before trying this name, or 0. */
  retryAfter(address: string, login: string): number {
    const now = this.now();
    const name = login.toLowerCase();
    const wait = Math.max(this.byAddress.waitMs(address, now), this.isKnown(name, address, now) ? 0 : this.byName.waitMs(name, now));
    return wait > 0 ? Math.max(1, Math.ceil(wait / 1000)) : 0;
  }

  /**
   * Runs one login attempt under the limits: refused (retryAfter set) while a budget is
   * spent; otherwise `check` decides, and a failure (null) stays counted.
   */
  async attempt<T>(address: string, login: string, check: () => Promise<T | null>): Promise<Attempt<T>> {
    const retryAfter = this.retryAfter(address, login);
    if (retryAfter) return { ok: false, retryAfter };
    const name = login.toLowerCase();
    const now = this.now();
    const a = this.byAddress.add(address, now);
    const n = this.byName.add(name, now);
    const value = await check();
    if (value === null) return { ok: false, retryAfter: null };
    this.byAddress.remove(address, a);
    this.byName.remove(name, n);
    this.remember(name, address, this.now());
    return { ok: true, value };
  }

  /** Entries held, for tests of the memory bound. */
  get sizes(): { addresses: number; names: number; known: number } {
    return { addresses: this.byAddress.size, names: this.byName.size, known: this.known.size };
  }
}

/** The key of a client address: IPv4 (also IPv4-mapped IPv6) whole, IPv6 by its /64. */
export function addressKey(raw: string | undefined): string {
  if (!raw) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  if (mapped) return mapped[1];
  if (!isIPv6(raw)) return raw;
  const [head, tail = ''] = raw.split('%')[0].toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = raw.includes('::') && tail ? tail.split(':') : [];
  const groups = raw.includes('::') ? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

const limiters = new WeakMap<Config, LoginLimiter | null>();

/** The limiter of a running configuration (one per PeerGate instance), or null when LOGIN_RATE_LIMIT is off. */
export function loginLimiter(config: Config): LoginLimiter | null {
  let l = limiters.get(config);
  if (l === undefined) {
    l = config.loginRateLimit ? new LoginLimiter(config.loginRateLimit) : null;
    limiters.set(config, l);
  }
  return l;
}

/**
 * One login attempt from this request under the configured limits. When refused for the
 * rate, Retry-After is already set on the response; the dialect answers 429 in its shape.
 */
export async function limitedLogin<T>(req: Request, config: Config, login: string, check: () => Promise<T | null>): Promise<Attempt<T>> {
  const limiter = loginLimiter(config);
  if (!limiter) {
    const value = await check();
    return value === null ? { ok: false, retryAfter: null } : { ok: true, value };
  }
  const out = await limiter.attempt(addressKey(req.socket.remoteAddress), login, check);
  if (!out.ok && out.retryAfter !== null) req.res?.setHeader('Retry-After', String(out.retryAfter));
  return out;
}

/** DRF's throttling text, which PeeringDB and NSoT clients already know. */
export const throttledMessage = (seconds: number): string => `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.`;
