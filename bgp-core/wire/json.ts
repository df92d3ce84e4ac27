// yabgp-style JSON attributes: an object keyed by type code as a string (see spec/bgp.md).
import { ATTR_FLAGS, WELL_KNOWN_COMMUNITIES } from './constants';
import { EncodeError } from './errors';
import { AsPathSegment, PathAttributes, UnknownAttribute, encodeExtCommunity } from './attributes';
import { isIPv4 } from './ip';

export type JsonAttributes = Record<string, unknown>;

const COMMUNITY_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(WELL_KNOWN_COMMUNITIES).map(([name, v]) => [v, name] as [number, string]),
);

export function formatCommunity(c: number): string {
  return COMMUNITY_NAMES.get(c) ?? `${c >>> 16}:${c & 0xffff}`;
}

export function parseCommunity(text: string): number {
  const wk = WELL_KNOWN_COMMUNITIES[text];
  if (wk !== undefined) return wk;
  const m = /^(\d+):(\d+)$/.exec(text);
  if (!m || Number(m[1]) > 0xffff || Number(m[2]) > 0xffff) throw new EncodeError(`invalid community "${text}"`);
  return ((Number(m[1]) << 16) | Number(m[2])) >>> 0;
}

const segJson = (segs: AsPathSegment[]): [number, number[]][] => segs.map((s) => [s.type, s.asns.slice()]);

/** Typed attributes -> yabgp JSON. */
export function attrsToJson(a: PathAttributes): JsonAttributes {
  const j: JsonAttributes = {};
  if (a.origin !== undefined) j['1'] = a.origin;
  if (a.asPath !== undefined) j['2'] = segJson(a.asPath);
  if (a.nextHop !== undefined) j['3'] = a.nextHop;
  if (a.med !== undefined) j['4'] = a.med;
  if (a.localPref !== undefined) j['5'] = a.localPref;
  if (a.atomicAggregate) j['6'] = '';
  if (a.aggregator !== undefined) j['7'] = [a.aggregator.asn, a.aggregator.address];
  if (a.communities !== undefined) j['8'] = a.communities.map(formatCommunity);
  if (a.originatorId !== undefined) j['9'] = a.originatorId;
  if (a.clusterList !== undefined) j['10'] = a.clusterList.slice();
  if (a.mpReach !== undefined) {
    const m: Record<string, unknown> = { afi_safi: [a.mpReach.afi, a.mpReach.safi], nexthop: a.mpReach.nextHop };
    if (a.mpReach.linkLocalNextHop) m.linklocal_nexthop = a.mpReach.linkLocalNextHop;
    m.nlri = a.mpReach.nlri.slice();
    j['14'] = m;
  }
  if (a.mpUnreach !== undefined) j['15'] = { afi_safi: [a.mpUnreach.afi, a.mpUnreach.safi], withdraw: a.mpUnreach.withdraw.slice() };
  if (a.extCommunities !== undefined) j['16'] = a.extCommunities.slice();
  if (a.as4Path !== undefined) j['17'] = segJson(a.as4Path);
  if (a.as4Aggregator !== undefined) j['18'] = [a.as4Aggregator.asn, a.as4Aggregator.address];
  if (a.largeCommunities !== undefined) j['32'] = a.largeCommunities.map(([x, y, z]) => `${x}:${y}:${z}`);
  for (const u of a.unknown ?? []) j[String(u.code)] = { flags: u.flags, value: u.value.toString('hex') };
  return j;
}

function fail(code: string, name: string, why: string): never {
  throw new EncodeError(`attribute ${code} (${name}): ${why}`);
}

function uint(v: unknown, max: number, code: string, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) fail(code, name, `${JSON.stringify(v)} is not an integer 0..${max}`);
  return v;
}

function ipv4(v: unknown, code: string, name: string): string {
  if (typeof v !== 'string' || !isIPv4(v)) fail(code, name, `${JSON.stringify(v)} is not a dotted IPv4 address`);
  return v;
}

function strList(v: unknown, code: string, name: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(code, name, 'expected a list of strings');
  return v as string[];
}

function asPath(v: unknown, code: string, name: string): AsPathSegment[] {
  if (!Array.isArray(v)) fail(code, name, 'expected a list of [type, [asn, ...]] segments');
  return v.map((seg: unknown) => {
    if (!Array.isArray(seg) || seg.length !== 2 || !Array.isArray(seg[1])) fail(code, name, 'segment must be [type, [asn, ...]]');
    const type = uint(seg[0], 4, code, name);
    if (type < 1) fail(code, name, 'segment type must be 1..4');
    const asns = (seg[1] as unknown[]).map((x) => uint(x, 0xffffffff, code, name));
    if (asns.length === 0) fail(code, name, 'segment with no ASNs');
    return { type, asns };
  });
}

function prefixList(v: unknown, code: string, name: string): string[] {
  if (v === undefined) return [];
  return strList(v, code, name);
}

function afiSafi(v: unknown, code: string, name: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) fail(code, name, 'afi_safi must be [afi, safi]');
  return [uint(v[0], 0xffff, code, name), uint(v[1], 255, code, name)];
}

/** yabgp JSON -> typed attributes. Throws EncodeError naming the offending attribute. */
export function jsonToAttrs(j: unknown): PathAttributes {
  if (j === null || typeof j !== 'object' || Array.isArray(j)) throw new EncodeError('attr must be an object keyed by type code');
  const a: PathAttributes = {};
  const unknown: UnknownAttribute[] = [];
  for (const [key, v] of Object.entries(j as Record<string, unknown>)) {
    if (!/^\d{1,3}$/.test(key) || Number(key) > 255) throw new EncodeError(`attribute key "${key}" is not a type code`);
    switch (key) {
      case '1':
        a.origin = uint(v, 2, key, 'ORIGIN');
        break;
      case '2':
        a.asPath = asPath(v, key, 'AS_PATH');
        break;
      case '3':
        a.nextHop = ipv4(v, key, 'NEXT_HOP');
        break;
      case '4':
        a.med = uint(v, 0xffffffff, key, 'MED');
        break;
      case '5':
        a.localPref = uint(v, 0xffffffff, key, 'LOCAL_PREF');
        break;
      case '6':
        if (v !== '' && v !== true && v !== null) fail(key, 'ATOMIC_AGGREGATE', 'expected ""');
        a.atomicAggregate = true;
        break;
      case '7':
      case '18': {
        const name = key === '7' ? 'AGGREGATOR' : 'AS4_AGGREGATOR';
        if (!Array.isArray(v) || v.length !== 2) fail(key, name, 'expected [asn, "ip"]');
        const ag = { asn: uint(v[0], 0xffffffff, key, name), address: ipv4(v[1], key, name) };
        if (key === '7') a.aggregator = ag;
        else a.as4Aggregator = ag;
        break;
      }
      case '8':
        a.communities = strList(v, key, 'COMMUNITY').map((t) => {
          try {
            return parseCommunity(t);
          } catch (e) {
            return fail(key, 'COMMUNITY', (e as Error).message);
          }
        });
        break;
      case '9':
        a.originatorId = ipv4(v, key, 'ORIGINATOR_ID');
        break;
      case '10':
        a.clusterList = strList(v, key, 'CLUSTER_LIST').map((x) => ipv4(x, key, 'CLUSTER_LIST'));
        break;
      case '14': {
        const name = 'MP_REACH_NLRI';
        if (v === null || typeof v !== 'object') fail(key, name, 'expected an object');
        const o = v as Record<string, unknown>;
        const [afi, safi] = afiSafi(o.afi_safi, key, name);
        if (typeof o.nexthop !== 'string') fail(key, name, 'nexthop is required');
        a.mpReach = { afi, safi, nextHop: o.nexthop, nlri: prefixList(o.nlri, key, name) };
        if (o.linklocal_nexthop !== undefined && o.linklocal_nexthop !== null && o.linklocal_nexthop !== '') {
          if (typeof o.linklocal_nexthop !== 'string') fail(key, name, 'linklocal_nexthop must be a string');
          a.mpReach.linkLocalNextHop = o.linklocal_nexthop;
        }
        break;
      }
      case '15': {
        const name = 'MP_UNREACH_NLRI';
        if (v === null || typeof v !== 'object') fail(key, name, 'expected an object');
        const o = v as Record<string, unknown>;
        const [afi, safi] = afiSafi(o.afi_safi, key, name);
        a.mpUnreach = { afi, safi, withdraw: prefixList(o.withdraw, key, name) };
        break;
      }
      case '16':
        a.extCommunities = strList(v, key, 'EXTENDED_COMMUNITY');
        for (const t of a.extCommunities) {
          try {
            encodeExtCommunity(t, Buffer.alloc(8), 0);
          } catch (e) {
            fail(key, 'EXTENDED_COMMUNITY', (e as Error).message);
          }
        }
        break;
      case '17':
        a.as4Path = asPath(v, key, 'AS4_PATH');
        break;
      case '32':
        a.largeCommunities = strList(v, key, 'LARGE_COMMUNITY').map((t) => {
          const m = /^(\d+):(\d+):(\d+)$/.exec(t);
          const parts = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
          if (!m || parts.some((x) => x > 0xffffffff)) fail(key, 'LARGE_COMMUNITY', `invalid large community "${t}"`);
          return parts as [number, number, number];
        });
        break;
      default: {
        const code = Number(key);
        if (code in ATTR_FLAGS) fail(key, 'attribute', 'not supported');
        const o = v as { flags?: unknown; value?: unknown } | null;
        if (o === null || typeof o !== 'object' || typeof o.value !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(o.value)) {
          fail(key, 'unknown', 'expected {"flags": n, "value": "<hex>"}');
        }
        const flags = o.flags === undefined ? 0xc0 : uint(o.flags, 255, key, 'unknown');
        if (!(flags & 0x80)) fail(key, 'unknown', 'only optional attributes of unknown type can be sent');
        unknown.push({ flags, code, value: Buffer.from(o.value as string, 'hex') });
      }
    }
  }
  // AS4_* are received-only (spec): they are regenerated from AS_PATH/AGGREGATOR when sending.
  delete a.as4Path;
  delete a.as4Aggregator;
  if (unknown.length > 0) a.unknown = unknown;
  return a;
}
