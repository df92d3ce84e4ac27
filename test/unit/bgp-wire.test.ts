import {
  AS_TRANS,
  BgpError,
  DecodedUpdate,
  EncodeError,
  HEADER_LEN,
  StreamFramer,
  buildUpdates,
  decodeNotification,
  decodeOpen,
  decodeRouteRefresh,
  decodeUpdate,
  emptyCapabilities,
  encodeAttributes,
  encodeEndOfRib,
  encodeKeepalive,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  encodeShutdownNotification,
  forEachV4,
  forEachV6,
  formatIPv6,
  frame,
  jsonToAttrs,
  attrsToJson,
  mergeAs4Path,
  openAsn,
  parseIPv6,
  v4KeyToString,
  packV4,
  v6KeyToString,
} from '../../bgp-core/wire';
import { AdjRib, AttrPool } from '../../bgp-core/rib';
import { addPathUpdate } from '../helpers/bmp';
import { seededRandom } from '../helpers/rng';

function body(msg: Buffer): [Buffer, number, number] {
  return [msg, HEADER_LEN, msg.length];
}

function v4List(d: DecodedUpdate, which: 'nlri' | 'withdrawn'): string[] {
  const out: string[] = [];
  const [s, e] = which === 'nlri' ? [d.nlriStart, d.nlriEnd] : [d.withdrawnStart, d.withdrawnEnd];
  forEachV4(d.buf, s, e, (a, l) => out.push(v4KeyToString(packV4(a, l))));
  return out;
}

/** An UPDATE from raw attribute TLVs and IPv4 NLRI bytes. */
function rawUpdate(attrs: Buffer, nlri: Buffer = Buffer.from([24, 10, 0, 0]), withdrawn: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.concat([Buffer.from([withdrawn.length >> 8, withdrawn.length & 255]), withdrawn, Buffer.from([attrs.length >> 8, attrs.length & 255]), attrs, nlri]);
  return frame(2, b);
}

const BASE = Buffer.from([0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9, 0x40, 3, 4, 192, 0, 2, 1]); // origin, as_path [65001], nh

describe('addresses', () => {
  it('parses and formats IPv6 per RFC 5952', () => {
    expect(formatIPv6(parseIPv6('2001:DB8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(formatIPv6(parseIPv6('::'))).toBe('::');
    expect(formatIPv6(parseIPv6('::ffff:192.0.2.1'))).toBe('::ffff:c000:201');
    expect(() => parseIPv6('1::2::3')).toThrow(EncodeError);
  });
});

describe('OPEN', () => {
  it('round-trips capabilities and uses AS_TRANS for 4-byte ASNs', () => {
    const caps = emptyCapabilities();
    caps.multiprotocol = [[1, 1], [2, 1]];
    caps.routeRefresh = true;
    caps.enhancedRouteRefresh = true;
    caps.extendedMessage = true;
    caps.fourOctetAs = 4200000001;
    caps.gracefulRestart = { restartTime: 120, restarting: false, families: [{ afi: 1, safi: 1, forwarding: true }] };
    const msg = encodeOpen({ asn: 4200000001, holdTime: 90, bgpId: '192.0.2.1', capabilities: caps });
    const o = decodeOpen(...body(msg));
    expect(o.myAs).toBe(AS_TRANS);
    expect(openAsn(o)).toBe(4200000001);
    expect(o.holdTime).toBe(90);
    expect(o.capabilities).toEqual(caps);
  });

  it('uses RFC 9072 extended optional parameters when capabilities exceed 255 bytes', () => {
    const caps = emptyCapabilities();
    caps.unknown = Array.from({ length: 30 }, (_, i) => ({ code: 200 + (i % 10), value: Buffer.alloc(8, i) }));
    const o = decodeOpen(...body(encodeOpen({ asn: 65001, holdTime: 3, bgpId: '10.0.0.1', capabilities: caps })));
    expect(o.capabilities.unknown).toHaveLength(30);
  });

  it('rejects bad version, hold time, identifier and parameters with the right NOTIFICATION', () => {
    const good = encodeOpen({ asn: 65001, holdTime: 90, bgpId: '10.0.0.1', capabilities: emptyCapabilities() });
    const mut = (f: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(good);
      f(b);
      return b;
    };
    const err = (b: Buffer): BgpError => {
      try {
        decodeOpen(...body(b));
      } catch (e) {
        return e as BgpError;
      }
      throw new Error('no error');
    };
    expect(err(mut((b) => (b[19] = 3)))).toMatchObject({ code: 2, subcode: 1, data: Buffer.from([0, 4]) });
    expect(err(mut((b) => b.writeUInt16BE(2, 22)))).toMatchObject({ code: 2, subcode: 6 });
    expect(err(mut((b) => b.writeUInt32BE(0, 24)))).toMatchObject({ code: 2, subcode: 3 });
    const withParam = frame(1, Buffer.concat([good.subarray(19, 28), Buffer.from([3, 9, 1, 0])]));
    expect(err(withParam)).toMatchObject({ code: 2, subcode: 4 });
    expect(err(mut((b) => (b[28] = 5)))).toMatchObject({ code: 2, subcode: 0 });
  });
});

describe('UPDATE attributes', () => {
  it('round-trips every supported attribute through JSON, encoding and decoding', () => {
    const json = {
      '1': 2,
      '2': [[2, [65001, 4200000000]], [1, [65010, 65011]]],
      '3': '192.0.2.1',
      '4': 10,
      '5': 200,
      '6': '',
      '7': [4200000000, '192.0.2.9'],
      '8': ['65001:1', 'NO_EXPORT', 'BLACKHOLE'],
      '9': '10.0.0.9',
      '10': ['10.0.0.1', '10.0.0.2'],
      '16': ['route-target:65000:1', 'route-target:192.0.2.1:1', 'route-origin:4200000000:7'],
      '32': ['4200000000:1:2'],
      '99': { flags: 0xc0, value: 'deadbeef' },
    };
    const attrs = jsonToAttrs(json);
    const msgs = buildUpdates({ attrs, nlri: ['10.0.0.0/24', '10.0.1.0/24'] }, { as4: true });
    expect(msgs).toHaveLength(1);
    const d = decodeUpdate(...body(msgs[0]), { as4: true });
    expect(d.problems).toEqual([]);
    expect(d.treatAsWithdraw).toBe(false);
    expect(v4List(d, 'nlri')).toEqual(['10.0.0.0/24', '10.0.1.0/24']);
    expect(attrsToJson(d.attrs)).toEqual({ ...json });
  });

  it('uses the 2-octet-AS extended community form whenever the ASN fits (RFC 5668)', () => {
    const b = encodeAttributes({ extCommunities: ['route-target:65000:1'] }, { as4: true });
    expect(b.subarray(3, 5)).toEqual(Buffer.from([0x00, 0x02]));
  });

  it('sends LARGE_COMMUNITY with flags 0xC0 and marks forwarded unknown transitive attributes Partial', () => {
    const b = encodeAttributes({ largeCommunities: [[1, 2, 3]], unknown: [{ flags: 0xc0, code: 99, value: Buffer.from([1]) }] }, { as4: true, forwarding: true });
    expect(b[0]).toBe(0xc0);
    expect(b[1]).toBe(32);
    expect(b[15]).toBe(0xe0);
  });

  it('towards a 2-byte peer: AS_TRANS in AS_PATH/AGGREGATOR plus AS4_PATH/AS4_AGGREGATOR, merged back on receipt', () => {
    const attrs = jsonToAttrs({ '1': 0, '2': [[2, [65001, 4200000000, 65002]]], '3': '192.0.2.1', '7': [4200000000, '192.0.2.9'] });
    const [msg] = buildUpdates({ attrs, nlri: ['10.0.0.0/8'] }, { as4: false });
    const d = decodeUpdate(...body(msg), { as4: false });
    expect(d.attrs.as4Path).toEqual([{ type: 2, asns: [65001, 4200000000, 65002] }]);
    expect(d.attrs.asPath).toEqual([{ type: 2, asns: [65001, 4200000000, 65002] }]);
    expect(d.attrs.aggregator).toEqual({ asn: 4200000000, address: '192.0.2.9' });
  });

  it('merges AS4_PATH shorter than AS_PATH per RFC 6793', () => {
    const merged = mergeAs4Path([{ type: 2, asns: [100, 200, AS_TRANS, AS_TRANS] }], [{ type: 2, asns: [4200000001, 4200000002] }]);
    expect(merged).toEqual([{ type: 2, asns: [100, 200, 4200000001, 4200000002] }]);
    expect(mergeAs4Path([{ type: 2, asns: [1] }], [{ type: 2, asns: [2, 3] }])).toEqual([{ type: 2, asns: [1] }]);
  });

  it('splits NLRI over several UPDATEs to fit 4096 bytes', () => {
    const nlri = Array.from({ length: 3000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const msgs = buildUpdates({ attrs: { origin: 0, asPath: [], nextHop: '192.0.2.1' }, nlri, withdraw: nlri.slice(0, 2000) }, { as4: true });
    expect(msgs.length).toBeGreaterThan(4);
    let got = 0;
    let wd = 0;
    for (const m of msgs) {
      expect(m.length).toBeLessThanOrEqual(4096);
      const d = decodeUpdate(...body(m), { as4: true });
      got += v4List(d, 'nlri').length;
      wd += v4List(d, 'withdrawn').length;
    }
    expect(got).toBe(3000);
    expect(wd).toBe(2000);
  });

  it('encodes IPv6 via MP_REACH/MP_UNREACH with link-local next hop', () => {
    const attrs = jsonToAttrs({
      '1': 0,
      '2': [],
      '14': { afi_safi: [2, 1], nexthop: '2001:db8::1', linklocal_nexthop: 'fe80::1', nlri: ['2001:db8:1::/48', '2001:db8:2::/64'] },
    });
    const [m] = buildUpdates({ attrs }, { as4: true });
    const d = decodeUpdate(...body(m), { as4: true });
    expect(d.attrs.mpReach).toMatchObject({ afi: 2, safi: 1, nextHop: '2001:db8::1', linkLocalNextHop: 'fe80::1' });
    const got: string[] = [];
    forEachV6(d.buf, d.mpReach!.start, d.mpReach!.end, (k) => got.push(v6KeyToString(k)));
    expect(got).toEqual(['2001:db8:1::/48', '2001:db8:2::/64']);
    const [w] = buildUpdates({ attrs: jsonToAttrs({ '15': { afi_safi: [2, 1], withdraw: ['2001:db8:1::/48'] } }) }, { as4: true });
    const dw = decodeUpdate(...body(w), { as4: true });
    expect(dw.mpUnreach).toMatchObject({ afi: 2, safi: 1 });
  });

  it('names the attribute in encoding errors', () => {
    expect(() => jsonToAttrs({ '3': 'not-an-ip' })).toThrow(/attribute 3 \(NEXT_HOP\)/);
    expect(() => jsonToAttrs({ '8': ['70000:1'] })).toThrow(/attribute 8 \(COMMUNITY\)/);
    expect(() => jsonToAttrs({ '16': ['bogus'] })).toThrow(/attribute 16/);
    expect(() => buildUpdates({ attrs: { asPath: [] }, nlri: ['10.0.0.0/8'] }, { as4: true })).toThrow(/ORIGIN/);
    expect(() => buildUpdates({ attrs: { origin: 0 }, nlri: ['10.0.0.0/8'] }, { as4: true })).toThrow(/NEXT_HOP/);
    expect(() => buildUpdates({ attrs: { origin: 0, nextHop: '1.1.1.1' }, nlri: ['10.0.0.1/8'] }, { as4: true })).toThrow(/host bits/);
  });

  it('recognises End-of-RIB for IPv4 and IPv6', () => {
    expect(decodeUpdate(...body(encodeEndOfRib(1, 1)), { as4: true }).endOfRib).toEqual([1, 1]);
    expect(decodeUpdate(...body(encodeEndOfRib(2, 1)), { as4: true }).endOfRib).toEqual([2, 1]);
  });
});

describe('RFC 7606 error handling', () => {
  const dec = (attrs: Buffer, nlri?: Buffer): DecodedUpdate => decodeUpdate(...body(rawUpdate(attrs, nlri)), { as4: true });
  const reset = (msg: Buffer): BgpError => {
    try {
      decodeUpdate(...body(msg), { as4: true });
    } catch (e) {
      if (e instanceof BgpError) return e;
      throw e;
    }
    throw new Error('expected a BgpError');
  };

  it('accepts a well-formed base', () => {
    expect(dec(BASE).treatAsWithdraw).toBe(false);
  });
  it('treat-as-withdraw: bad ORIGIN value, bad NEXT_HOP length, bad AS_PATH, flags conflict', () => {
    expect(dec(Buffer.concat([Buffer.from([0x40, 1, 1, 7]), BASE.subarray(4)])).treatAsWithdraw).toBe(true);
    expect(dec(Buffer.concat([BASE.subarray(0, 13), Buffer.from([0x40, 3, 3, 1, 2, 3])])).treatAsWithdraw).toBe(true);
    expect(dec(Buffer.concat([BASE.subarray(0, 4), Buffer.from([0x40, 2, 3, 2, 1, 0]), BASE.subarray(13)])).treatAsWithdraw).toBe(true);
    expect(dec(Buffer.concat([Buffer.from([0xc0, 1, 1, 0]), BASE.subarray(4)])).treatAsWithdraw).toBe(true);
  });
  it('treat-as-withdraw: missing mandatory attribute, bad COMMUNITIES/LARGE length', () => {
    expect(dec(BASE.subarray(0, 13)).problems).toContain('treat-as-withdraw: missing NEXT_HOP');
    expect(dec(Buffer.concat([BASE, Buffer.from([0xc0, 8, 3, 1, 2, 3])])).treatAsWithdraw).toBe(true);
    expect(dec(Buffer.concat([BASE, Buffer.from([0xc0, 32, 4, 1, 2, 3, 4])])).treatAsWithdraw).toBe(true);
  });
  it('attribute discard: bad ATOMIC_AGGREGATE / AGGREGATOR length, keeps the route', () => {
    const d = dec(Buffer.concat([BASE, Buffer.from([0x40, 6, 1, 0]), Buffer.from([0xc0, 7, 2, 0, 0])]));
    expect(d.treatAsWithdraw).toBe(false);
    expect(d.attrs.atomicAggregate).toBeUndefined();
    expect(d.attrs.aggregator).toBeUndefined();
    expect(d.problems).toHaveLength(2);
  });
  it('duplicate attributes: first kept; duplicate MP_REACH resets the session', () => {
    const d = dec(Buffer.concat([BASE, Buffer.from([0x80, 4, 4, 0, 0, 0, 1, 0x80, 4, 4, 0, 0, 0, 2])]));
    expect(d.attrs.med).toBe(1);
    const mp = Buffer.from([0x80, 15, 3, 0, 2, 1]);
    expect(reset(rawUpdate(Buffer.concat([mp, mp]), Buffer.alloc(0)))).toMatchObject({ code: 3, subcode: 1 });
  });
  it('attribute overrunning the attribute field: treat-as-withdraw', () => {
    const d = dec(Buffer.concat([BASE, Buffer.from([0xc0, 8, 200, 1])]));
    expect(d.treatAsWithdraw).toBe(true);
  });
  it('session reset: bad lengths, bad NLRI, unrecognized well-known attribute', () => {
    const m = rawUpdate(BASE);
    const b1 = Buffer.from(m);
    b1.writeUInt16BE(500, 19);
    expect(reset(b1)).toMatchObject({ code: 3, subcode: 1 });
    expect(reset(rawUpdate(BASE, Buffer.from([33, 1, 2, 3, 4, 5])))).toMatchObject({ code: 3, subcode: 10 });
    expect(reset(rawUpdate(BASE, Buffer.from([24, 1])))).toMatchObject({ code: 3, subcode: 10 });
    expect(reset(rawUpdate(Buffer.concat([BASE, Buffer.from([0x40, 77, 0])])))).toMatchObject({ code: 3, subcode: 2 });
  });
  it('drops unknown optional non-transitive attributes and keeps transitive ones', () => {
    const d = dec(Buffer.concat([BASE, Buffer.from([0x80, 200, 1, 9, 0xc0, 201, 1, 8])]));
    expect(d.attrs.unknown).toEqual([{ flags: 0xc0, code: 201, value: Buffer.from([8]) }]);
  });
});

describe('other messages', () => {
  it('KEEPALIVE, NOTIFICATION with shutdown message, ROUTE-REFRESH subtypes', () => {
    expect(encodeKeepalive()).toHaveLength(19);
    const n = encodeShutdownNotification(2, 'maintenance');
    const dn = decodeNotification(...body(n));
    expect(dn).toMatchObject({ code: 6, subcode: 2, codeName: 'Cease', subcodeName: 'Administrative Shutdown', shutdownMessage: 'maintenance' });
    expect(decodeNotification(...body(encodeNotification(4, 0))).codeName).toBe('Hold Timer Expired');
    expect(decodeRouteRefresh(...body(encodeRouteRefresh(2, 1, 1)))).toEqual({ afi: 2, safi: 1, subtype: 1 });
    expect(() => decodeRouteRefresh(Buffer.alloc(24), 19, 24)).toThrow(BgpError);
  });
});

describe('StreamFramer', () => {
  it('reassembles messages split at every byte boundary', () => {
    const msgs = [encodeKeepalive(), ...buildUpdates({ attrs: { origin: 0, asPath: [], nextHop: '1.1.1.1' }, nlri: ['10.0.0.0/8'] }, { as4: true }), encodeRouteRefresh(1, 1)];
    const stream = Buffer.concat(msgs);
    for (let cut = 1; cut < stream.length; cut++) {
      const got: number[] = [];
      const f = new StreamFramer((t, b, s, e) => got.push(t, e - s));
      f.push(stream.subarray(0, cut));
      f.push(stream.subarray(cut));
      expect(got).toEqual([4, 0, 2, msgs[1].length - 19, 5, 4]);
    }
    const got: number[] = [];
    const f = new StreamFramer((t) => got.push(t));
    for (const b of stream) f.push(Buffer.from([b]));
    expect(got).toEqual([4, 2, 5]);
  });

  it('raises header errors: marker, length, type; extended messages raise the limit', () => {
    const bad = Buffer.from(encodeKeepalive());
    bad[0] = 0;
    expect(() => new StreamFramer(() => undefined).push(bad)).toThrow(expect.objectContaining({ code: 1, subcode: 1 }));
    const badType = Buffer.from(encodeKeepalive());
    badType[18] = 9;
    expect(() => new StreamFramer(() => undefined).push(badType)).toThrow(expect.objectContaining({ code: 1, subcode: 3, data: Buffer.from([9]) }));
    const big = Buffer.alloc(5000, 0xff);
    big.writeUInt16BE(5000, 16);
    big[18] = 2;
    big.writeUInt16BE(0, 19);
    big.writeUInt16BE(0, 21);
    expect(() => new StreamFramer(() => undefined).push(big)).toThrow(expect.objectContaining({ code: 1, subcode: 2 }));
    let n = 0;
    const f = new StreamFramer(() => n++);
    f.maxLength = 65535;
    f.push(big);
    expect(n).toBe(1);
  });
});

describe('fuzz: random mutations never escape the decoders', () => {

  it('decodes 100000 mutated messages with only BgpError thrown', () => {
    const caps = emptyCapabilities();
    caps.multiprotocol = [[1, 1], [2, 1]];
    caps.fourOctetAs = 65001;
    caps.gracefulRestart = { restartTime: 10, restarting: false, families: [] };
    const seeds = [
      encodeOpen({ asn: 65001, holdTime: 90, bgpId: '10.0.0.1', capabilities: caps }),
      ...buildUpdates(
        {
          attrs: jsonToAttrs({ '1': 0, '2': [[2, [1, 2]]], '3': '1.2.3.4', '8': ['1:1'], '16': ['route-target:1:1'], '32': ['1:2:3'], '7': [5, '1.1.1.1'] }),
          nlri: ['10.0.0.0/8', '192.168.0.0/16'],
          withdraw: ['172.16.0.0/12'],
        },
        { as4: true },
      ),
      ...buildUpdates({ attrs: jsonToAttrs({ '1': 0, '2': [], '14': { afi_safi: [2, 1], nexthop: '2001:db8::1', nlri: ['2001:db8::/32'] } }) }, { as4: false }),
      encodeShutdownNotification(2, 'bye'),
      encodeRouteRefresh(1, 1, 2),
    ];
    const r = seededRandom(42);
    for (let i = 0; i < 100_000; i++) {
      const m = Buffer.from(seeds[i % seeds.length]);
      const flips = 1 + Math.floor(r() * 4);
      for (let k = 0; k < flips; k++) {
        const pos = HEADER_LEN + Math.floor(r() * (m.length - HEADER_LEN));
        m[pos] = r() < 0.5 ? Math.floor(r() * 256) : m[pos] ^ (1 << Math.floor(r() * 8));
      }
      const cut = r() < 0.2 ? HEADER_LEN + Math.floor(r() * (m.length - HEADER_LEN)) : m.length;
      const type = m[18];
      try {
        if (type === 1) decodeOpen(m, HEADER_LEN, cut);
        else if (type === 2) {
          const d = decodeUpdate(m, HEADER_LEN, cut, { as4: i % 3 !== 0 });
          // Walk what the RIB would walk.
          forEachV4(d.buf, d.nlriStart, d.nlriEnd, () => undefined);
          if (d.mpReach && d.mpReach.afi === 2) forEachV6(d.buf, d.mpReach.start, d.mpReach.end, () => undefined);
        } else if (type === 3) decodeNotification(m, HEADER_LEN, cut);
        else if (type === 5) decodeRouteRefresh(m, HEADER_LEN, cut);
      } catch (e) {
        if (!(e instanceof BgpError)) throw new Error(`iteration ${i}: ${String(e)} for ${m.toString('hex')}`);
      }
    }
  });

  it('decodes 30000 mutated Add-Path UPDATEs with only BgpError thrown, and the RIB counts what it holds', () => {
    const attrs = { origin: 0, asPath: [{ type: 2 as const, asns: [65002, 64501] }], nextHop: '192.0.2.2', communities: [7] };
    const seeds = [
      addPathUpdate({ attrs, nlri: [[1, '10.1.0.0/16'], [2, '10.1.0.0/16'], [1, '10.2.0.0/24']], withdraw: [[3, '10.3.0.0/16']] }),
      addPathUpdate({ attrs: { origin: 0, asPath: [] }, mpReach: { nextHop: '2001:db8::2', nlri: [[7, '2001:db8:1::/48'], [8, '2001:db8:1::/48']] }, mpUnreach: [[8, '2001:db8:2::/48']] }),
      addPathUpdate({ withdraw: [[1, '10.1.0.0/16'], [2, '10.2.0.0/24']] }),
    ];
    const modes = [{ ipv4: true, ipv6: true }, { ipv4: true, ipv6: false }, { ipv4: false, ipv6: true }];
    const r = seededRandom(7911);
    const pool = new AttrPool();
    const rib = new AdjRib(pool);
    let applied = 0;
    for (let i = 0; i < 30_000; i++) {
      const m = Buffer.from(seeds[i % seeds.length]);
      // Every fourth message unmutated, so the table fills and empties path by path too.
      const flips = i % 4 === 0 ? 0 : 1 + Math.floor(r() * 3);
      for (let k = 0; k < flips; k++) {
        const pos = HEADER_LEN + Math.floor(r() * (m.length - HEADER_LEN));
        m[pos] = r() < 0.5 ? Math.floor(r() * 256) : m[pos] ^ (1 << Math.floor(r() * 8));
      }
      try {
        const d = decodeUpdate(m, HEADER_LEN, m.length, { as4: true, addPath: modes[Math.floor(i / seeds.length) % 3] });
        rib.applyUpdate(d);
        applied++;
      } catch (e) {
        if (!(e instanceof BgpError)) throw new Error(`iteration ${i}: ${String(e)} for ${m.toString('hex')}`);
      }
      if (i % 100 === 0) {
        expect(rib.ipv4.count).toBe([...rib.ipv4.entries()].length);
        expect(rib.ipv6.count).toBe([...rib.ipv6.entries()].length);
      }
    }
    expect(applied).toBeGreaterThan(10_000);
    rib.clear();
    expect(pool.size).toBe(0);
  });
});
