// Per-family receive limits (max-prefix): when to warn and when to end the session with
// Cease / Maximum Number of Prefixes Reached (RFC 4486).
import { Family, FAMILY_AFI_SAFI } from './rib';

export interface PrefixLimitConfig {
  /** Most prefixes accepted per family; 0 or absent means no limit (as in Peering Manager). */
  maxPrefixes?: Partial<Record<Family, number>>;
  /** Percent of a limit at which one warning is raised (default 90). */
  maxPrefixWarningPercent?: number;
  /** Seconds the session stays down after exceeding a limit before it restarts (default 60; 0: stays down). */
  maxPrefixRestartTime?: number;
}

export const DEFAULT_MAX_PREFIX_WARNING_PERCENT = 90;
/** BIRD's first error wait (its `receive limit ... action restart` waits that long). */
export const DEFAULT_MAX_PREFIX_RESTART_TIME = 60;

/** What a new prefix count means for the session. */
export type PrefixLimitVerdict =
  | { kind: 'ok' }
  | { kind: 'warn' | 'exceeded'; family: Family; count: number; limit: number };

/** A warning that the peer is close to its limit. */
export interface MaxPrefixWarning {
  family: Family;
  count: number;
  limit: number;
  percent: number;
}

export class PrefixLimits {
  /** Families warned about in this session: one warning until the count falls back below the threshold. */
  private readonly warned = new Set<Family>();

  constructor(private cfg: PrefixLimitConfig) {}

  configure(cfg: PrefixLimitConfig): void {
    this.cfg = cfg;
  }

  limit(f: Family): number {
    return this.cfg.maxPrefixes?.[f] ?? 0;
  }

  get warningPercent(): number {
    return this.cfg.maxPrefixWarningPercent ?? DEFAULT_MAX_PREFIX_WARNING_PERCENT;
  }

  get restartTime(): number {
    return this.cfg.maxPrefixRestartTime ?? DEFAULT_MAX_PREFIX_RESTART_TIME;
  }

  /** Judges a family's prefix count: 'warn' once on reaching the threshold, 'exceeded' beyond the limit. */
  check(f: Family, count: number): PrefixLimitVerdict {
    const limit = this.limit(f);
    if (!limit) return { kind: 'ok' };
    if (count > limit) return { kind: 'exceeded', family: f, count, limit };
    if (count >= Math.ceil((limit * this.warningPercent) / 100)) {
      if (this.warned.has(f)) return { kind: 'ok' };
      this.warned.add(f);
      return { kind: 'warn', family: f, count, limit };
    }
    this.warned.delete(f);
    return { kind: 'ok' };
  }

  /** A new session starts unwarned. */
  reset(): void {
    this.warned.clear();
  }
}

/** Whether two configurations set the same limits (a change needs no new session). */
export function sameLimits(a: PrefixLimitConfig, b: PrefixLimitConfig): boolean {
  const fams: Family[] = ['ipv4', 'ipv6'];
  return (
    fams.every((f) => (a.maxPrefixes?.[f] ?? 0) === (b.maxPrefixes?.[f] ?? 0)) &&
    (a.maxPrefixWarningPercent ?? DEFAULT_MAX_PREFIX_WARNING_PERCENT) === (b.maxPrefixWarningPercent ?? DEFAULT_MAX_PREFIX_WARNING_PERCENT) &&
    (a.maxPrefixRestartTime ?? DEFAULT_MAX_PREFIX_RESTART_TIME) === (b.maxPrefixRestartTime ?? DEFAULT_MAX_PREFIX_RESTART_TIME)
  );
}

/** RFC 4486 §4 NOTIFICATION data: AFI (2 octets), SAFI (1 octet), prefix upper bound (4 octets). */
export function maxPrefixNotificationData(f: Family, limit: number): Buffer {
  const [afi, safi] = FAMILY_AFI_SAFI[f];
  const data = Buffer.alloc(7);
  data.writeUInt16BE(afi, 0);
  data.writeUInt8(safi, 2);
  data.writeUInt32BE(Math.min(limit, 0xffffffff), 3);
  return data;
}

/** The down reason operators read: what was reached, for which family, at which limit. */
export function maxPrefixReason(f: Family, limit: number): string {
  return `maximum number of prefixes reached (${f}, limit ${limit})`;
}
