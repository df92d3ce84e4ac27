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
  attrKeyAs4,
  attrKeyMpNextHop,
  attrKeyTlvs,
  decodeAttrKey,
  formatIPv4,
  v4PrefixAt,
  v6KeyAt,
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
    return attrKeyAs4(this.key);
  }

  get mpNextHop(): Buffer | null {
    return attrKeyMpNextHop(this.key);
  }

  /** Encoded attribute TLVs (MP attributes excluded). */
  tlvBytes(): Buffer {
    return attrKeyTlvs(this.key);
  }
}

/**
 * A copy of a latin1 string as one flat string. Keys are built by concatenation, which V8 keeps as
 * a rope (a node pointing at its parts); a key kept for the life of a route should not carry that.
 */
function flatString(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

/** Interns AttrSets by key; shared by all peers of a speaker. */
export class AttrPool {
  private readonly sets = new Map<string, AttrSet>();

  acquire(key: string): AttrSet {
    let s = this.sets.get(key);
    if (!s) {
      s = new AttrSet(flatString(key));
      this.sets.set(s.key, s);
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
  /** The Add-Path path identifier (RFC 7911) when the route was learned with one. */
  pathId?: number;
}

/**
 * The paths of one prefix learned with Add-Path (RFC 7911): path identifiers and their attribute
 * sets, index for index. A table holds either a bare AttrSet (one path, no identifier) or a PathSet
 * per prefix, so sessions without Add-Path pay nothing for it.
 */
export class PathSet {
  readonly ids: number[] = [];
  readonly sets: AttrSet[] = [];
}

type Slot = AttrSet | PathSet;

/** Common view of one address family's table. */
export interface RouteTable {
  readonly family: Family;
  /** Routes held: prefixes, or (prefix, path identifier) pairs for Add-Path routes. */
  readonly count: number;
  /** +1 for each NLRI that is new, changed, or withdrawn while present. */
  version: number;
  exact(prefix: string): RouteEntry | null;
  /** Every path of one prefix (one entry unless it was learned with Add-Path). */
  exactAll(prefix: string): RouteEntry[];
  longestMatch(address: string): RouteEntry | null;
  moreSpecifics(prefix: string, limit?: number): RouteEntry[];
  entries(): IterableIterator<RouteEntry>;
  clear(): void;
}

/** Routes a slot holds. */
const slotSize = (v: Slot): number => (v instanceof PathSet ? v.ids.length : 1);

/** Drops a slot's pool references. */
function releaseSlot(pool: AttrPool, v: Slot): void {
  if (v instanceof PathSet) for (const s of v.sets) pool.release(s);
  else pool.release(v);
}

/** The entries of one slot for a prefix text. */
function slotEntries(prefix: string, v: Slot, out: RouteEntry[], limit = Infinity): void {
  if (!(v instanceof PathSet)) {
    if (out.length < limit) out.push({ prefix, set: v });
    return;
  }
  for (let i = 0; i < v.ids.length && out.length < limit; i++) out.push({ prefix, set: v.sets[i], pathId: v.ids[i] });
}

/**
 * Writes path `pathId` of a prefix into its slot; returns the slot to store (a new PathSet when
 * there was none) and how the route count changes. Takes a pool reference for `s` when stored.
 */
function putPath(pool: AttrPool, old: Slot | undefined, pathId: number, s: AttrSet): { slot: Slot; added: number; changed: boolean } {
  if (old instanceof PathSet) {
    const i = old.ids.indexOf(pathId);
    if (i >= 0) {
      if (old.sets[i] === s) return { slot: old, added: 0, changed: false };
      s.refs++;
      pool.release(old.sets[i]);
      old.sets[i] = s;
      return { slot: old, added: 0, changed: true };
    }
    s.refs++;
    old.ids.push(pathId);
    old.sets.push(s);
    return { slot: old, added: 1, changed: true };
  }
  // None yet, or a route without identifier from before the session used Add-Path: replaced.
  const ps = new PathSet();
  s.refs++;
  ps.ids.push(pathId);
  ps.sets.push(s);
  if (old) pool.release(old);
  return { slot: ps, added: old ? 0 : 1, changed: true };
}

/** Removes path `pathId` from a slot; returns the routes removed (0 or 1). */
function dropPath(pool: AttrPool, old: PathSet, pathId: number): number {
  const i = old.ids.indexOf(pathId);
  if (i < 0) return 0;
  pool.release(old.sets[i]);
  old.ids.splice(i, 1);
  old.sets.splice(i, 1);
  return 1;
}

export class V4Table implements RouteTable {
  readonly family = 'ipv4' as const;
  version = 0;
  count = 0;
  /** byLen[len] maps (addr | 0) -> AttrSet, or PathSet for Add-Path routes. */
  private readonly byLen: (Map<number, Slot> | undefined)[] = new Array(33);
  private stale: (Map<number, Slot> | undefined)[] | null = null;

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
    if (old) {
      releaseSlot(this.pool, old);
      this.count -= slotSize(old) - 1;
    } else this.count++;
    this.version++;
  }

  /** Stores one Add-Path route (RFC 7911): the prefix's other paths stay. */
  setPath(addr: number, len: number, pathId: number, s: AttrSet): void {
    let m = this.byLen[len];
    if (!m) m = this.byLen[len] = new Map();
    const k = addr | 0;
    if (this.stale) this.stale[len]?.delete(k);
    const old = m.get(k);
    const r = putPath(this.pool, old, pathId, s);
    if (!r.changed) return;
    if (r.slot !== old) m.set(k, r.slot);
    this.count += r.added;
    this.version++;
  }

  /** Withdraws one Add-Path route; true when it was there. */
  deletePath(addr: number, len: number, pathId: number): boolean {
    const m = this.byLen[len];
    if (!m) return false;
    const k = addr | 0;
    if (this.stale) this.stale[len]?.delete(k);
    const old = m.get(k);
    if (!(old instanceof PathSet) || dropPath(this.pool, old, pathId) === 0) return false;
    if (old.ids.length === 0) m.delete(k);
    this.count--;
    this.version++;
    return true;
  }

  /** Withdraws a prefix with all its paths. */
  delete(addr: number, len: number): boolean {
    const m = this.byLen[len];
    if (!m) return false;
    const k = addr | 0;
    const old = m.get(k);
    if (this.stale) this.stale[len]?.delete(k);
    if (!old) return false;
    m.delete(k);
    releaseSlot(this.pool, old);
    this.count -= slotSize(old);
    this.version++;
    return true;
  }

  /** The prefix's attribute set (its first path for an Add-Path prefix). */
  get(addr: number, len: number): AttrSet | undefined {
    const v = this.byLen[len]?.get(addr | 0);
    return v instanceof PathSet ? v.sets[0] : v;
  }

  exact(prefix: string): RouteEntry | null {
    return this.exactAll(prefix)[0] ?? null;
  }

  exactAll(prefix: string): RouteEntry[] {
    const p = parsePrefix(prefix, true);
    const out: RouteEntry[] = [];
    if (p.afi !== 1) return out;
    const v = this.byLen[p.len]?.get(p.v4 | 0);
    if (v) slotEntries(`${formatIPv4(p.v4)}/${p.len}`, v, out);
    return out;
  }

  longestMatch(address: string): RouteEntry | null {
    const p = parsePrefix(address, true);
    if (p.afi !== 1) return null;
    for (let len = p.len; len >= 0; len--) {
      const m = this.byLen[len];
      if (!m || m.size === 0) continue;
      const a = maskV4(p.v4, len);
      const v = m.get(a | 0);
      if (v) {
        const out: RouteEntry[] = [];
        slotEntries(`${formatIPv4(a)}/${len}`, v, out, 1);
        return out[0];
      }
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
      for (const [k, v] of m) {
        if (maskV4(k >>> 0, p.len) === p.v4) {
          slotEntries(`${formatIPv4(k >>> 0)}/${len}`, v, out, limit);
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
      for (const [k, v] of m) {
        if (!(v instanceof PathSet)) {
          yield { prefix: `${formatIPv4(k >>> 0)}/${len}`, set: v };
          continue;
        }
        const out: RouteEntry[] = [];
        slotEntries(`${formatIPv4(k >>> 0)}/${len}`, v, out);
        yield* out;
      }
    }
  }

  /** Calls fn(addr, len, set, pathId) for every route without allocating entries. */
  forEach(fn: (addr: number, len: number, s: AttrSet, pathId?: number) => void): void {
    for (let len = 0; len <= 32; len++) {
      const m = this.byLen[len];
      if (!m) continue;
      for (const [k, v] of m) {
        if (!(v instanceof PathSet)) fn(k >>> 0, len, v);
        else for (let i = 0; i < v.ids.length; i++) fn(k >>> 0, len, v.sets[i], v.ids[i]);
      }
    }
  }

  /**
   * Enhanced route refresh (RFC 7313): remember current routes; endRefresh drops the prefixes not
   * re-sent (an Add-Path prefix as a whole).
   */
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
    for (let len = 0; len <= 32; len++) {
      const m = this.byLen[len];
      if (!m) continue;
      for (const v of m.values()) releaseSlot(this.pool, v);
      this.byLen[len] = undefined;
    }
    this.version += this.count;
    this.count = 0;
    this.stale = null;
  }
}

export class V6Table implements RouteTable {
  readonly family = 'ipv6' as const;
  version = 0;
  count = 0;
  private readonly map = new Map<string, Slot>();
  private stale: Map<string, Slot> | null = null;

  constructor(private readonly pool: AttrPool) {}

  set(key: string, s: AttrSet): void {
    const old = this.map.get(key);
    this.stale?.delete(key);
    if (old === s) return;
    s.refs++;
    this.map.set(key, s);
    if (old) {
      releaseSlot(this.pool, old);
      this.count -= slotSize(old) - 1;
    } else this.count++;
    this.version++;
  }

  setPath(key: string, pathId: number, s: AttrSet): void {
    this.stale?.delete(key);
    const old = this.map.get(key);
    const r = putPath(this.pool, old, pathId, s);
    if (!r.changed) return;
    if (r.slot !== old) this.map.set(key, r.slot);
    this.count += r.added;
    this.version++;
  }

  deletePath(key: string, pathId: number): boolean {
    this.stale?.delete(key);
    const old = this.map.get(key);
    if (!(old instanceof PathSet) || dropPath(this.pool, old, pathId) === 0) return false;
    if (old.ids.length === 0) this.map.delete(key);
    this.count--;
    this.version++;
    return true;
  }

  delete(key: string): boolean {
    const old = this.map.get(key);
    this.stale?.delete(key);
    if (!old) return false;
    this.map.delete(key);
    releaseSlot(this.pool, old);
    this.count -= slotSize(old);
    this.version++;
    return true;
  }

  get(key: string): AttrSet | undefined {
    const v = this.map.get(key);
    return v instanceof PathSet ? v.sets[0] : v;
  }

  exact(prefix: string): RouteEntry | null {
    return this.exactAll(prefix)[0] ?? null;
  }

  exactAll(prefix: string): RouteEntry[] {
    const p = parsePrefix(prefix, true);
    const out: RouteEntry[] = [];
    if (p.afi !== 2) return out;
    const key = v6Key(p.v6, p.len);
    const v = this.map.get(key);
    if (v) slotEntries(v6KeyToString(key), v, out);
    return out;
  }

  longestMatch(address: string): RouteEntry | null {
    const p = parsePrefix(address, true);
    if (p.afi !== 2) return null;
    for (let len = p.len; len >= 0; len--) {
      const key = v6Key(p.v6, len);
      const v = this.map.get(key);
      if (v) {
        const out: RouteEntry[] = [];
        slotEntries(v6KeyToString(key), v, out, 1);
        return out[0];
      }
    }
    return null;
  }

  moreSpecifics(prefix: string, limit = Infinity): RouteEntry[] {
    const p = parsePrefix(prefix, true);
    const out: RouteEntry[] = [];
    if (p.afi !== 2) return out;
    const want = v6Key(p.v6, p.len).slice(1);
    for (const [k, v] of this.map) {
      const len = v6KeyLen(k);
      if (len < p.len) continue;
      if (v6Key(v6KeyBytes(k), p.len).slice(1) === want) {
        slotEntries(v6KeyToString(k), v, out, limit);
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  *entries(): IterableIterator<RouteEntry> {
    for (const [k, v] of this.map) {
      const out: RouteEntry[] = [];
      slotEntries(v6KeyToString(k), v, out);
      yield* out;
    }
  }

  forEach(fn: (key: string, s: AttrSet, pathId?: number) => void): void {
    for (const [k, v] of this.map) {
      if (!(v instanceof PathSet)) fn(k, v);
      else for (let i = 0; i < v.ids.length; i++) fn(k, v.sets[i], v.ids[i]);
    }
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
    for (const v of this.map.values()) releaseSlot(this.pool, v);
    this.version += this.count;
    this.count = 0;
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

const acceptAll = (): boolean => true;

/** One question to a RIB, as plain data (it crosses the speaker thread's port). */
export type RouteQuery = { exact: string; limit?: number } | { longestMatch: string } | { filter: RouteFilter };

// Bound once here: called per prefix, an imported function is read through its module's export getter each time.
const prefixV4At = v4PrefixAt;
const prefixV6At = v6KeyAt;

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
  applyUpdate(d: DecodedUpdate, accept: (f: Family) => boolean = acceptAll): ApplyResult {
    const r: ApplyResult = { announced: 0, withdrawn: 0, family: null };
    const buf = d.buf;
    if (d.withdrawnEnd > d.withdrawnStart) {
      r.family = 'ipv4';
      r.withdrawn += this.withdrawRange('ipv4', buf, d.withdrawnStart, d.withdrawnEnd, d.addPath.ipv4);
    }
    const mu = d.mpUnreach;
    const muFam = mu ? familyOf(mu.afi, mu.safi) : null;
    if (mu && muFam && accept(muFam)) {
      r.family = muFam;
      r.withdrawn += this.withdrawRange(muFam, buf, mu.start, mu.end, d.addPath[muFam]);
    }
    const mr = d.mpReach;
    const mrFam = mr ? familyOf(mr.afi, mr.safi) : null;
    const hasV4 = d.nlriEnd > d.nlriStart;
    const hasMp = mr !== null && mrFam !== null && mr.end > mr.start && accept(mrFam);
    if (!hasV4 && !hasMp) return r;
    if (d.treatAsWithdraw) {
      if (hasV4) r.withdrawn += this.withdrawRange('ipv4', buf, d.nlriStart, d.nlriEnd, d.addPath.ipv4);
      if (hasMp && mr && mrFam) r.withdrawn += this.withdrawRange(mrFam, buf, mr.start, mr.end, d.addPath[mrFam]);
      r.family = hasMp ? mrFam : 'ipv4';
      return r;
    }
    // One pool reference held while inserting, so the set cannot vanish midway.
    const s = this.pool.acquire(d.attrKey);
    try {
      if (hasV4) {
        r.family = 'ipv4';
        r.announced += this.announceRange('ipv4', buf, d.nlriStart, d.nlriEnd, d.addPath.ipv4, s);
      }
      if (hasMp && mr && mrFam) {
        r.family = mrFam;
        r.announced += this.announceRange(mrFam, buf, mr.start, mr.end, d.addPath[mrFam], s);
      }
    } finally {
      this.pool.release(s);
    }
    return r;
  }

  /**
   * Stores every prefix of a checked NLRI range (plain loops, no callbacks: this runs for every
   * prefix of a full table). With path identifiers (RFC 7911) each path is a route of its own.
   */
  private announceRange(f: Family, buf: Buffer, start: number, end: number, pathIds: boolean, s: AttrSet): number {
    let n = 0;
    let off = start;
    // One loop per case, so the per-prefix work has no family or Add-Path branch.
    if (f === 'ipv4' && !pathIds) {
      const t = this.ipv4;
      for (; off < end; n++, off += 1 + ((buf[off] + 7) >> 3)) t.set(prefixV4At(buf, off), buf[off], s);
    } else if (f === 'ipv6' && !pathIds) {
      const t = this.ipv6;
      for (; off < end; n++, off += 1 + ((buf[off] + 7) >> 3)) t.set(prefixV6At(buf, off), s);
    } else if (f === 'ipv4') {
      const t = this.ipv4;
      for (; off < end; n++, off += 5 + ((buf[off + 4] + 7) >> 3)) t.setPath(prefixV4At(buf, off + 4), buf[off + 4], buf.readUInt32BE(off), s);
    } else {
      const t = this.ipv6;
      for (; off < end; n++, off += 5 + ((buf[off + 4] + 7) >> 3)) t.setPath(prefixV6At(buf, off + 4), buf.readUInt32BE(off), s);
    }
    return n;
  }

  /** Withdraws every prefix of a checked range (one path of it where path identifiers apply); returns those that were there. */
  private withdrawRange(f: Family, buf: Buffer, start: number, end: number, pathIds: boolean): number {
    let n = 0;
    const skip = pathIds ? 4 : 0;
    for (let off = start; off < end; ) {
      const p = off + skip;
      let gone: boolean;
      if (f === 'ipv4') gone = pathIds ? this.ipv4.deletePath(prefixV4At(buf, p), buf[p], buf.readUInt32BE(off)) : this.ipv4.delete(prefixV4At(buf, p), buf[p]);
      else gone = pathIds ? this.ipv6.deletePath(prefixV6At(buf, p), buf.readUInt32BE(off)) : this.ipv6.delete(prefixV6At(buf, p));
      if (gone) n++;
      off = p + 1 + ((buf[p] + 7) >> 3);
    }
    return n;
  }

  exact(prefix: string): RouteEntry | null {
    return this.tableFor(prefix).exact(prefix);
  }

  /** Every path of one prefix (several when learned with Add-Path). */
  exactAll(prefix: string): RouteEntry[] {
    return this.tableFor(prefix).exactAll(prefix);
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

  /** Answers a RouteQuery: every path of the exact prefix (up to its limit), the longest match, or the filter's scan. */
  query(q: RouteQuery): RouteEntry[] {
    if ('exact' in q) return this.exactAll(q.exact).slice(0, q.limit ?? Infinity);
    if ('longestMatch' in q) {
      const e = this.longestMatch(q.longestMatch);
      return e ? [e] : [];
    }
    return this.find(q.filter);
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
