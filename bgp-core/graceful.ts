// RFC 4724 receiving speaker ("helper mode"). When a session with a peer that advertised
// the Graceful Restart capability ends without a NOTIFICATION (the peer's control plane
// restarted, its forwarding may not have), the routes of the families it listed stay in the
// Adj-RIB-In, marked stale, for the Restart Time it advertised. When it is back, each
// family's stale routes go at its End-of-RIB (those it re-sent stay), or at once when the
// new OPEN says forwarding was not kept for it; a stale timer bounds the wait for End-of-RIB.
import type { Clock, TimerHandle } from './clock';
import { familyOf, type AdjRib, type Family } from './rib';
import type { GracefulRestartCap } from './wire/open';

/** Local bound on waiting for End-of-RIB after the peer is back (common router default). */
export const DEFAULT_STALE_TIME = 360;

const listed = (cap: GracefulRestartCap, f: Family, forwarding: boolean): boolean =>
  cap.families.some((x) => familyOf(x.afi, x.safi) === f && (!forwarding || x.forwarding));

export class StaleRoutes {
  private readonly families = new Set<Family>();
  private timer: TimerHandle | null = null;

  constructor(
    private readonly rib: AdjRib,
    private readonly clock: Clock,
    /** Routes a family lost (withdrawn count), to report like any withdrawal. */
    private readonly dropped: (f: Family, n: number) => void,
    private readonly staleTime = DEFAULT_STALE_TIME,
  ) {}

  /** Families whose routes are stale now. */
  get stale(): Family[] {
    return [...this.families];
  }

  /**
   * The session is gone: keep what RFC 4724 keeps (the peer advertised the capability
   * with a Restart Time, listed the family, and nobody sent a NOTIFICATION); drop the rest.
   */
  sessionDown(cap: GracefulRestartCap | null, notified: boolean): void {
    const helping = !notified && cap !== null && cap.restartTime > 0;
    for (const f of ['ipv4', 'ipv6'] as Family[]) {
      if (helping && listed(cap, f, false) && this.rib.table(f).count > 0) {
        // Routes re-sent in a session that failed again before its End-of-RIB are stale too.
        this.rib.table(f).beginRefresh();
        this.families.add(f);
      } else {
        this.dropAll(f);
      }
    }
    this.arm(helping && this.families.size > 0 ? cap.restartTime : 0);
  }

  /** The peer is back: families it did not keep forwarding for (or no longer lists) go now. */
  sessionUp(cap: GracefulRestartCap | null): void {
    for (const f of this.stale) if (!cap || !listed(cap, f, true)) this.dropStale(f);
    this.arm(this.families.size > 0 ? this.staleTime : 0);
  }

  /** End-of-RIB: the routes of `f` not re-sent since the restart are gone. */
  endOfRib(f: Family): void {
    if (this.families.has(f)) this.dropStale(f);
    if (this.families.size === 0) this.arm(0);
  }

  private dropStale(f: Family): void {
    this.families.delete(f);
    const n = this.rib.table(f).endRefresh();
    if (n > 0) this.dropped(f, n);
  }

  private dropAll(f: Family): void {
    this.families.delete(f);
    const t = this.rib.table(f);
    const n = t.count;
    t.clear();
    if (n > 0) this.dropped(f, n);
  }

  /** (Re)starts the timer after which every stale route goes; 0 stops it. */
  private arm(seconds: number): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    if (seconds <= 0) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      for (const f of this.stale) this.dropStale(f);
    }, seconds * 1000);
  }
}
