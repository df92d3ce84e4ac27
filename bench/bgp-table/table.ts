// A synthetic table shaped like the Internet's, for bench/bgp-table: prefix lengths, AS path lengths,
// prepending, 4-byte ASNs, communities, large communities and MEDs drawn from rough distributions of
// today's full tables, grouped into a given number of distinct attribute sets. Deterministic (seeded),
// so the feeder process and the benchmark build the same table.
import { AsPathSegment, PathAttributes, encodeAttributes, packV4, v6Key } from '../../bgp-core';
import { seededRandom } from '../../test/helpers/rng';

export interface TableOptions {
  v4: number;
  v6: number;
  /** Distinct attribute sets over both families (split in proportion to the prefix counts). */
  sets: number;
  feederAs: number;
  v4NextHop: string;
  v6NextHop: string;
  seed?: number;
}

export interface TableGroup {
  family: 'ipv4' | 'ipv6';
  /** Attributes without NEXT_HOP / MP_REACH (added per family by the users). */
  attrs: PathAttributes;
  /** IPv4: packed (len * 2^32 + addr); IPv6: compact keys (see v6Key). */
  v4: number[];
  v6: string[];
}

export interface Table {
  groups: TableGroup[];
  v4: number;
  v6: number;
  /** AS path lengths (after prepending) -> number of attribute sets. */
  pathLengths: Map<number, number>;
}

/** Picks a key of `weights` with probability proportional to its weight. */
function weighted(r: () => number, weights: readonly (readonly [number, number])[]): number {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of weights) {
    x -= w;
    if (x <= 0) return v;
  }
  return weights[weights.length - 1][0];
}

// Share of each IPv4 prefix length in a 2024-era full table (about 60% /24s).
const V4_LENGTHS: readonly (readonly [number, number])[] = [
  [8, 0.00001], [9, 0.00002], [10, 0.00005], [11, 0.0001], [12, 0.0003], [13, 0.0006], [14, 0.001], [15, 0.002],
  [16, 0.013], [17, 0.008], [18, 0.014], [19, 0.025], [20, 0.045], [21, 0.05], [22, 0.11], [23, 0.09], [24, 0.64],
];
// IPv6: /48s dominate, then /32s, /44s and /40s.
const V6_LENGTHS: readonly (readonly [number, number])[] = [
  [28, 0.01], [29, 0.03], [30, 0.005], [31, 0.005], [32, 0.12], [33, 0.015], [34, 0.01], [35, 0.01], [36, 0.04],
  [37, 0.005], [38, 0.01], [39, 0.005], [40, 0.06], [41, 0.005], [42, 0.015], [43, 0.005], [44, 0.05], [45, 0.02],
  [46, 0.03], [47, 0.02], [48, 0.5], [56, 0.01], [64, 0.005],
];
// AS path length as seen from the feeder, its own AS included (mean about 4.4).
const PATH_LENGTHS: readonly (readonly [number, number])[] = [
  [1, 0.01], [2, 0.12], [3, 0.3], [4, 0.28], [5, 0.15], [6, 0.07], [7, 0.035], [8, 0.02], [9, 0.008], [10, 0.004], [12, 0.002], [15, 0.001],
];
// Well-connected transit networks: most paths cross one or two of them.
const TRANSIT = [174, 209, 701, 1299, 2914, 3257, 3320, 3356, 3491, 5511, 6453, 6461, 6762, 6830, 6939, 7018, 9002, 12956, 1273, 4637, 7473, 2497, 4826, 9498, 6695, 8359, 12389, 20485, 31133, 24940];

/** Unique IPv4 prefixes: a random, aligned address for each length (overlaps allowed, as in real tables). */
function v4Prefixes(r: () => number, n: number): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  while (out.length < n) {
    const len = weighted(r, V4_LENGTHS);
    // 1.0.0.0 - 223.255.255.255 without 10/8 and 127/8.
    let top = 1 + Math.floor(r() * 223);
    if (top === 10 || top === 127) top = 11;
    const addr = ((top << 24) | Math.floor(r() * 0x1000000)) >>> 0;
    const masked = len === 0 ? 0 : (addr & (0xffffffff << (32 - len))) >>> 0;
    const key = packV4(masked, len);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(key);
  }
  return out;
}

function v6Prefixes(r: () => number, n: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const b = Buffer.alloc(16);
  while (out.length < n) {
    const len = weighted(r, V6_LENGTHS);
    // 2001:: - 2c0f:: (allocated global unicast), random below.
    b.writeUInt16BE(0x2001 + Math.floor(r() * 0xc0e), 0);
    b.writeUInt16BE(Math.floor(r() * 0x10000), 2);
    for (let i = 4; i < 16; i += 4) b.writeUInt32BE(Math.floor(r() * 4294967296), i);
    const key = v6Key(b, len);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(key);
  }
  return out;
}

function asPath(r: () => number, feederAs: number): AsPathSegment[] {
  const len = weighted(r, PATH_LENGTHS);
  const asns = [feederAs];
  for (let i = 1; i < len - 1; i++) {
    // Transit hops: the first ones from the well-connected set, deeper ones anywhere.
    asns.push(i <= 2 && r() < 0.7 ? TRANSIT[Math.floor(r() * r() * TRANSIT.length)] : 1000 + Math.floor(r() * 60000));
  }
  if (len > 1) {
    // Origins: about 45% need 4 bytes (allocated above 65535 since 2007).
    const origin = r() < 0.45 ? 131072 + Math.floor(r() * 270000) : 1000 + Math.floor(r() * 60000);
    asns.push(origin);
    // About 8% of paths are prepended by their origin, 1 to 5 times.
    if (r() < 0.08) for (let k = 1 + Math.floor(r() * 5); k > 0; k--) asns.push(origin);
  }
  return [{ type: 2, asns }];
}

function attributes(r: () => number, feederAs: number): PathAttributes {
  const a: PathAttributes = { origin: weighted(r, [[0, 0.85], [2, 0.13], [1, 0.02]]), asPath: asPath(r, feederAs) };
  if (r() < 0.4) a.med = r() < 0.5 ? [0, 10, 20, 50, 100, 200][Math.floor(r() * 6)] : Math.floor(r() * 5000);
  if (r() < 0.55) {
    // 1 to about 12 communities, mostly few: the feeder's own tags (where learned, region) and a transit's.
    const n = 1 + Math.floor(-Math.log(1 - r()) * 2.5);
    const cs = new Set<number>();
    for (let i = 0; i < Math.min(n, 24); i++) {
      const asn = r() < 0.7 ? feederAs : TRANSIT[Math.floor(r() * 12)];
      cs.add(((asn << 16) | Math.floor(r() * 4000)) >>> 0);
    }
    a.communities = [...cs].sort((x, y) => x - y);
  }
  if (r() < 0.18) {
    const n = 1 + Math.floor(r() * 3);
    a.largeCommunities = Array.from({ length: n }, () => [feederAs, 1 + Math.floor(r() * 10), Math.floor(r() * 100000)] as [number, number, number]);
  }
  if (r() < 0.03) {
    const p = a.asPath?.[0].asns ?? [feederAs];
    a.aggregator = { asn: p[p.length - 1], address: `192.0.2.${Math.floor(r() * 255)}` };
  }
  return a;
}

/**
 * Spreads prefixes over groups: every group gets one, the rest go to groups with a heavy-tailed
 * (Zipf-like) preference, as a few origins announce thousands of prefixes and most only one or two.
 */
function spread<T>(r: () => number, prefixes: T[], groups: T[][]): void {
  const n = groups.length;
  let i = 0;
  for (; i < Math.min(n, prefixes.length); i++) groups[i].push(prefixes[i]);
  for (; i < prefixes.length; i++) groups[Math.floor(n * r() ** 3)].push(prefixes[i]);
}

export function generateTable(o: TableOptions): Table {
  const r = seededRandom(o.seed ?? 20261206);
  const v4 = v4Prefixes(r, o.v4);
  const v6 = v6Prefixes(r, o.v6);
  const total = o.v4 + o.v6;
  const v4Sets = o.v6 === 0 ? o.sets : Math.max(1, Math.round((o.sets * o.v4) / total));
  const v6Sets = o.v6 === 0 ? 0 : Math.max(1, o.sets - v4Sets);
  const seen = new Set<string>();
  const pathLengths = new Map<number, number>();
  const distinct = (): PathAttributes => {
    for (;;) {
      const a = attributes(r, o.feederAs);
      const key = encodeAttributes(a, { as4: true }).toString('latin1');
      if (seen.has(key)) continue;
      seen.add(key);
      const len = a.asPath?.[0].asns.length ?? 0;
      pathLengths.set(len, (pathLengths.get(len) ?? 0) + 1);
      return a;
    }
  };
  const groups: TableGroup[] = [];
  const v4Keys: number[][] = Array.from({ length: v4Sets }, () => []);
  spread(r, v4, v4Keys);
  for (const keys of v4Keys) groups.push({ family: 'ipv4', attrs: distinct(), v4: keys, v6: [] });
  if (v6Sets > 0) {
    const v6Keys: string[][] = Array.from({ length: v6Sets }, () => []);
    spread(r, v6, v6Keys);
    // The same attribute bytes may appear in both families: the MP next hop makes them distinct sets.
    seen.clear();
    for (const keys of v6Keys) groups.push({ family: 'ipv6', attrs: distinct(), v4: [], v6: keys });
  }
  return { groups, v4: o.v4, v6: o.v6, pathLengths };
}
