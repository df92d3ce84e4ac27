// Router leases for bgp-core workers sharing one PostgreSQL. Each worker holds a
// lease per router it runs and renews it every third of the lease time; a router
// whose lease expired (its worker died) is claimed by another worker on its next
// tick. Workers also announce themselves so each one aims at a fair share
// (ceil(routers / live workers)) and hands back its surplus when a worker joins.
// The tables are created here, like the event bus's, so no migration is needed.
import { ensureTable } from '../db/ensure-table';
import { Client } from 'pg';
import { logger } from '../log';

export const LEASE_TABLE = 'peergate_bgp_lease';
export const WORKER_TABLE = 'peergate_bgp_worker';

export interface LeaseOptions {
  url: string;
  workerId: string;
  leaseSeconds: number;
  /** Routers that need a speaker now (bgpSpeaker and enabled). */
  candidates: () => Promise<number[]>;
  /** Called whenever the set of routers this worker holds changes. */
  onChange: (held: number[]) => void;
}

export interface LeaseRow { routerId: number; workerId: string; expires: Date }

export class LeaseManager {
  private client: Client;
  private mine: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private lastRenewed = 0;
  private closed = false;

  constructor(private opts: LeaseOptions) {
    this.client = new Client({ connectionString: opts.url });
    // A broken connection must not crash the worker; ticks fail and the fence below applies.
    this.client.on('error', (e) => logger.error({ err: e }, 'bgp lease: connection error'));
  }

  get workerId(): string { return this.opts.workerId; }
  get tickMs(): number { return Math.max(200, Math.floor((this.opts.leaseSeconds * 1000) / 3)); }

  /** Routers this worker holds a live lease on, ascending. */
  held(): number[] { return [...this.mine]; }

  async start(): Promise<void> {
    await this.client.connect();
    await ensureLeaseTables(this.client);
    await this.tick();
    this.timer = setInterval(() => { void this.tick(); }, this.tickMs);
    this.timer.unref();
  }

  /** One round: heartbeat, renew, drop what is no longer wanted, balance. Serialised. */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.round());
    return this.ticking;
  }

  private async round(): Promise<void> {
    if (this.closed) return;
    const { workerId, leaseSeconds } = this.opts;
    const q = <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) => this.client.query<R>(sql, params);
    try {
      await q(`insert into ${WORKER_TABLE} (worker_id, expires) values ($1, now() + make_interval(secs => $2))
        on conflict (worker_id) do update set expires = excluded.expires`, [workerId, leaseSeconds]);
      await q(`delete from ${WORKER_TABLE} where expires < now()`);
      // Only leases still ours renew; one another worker took while we stalled is gone.
      const renewed = await q<{ router_id: number }>(`update ${LEASE_TABLE} set expires = now() + make_interval(secs => $2)
        where worker_id = $1 returning router_id`, [workerId, leaseSeconds]);
      const candidates = new Set(await this.opts.candidates());
      let held = renewed.rows.map((r) => Number(r.router_id)).sort((a, b) => a - b);
      const unwanted = held.filter((id) => !candidates.has(id));
      held = held.filter((id) => candidates.has(id));
      const alive = await q<{ n: string }>(`select count(*) as n from ${WORKER_TABLE} where expires > now()`);
      const target = Math.ceil(candidates.size / Math.max(1, Number(alive.rows[0].n)));
      // Surplus goes back (highest ids first) so a newly started worker gets its share.
      const surplus = held.length > target ? held.splice(target) : [];
      const release = [...unwanted, ...surplus];
      if (release.length) await q(`delete from ${LEASE_TABLE} where worker_id = $1 and router_id = any($2::int[])`, [workerId, release]);
      if (held.length < target) {
        const taken = await q<{ router_id: number }>(`select router_id from ${LEASE_TABLE} where expires > now()`);
        const busy = new Set(taken.rows.map((r) => Number(r.router_id)));
        for (const id of [...candidates].sort((a, b) => a - b)) {
          if (held.length >= target) break;
          if (busy.has(id) || held.includes(id)) continue;
          // Atomic: wins only if the row is absent or expired, whoever else tries at once.
          const won = await q(`insert into ${LEASE_TABLE} (router_id, worker_id, expires) values ($1, $2, now() + make_interval(secs => $3))
            on conflict (router_id) do update set worker_id = excluded.worker_id, expires = excluded.expires
            where ${LEASE_TABLE}.expires < now() returning router_id`, [id, workerId, leaseSeconds]);
          if (won.rowCount) held.push(id);
        }
        held.sort((a, b) => a - b);
      }
      this.lastRenewed = Date.now();
      this.set(held);
    } catch (e) {
      logger.error({ err: e }, 'bgp lease: round failed');
      // Fence: past two thirds of the lease without a renewal another worker may take over soon,
      // so stop running these routers rather than risk two speakers for one router.
      if (Date.now() - this.lastRenewed > (leaseSeconds * 1000 * 2) / 3) this.set([]);
    }
  }

  private set(held: number[]): void {
    const changed = held.length !== this.mine.length || held.some((id, i) => id !== this.mine[i]);
    this.mine = held;
    if (changed) {
      logger.info({ worker: this.opts.workerId, routers: held }, 'bgp lease: routers held');
      this.opts.onChange(held);
    }
  }

  /** Gives every lease back at once so other workers take over without waiting for expiry. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    this.mine = [];
    try {
      await this.client.query(`delete from ${LEASE_TABLE} where worker_id = $1`, [this.opts.workerId]);
      await this.client.query(`delete from ${WORKER_TABLE} where worker_id = $1`, [this.opts.workerId]);
    } catch (e) {
      logger.warn({ err: e }, 'bgp lease: could not release leases; they expire on their own');
    }
    await this.client.end().catch(() => undefined);
  }
}

export async function ensureLeaseTables(client: Client): Promise<void> {
  await ensureTable(client, LEASE_TABLE, 'router_id integer primary key, worker_id text not null, expires timestamptz not null');
  await ensureTable(client, WORKER_TABLE, 'worker_id text primary key, expires timestamptz not null');
}

/** Current leases (for operators and tests). */
export async function listLeases(url: string): Promise<LeaseRow[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await ensureLeaseTables(c);
    const r = await c.query<{ router_id: number; worker_id: string; expires: Date }>(`select router_id, worker_id, expires from ${LEASE_TABLE} where expires > now() order by router_id`);
    return r.rows.map((x) => ({ routerId: Number(x.router_id), workerId: x.worker_id, expires: x.expires }));
  } finally {
    await c.end();
  }
}
