// Adj-RIB-In / Adj-RIB-Out storage.
//
// Memory layout, chosen for a full table (1M IPv4 prefixes per peer):
// * IPv4: one Map per prefix length, keyed by the address as a signed 32-bit integer, so keys stay
//   small integers (no boxed number, no string) and longest-match walks at most 33 maps.
// * IPv6: one Map keyed by the compact latin1 key from wire/nlri.ts.
// * Values are AttrSets interned in an AttrPool by their attribute bytes: routes with identical
//   attributes share one object, and attributes are decoded lazily (only when displayed/filtered).
import {
  DecodedUpdate,
  PathAttributes,
  attrKeyMpNextHop,
  decodeAttrKey,
  formatIPv4,
  forEachV4,
  forEachV6,
  maskV4,
  parsePrefix,
  v6Key,
  v6KeyBytes,
  v6KeyLen,
  v6KeyToString,
} from './wire';

export type Family = 'ipv4' | 'ipv6';

export const FAMILY_AFI_SAFI: Readonly<Record<Family, readonly [number, number]>> = { ipv4: [1, 1], ipv6: [2, 1] };

export function familyOf(afi: number, safi: number): Family | null {
  if (safi !== 1) return null;
  return afi === 1 ? 'ipv4' : afi === 2 ? 'ipv6' : null;
}

/** One distinct set of path attributes, shared by every route that carries it. */
export class AttrSet {
  refs = 0;
  private decoded: PathAttributes | null = null;
  constructor(readonly key: string) {}

  /** Typed attributes (decoded on first use, then cached). */
  get attrs(): PathAttributes {
    if (!this.decoded) this.decoded = decodeAttrKey(this.key);
    return this.decoded;
  }

  /** True when the attribute bytes were taken from a 4-octet-AS session. */
  get as4(): boolean {
    return this.key.charCodeAt(0) === 0x34;
  }

  get mpNextHop(): Buffer | null {
    return attrKeyMpNextHop(this.key);
  }

  /** Encoded attribute TLVs (MP attributes excluded). */
  tlvBytes(): Buffer {
    return Buffer.from(this.key.slice(2 + this.key.charCodeAt(1)), 'latin1');
  }
}

/** Interns AttrSets by key; shared by all peers of a speaker. */
export class AttrPool {
  private readonly sets = new Map<string, AttrSet>();

  acquire(key: string): AttrSet {
    let s = this.sets.get(key);
    if (!s) {
      s = new AttrSet(key);
      this.sets.set(key, s);
    }
    s.refs++;
    return s;
  }

  release(s: AttrSet): void {
    if (--s.refs <= 0) this.sets.delete(s.key);
  }

  get size(): number {
    return this.sets.size;
  }
}

export interface RouteEntry {
  prefix: string;
  set: AttrSet;
}

/** Result codes of a table write. */
const enum Change {
  NONE = 0,
  ADDED = 1,
  REPLACED = 2,
}

/** Common view of one address family's table. */
export interface RouteTable {
  readonly family: Family;
  readonly count: number;
  /** +1 for each NLRI that is new, changed, or withdrawn while present. */
  version: number;
  exact(prefix: string): RouteEntry | null;
  longestMatch(address: string): RouteEntry | null;
  moreSpecifics(prefix: string, limit?: number): RouteEntry[];
  entries(): IterableIterator<RouteEntry>;
  clear(): void;
}

export class V4Table implements RouteTable {
  readonly family = 'ipv4' as const;
  version = 0;
  count = 0;
  /** byLen[len] maps (addr | 0) -> AttrSet. */
  private readonly byLen: (Map<number, AttrSet> | undefined)[] = new Array(33);
  private stale: (Map<number, AttrSet> | undefined)[] | null = null;

  constructor(private readonly pool: AttrPool) {}

  set(addr: number, len: number, s: AttrSet): void {
    let m = this.byLen[len];
    if (!m) m = this.byLen[len] = new Map();
    const k = addr | 0;
    const old = m.get(k);
    if (this.stale) this.stale[len]?.delete(k);
    if (old === s) return;
    s.refs++;
    m.set(k, s);
    if (old) this.pool.release(old);
    else this.count++;
    this.version++;
  }

  delete(addr: number, len: number): boolean {
    const m = this.byLen[len];
    if (!m) return false;
    const k = addr | 0;
    const old = m.get(k);
    if (this.stale) this.stale[len]?.delete(k);
    if (!old) return false;
    m.delete(k);
    this.pool.release(old);
    this.count--;
    this.version++;
    return true;
  }

  get(addr: number, len: number): AttrSet | undefined {
    return this.byLen[len]?.get(addr | 0);
  }

  exact(prefix: string): RouteEntry | null {
    const p = parsePrefix(prefix, true);
    if (p.afi !== 1) return null;
    const s = this.get(p.v4, p.len);
    return s ? { prefix: `${formatIPv4(p.v4)}/${p.len}`, set: s } : null;
  }

  longestMatch(address: string): RouteEntry | null {
    const p = parsePrefix(address, true);
    if (p.afi !== 1) return null;
    for (let len = p.len; len >= 0; len--) {
      const m = this.byLen[len];
      if (!m || m.size === 0) continue;
      const a = maskV4(p.v4, len);
      const s = m.get(a | 0);
      if (s) return { prefix: `${formatIPv4(a)}/${len}`, set: s };
    }
    return null;
  }

  moreSpecifics(prefix: string, limit = Infinity): RouteEntry[] {
    const p = parsePrefix(prefix, true);
    const out: RouteEntry[] = [];
    if (p.afi !== 1) return out;
    for (let len = p.len; len <= 32 && out.length < limit; len++) {
      const m = this.byLen[len];
      if (!m) continue;
      for (const [k, s] of m) {
        if (maskV4(k >>> 0, p.len) === p.v4) {
          out.push({ prefix: `${formatIPv4(k >>> 0)}/${len}`, set: s });
          if (out.length >= limit) break;
        }
      }
    }
    return out;
  }

  *entries(): IterableIterator<RouteEntry> {
    for (let len = 0; len <= 32; len++) {
      const m = this.byLen[len];
      if (!m) continue;
      for (const [k, s] of m) yield { prefix: `${formatIPv4(k >>> 0)}/${len}`, set: s };
    }
  }

  /** Calls fn(addr, len, set) for every route without allocating entries. */
  forEach(fn: (addr: number, len: number, s: AttrSet) => void): void {
    for (let len = 0; len <= 32; len++) {
      const m = this.byLen[len];
      if (m) for (const [k, s] of m) fn(k >>> 0, len, s);
    }
  }

  /** Enhanced route refresh (RFC 7313): remember current routes; endRefresh drops the ones not re-sent. */
  beginRefresh(): void {
    this.stale = this.byLen.map((m) => (m ? new Map(m) : undefined));
  }

  endRefresh(): number {
    const stale = this.stale;
    this.stale = null;
    if (!stale) return 0;
    let n = 0;
    stale.forEach((m, len) => {
      if (m) for (const k of m.keys()) if (this.delete(k >>> 0, len)) n++;
    });
    return n;
  }

  clear(): void {
    let n = 0;
    for (let len = 0; len <= 32; len++) {
      const m = this.byLen[len];
      if (!m) continue;
      for (const s of m.values()) this.pool.release(s);
      n += m.size;
      this.byLen[len] = undefined;
    }
    this.version += n;
    this.count = 0;
    this.stale = null;
  }
}

export class V6Table implements RouteTable {
  readonly family = 'ipv6' as const;
  version = 0;
  private readonly map = new Map<string, AttrSet>();
  private stale: Map<string, AttrSet> | null = null;

  constructor(private readonly pool: AttrPool) {}

  get count(): number {
    return this.map.size;
  }

  set(key: string, s: AttrSet): void {
    const old = this.map.get(key);
    this.stale?.delete(key);
    if (old === s) return;
    s.refs++;
    this.map.set(key, s);
    if (old) this.pool.release(old);
    this.version++;
  }

  delete(key: string): boolean {
    const old = this.map.get(key);
    this.stale?.delete(key);
    if (!old) return false;
    this.map.delete(key);
    this.pool.release(old);
    this.version++;
    return true;
  }

  get(key: string): AttrSet | undefined {
    return this.map.get(key);
  }

  exact(prefix: string): RouteEntry | null {
    const p = parsePrefix(prefix, true);
    if (p.afi !== 2) return null;
    const key = v6Key(p.v6, p.len);
    const s = this.map.get(key);
    return s ? { prefix: v6KeyToString(key), set: s } : null;
  }

  longestMatch(address: string): RouteEntry | null {
    const p = parsePrefix(address, true);
    if (p.afi !== 2) return null;
    for (let len = p.len; len >= 0; len--) {
      const key = v6Key(p.v6, len);
      const s = this.map.get(key);
      if (s) return { prefix: v6KeyToString(key), set: s };
    }
    return null;
  }

  moreSpecifics(prefix: string, limit = Infinity): RouteEntry[] {
    const p = parsePrefix(prefix, true);
    const out: RouteEntry[] = [];
    if (p.afi !== 2) return out;
    const want = v6Key(p.v6, p.len).slice(1);
    for (const [k, s] of this.map) {
      const len = v6KeyLen(k);
      if (len < p.len) continue;
      if (v6Key(v6KeyBytes(k), p.len).slice(1) === want) {
        out.push({ prefix: v6KeyToString(k), set: s });
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  *entries(): IterableIterator<RouteEntry> {
    for (const [k, s] of this.map) yield { prefix: v6KeyToString(k), set: s };
  }

  forEach(fn: (key: string, s: AttrSet) => void): void {
    for (const [k, s] of this.map) fn(k, s);
  }

  beginRefresh(): void {
    this.stale = new Map(this.map);
  }

  endRefresh(): number {
    const stale = this.stale;
    this.stale = null;
    if (!stale) return 0;
    let n = 0;
    for (const k of stale.keys()) if (this.delete(k)) n++;
    return n;
  }

  clear(): void {
    for (const s of this.map.values()) this.pool.release(s);
    this.version += this.map.size;
    this.map.clear();
    this.stale = null;
  }
}

export interface ApplyResult {
  announced: number;
  withdrawn: number;
  family: Family | null;
}

export interface RouteFilter {
  family?: Family;
  /** Only routes whose AS_PATH contains this ASN. */
  asPathContains?: number;
  /** Only routes carrying this community ("A:B" or a well-known name resolved by the caller to a number). */
  community?: number;
  /** Only routes carrying this large community. */
  largeCommunity?: [number, number, number];
  /** Only more-specifics of (or equal to) this prefix. */
  within?: string;
  limit?: number;
}

/** The routes of one peer in one direction, for every family. */
export class AdjRib {
  readonly ipv4: V4Table;
  readonly ipv6: V6Table;

  constructor(readonly pool: AttrPool) {
    this.ipv4 = new V4Table(pool);
    this.ipv6 = new V6Table(pool);
  }

  table(f: Family): V4Table | V6Table {
    return f === 'ipv4' ? this.ipv4 : this.ipv6;
  }

  /**
   * Applies a decoded UPDATE. IPv4 withdrawn/NLRI fields and MP_REACH/MP_UNREACH for IPv4/IPv6
   * unicast are handled; other families are ignored. Treat-as-withdraw turns every NLRI into a withdraw.
   */
  applyUpdate(d: DecodedUpdate, accept: (f: Family) => boolean = () => true): ApplyResult {
    const r: ApplyResult = { announced: 0, withdrawn: 0, family: null };
    const buf = d.buf;
    const v4 = this.ipv4;
    const v6 = this.ipv6;
    const wd4 = (addr: number, len: number): void => {
      if (v4.delete(addr, len)) r.withdrawn++;
    };
    const wd6 = (key: string): void => {
      if (v6.delete(key)) r.withdrawn++;
    };
    if (d.withdrawnEnd > d.withdrawnStart) {
      r.family = 'ipv4';
      forEachV4(buf, d.withdrawnStart, d.withdrawnEnd, wd4);
    }
    const mu = d.mpUnreach;
    const muFam = mu ? familyOf(mu.afi, mu.safi) : null;
    if (mu && muFam && accept(muFam)) {
      r.family = muFam;
      if (muFam === 'ipv4') forEachV4(buf, mu.start, mu.end, wd4);
      else forEachV6(buf, mu.start, mu.end, wd6);
    }
    const mr = d.mpReach;
    const mrFam = mr ? familyOf(mr.afi, mr.safi) : null;
    const hasV4 = d.nlriEnd > d.nlriStart;
    const hasMp = mr !== null && mrFam !== null && mr.end > mr.start && accept(mrFam);
    if (!hasV4 && !hasMp) return r;
    if (d.treatAsWithdraw) {
      if (hasV4) forEachV4(buf, d.nlriStart, d.nlriEnd, wd4);
      if (hasMp && mr) {
        if (mrFam === 'ipv4') forEachV4(buf, mr.start, mr.end, wd4);
        else forEachV6(buf, mr.start, mr.end, wd6);
      }
      r.family = hasMp ? mrFam : 'ipv4';
      return r;
    }
    // One pool reference held while inserting, so the set cannot vanish midway.
    const s = this.pool.acquire(d.attrKey);
    try {
      if (hasV4) {
        r.family = 'ipv4';
        forEachV4(buf, d.nlriStart, d.nlriEnd, (addr, len) => {
          v4.set(addr, len, s);
          r.announced++;
        });
      }
      if (hasMp && mr) {
        r.family = mrFam;
        if (mrFam === 'ipv4') {
          forEachV4(buf, mr.start, mr.end, (addr, len) => {
            v4.set(addr, len, s);
            r.announced++;
          });
        } else {
          forEachV6(buf, mr.start, mr.end, (key) => {
            v6.set(key, s);
            r.announced++;
          });
        }
      }
    } finally {
      this.pool.release(s);
    }
    return r;
  }

  exact(prefix: string): RouteEntry | null {
    return this.tableFor(prefix).exact(prefix);
  }

  /** A prefix matches exactly; a bare address (no '/') by longest match (yabgp adj-rib-in semantics). */
  lookup(query: string): RouteEntry | null {
    const t = this.tableFor(query);
    return query.indexOf('/') >= 0 ? t.exact(query) : t.longestMatch(query);
  }

  longestMatch(address: string): RouteEntry | null {
    return this.tableFor(address).longestMatch(address);
  }

  moreSpecifics(prefix: string, limit?: number): RouteEntry[] {
    return this.tableFor(prefix).moreSpecifics(prefix, limit);
  }

  /** Scans routes with attribute filters; the verdict is cached per AttrSet, so a scan decodes each set once. */
  find(filter: RouteFilter): RouteEntry[] {
    const limit = filter.limit ?? 1000;
    const out: RouteEntry[] = [];
    const verdict = new Map<AttrSet, boolean>();
    const ok = (s: AttrSet): boolean => {
      let v = verdict.get(s);
      if (v === undefined) {
        v = matches(s.attrs, filter);
        verdict.set(s, v);
      }
      return v;
    };
    const fams: Family[] = filter.family ? [filter.family] : ['ipv4', 'ipv6'];
    for (const f of fams) {
      const t = this.table(f);
      const src = filter.within
        ? parsePrefix(filter.within, true).afi === (f === 'ipv4' ? 1 : 2)
          ? t.moreSpecifics(filter.within)
          : []
        : t.entries();
      for (const e of src) {
        if (out.length >= limit) return out;
        if (ok(e.set)) out.push(e);
      }
    }
    return out;
  }

  get counts(): Record<Family, number> {
    return { ipv4: this.ipv4.count, ipv6: this.ipv6.count };
  }

  get versions(): Record<Family, number> {
    return { ipv4: this.ipv4.version, ipv6: this.ipv6.version };
  }

  clear(): void {
    this.ipv4.clear();
    this.ipv6.clear();
  }

  private tableFor(prefix: string): V4Table | V6Table {
    return prefix.indexOf(':') >= 0 ? this.ipv6 : this.ipv4;
  }
}

function matches(a: PathAttributes, f: RouteFilter): boolean {
  if (f.asPathContains !== undefined) {
    const asn = f.asPathContains;
    if (!(a.asPath ?? []).some((s) => s.asns.includes(asn))) return false;
  }
  if (f.community !== undefined && !(a.communities ?? []).includes(f.community)) return false;
  if (f.largeCommunity !== undefined) {
    const [x, y, z] = f.largeCommunity;
    if (!(a.largeCommunities ?? []).some((c) => c[0] === x && c[1] === y && c[2] === z)) return false;
  }
  return true;
}
