// RFC 4724 helper mode over an Adj-RIB-In, on a manual clock: what is kept, for how long,
// and what End-of-RIB, the new OPEN's forwarding bits and a NOTIFICATION change.
import { AdjRib, AttrPool, type Family } from '../../bgp-core/rib';
import { ManualClock } from '../../bgp-core/clock';
import { StaleRoutes } from '../../bgp-core/graceful';
import { HEADER_LEN, buildUpdates, decodeUpdate, jsonToAttrs } from '../../bgp-core/wire';
import type { GracefulRestartCap } from '../../bgp-core/wire/open';

const V4: [number, number] = [1, 1];
const V6: [number, number] = [2, 1];
const cap = (restartTime: number, families: [[number, number], boolean][]): GracefulRestartCap =>
  ({ restartTime, restarting: false, families: families.map(([[afi, safi], forwarding]) => ({ afi, safi, forwarding })) });

function setup() {
  const clock = new ManualClock(0);
  const rib = new AdjRib(new AttrPool());
  const dropped: [Family, number][] = [];
  const stale = new StaleRoutes(rib, clock, (f, n) => dropped.push([f, n]), 60);
  const announce = (nlri: string[], v6: string[] = []) => {
    const json: Record<string, unknown> = { '1': 0, '2': [[2, [65001]]], '3': '192.0.2.1' };
    if (v6.length) json['14'] = { afi_safi: [2, 1], nexthop: '2001:db8::1', nlri: v6 };
    for (const m of buildUpdates({ attrs: jsonToAttrs(json), nlri }, { as4: true })) rib.applyUpdate(decodeUpdate(m, HEADER_LEN, m.length, { as4: true }));
  };
  const prefixes = (f: Family) => [...rib.table(f).entries()].map((e) => e.prefix).sort();
  return { clock, rib, dropped, stale, announce, prefixes };
}

describe('graceful restart helper (RFC 4724 receiving speaker)', () => {
  test('routes stay stale through the restart; End-of-RIB drops those not re-sent, per family', () => {
    const { stale, announce, prefixes, dropped } = setup();
    announce(['10.0.0.0/24', '10.0.1.0/24'], ['2001:db8:1::/48']);
    stale.sessionDown(cap(120, [[V4, true], [V6, true]]), false);
    expect(stale.stale.sort()).toEqual(['ipv4', 'ipv6']);
    expect(prefixes('ipv4')).toEqual(['10.0.0.0/24', '10.0.1.0/24']);
    stale.sessionUp(cap(120, [[V4, true], [V6, true]]));
    announce(['10.0.1.0/24', '10.0.2.0/24']);
    stale.endOfRib('ipv4');
    expect(prefixes('ipv4')).toEqual(['10.0.1.0/24', '10.0.2.0/24']);
    expect(stale.stale).toEqual(['ipv6']);
    expect(prefixes('ipv6')).toEqual(['2001:db8:1::/48']);
    stale.endOfRib('ipv6');
    expect(prefixes('ipv6')).toEqual([]);
    expect(dropped).toEqual([['ipv4', 1], ['ipv6', 1]]);
  });

  test('the Restart Time bounds the wait for the peer; the stale timer bounds the wait for End-of-RIB', () => {
    const { stale, announce, prefixes, clock } = setup();
    announce(['10.0.0.0/24']);
    stale.sessionDown(cap(30, [[V4, true]]), false);
    clock.advance(29_999);
    expect(prefixes('ipv4')).toEqual(['10.0.0.0/24']);
    clock.advance(1);
    expect(prefixes('ipv4')).toEqual([]);
    expect(stale.stale).toEqual([]);

    announce(['10.0.0.0/24']);
    stale.sessionDown(cap(30, [[V4, true]]), false);
    clock.advance(20_000);
    stale.sessionUp(cap(30, [[V4, true]]));
    clock.advance(59_999); // the peer is back but never sends End-of-RIB
    expect(prefixes('ipv4')).toEqual(['10.0.0.0/24']);
    clock.advance(1);
    expect(prefixes('ipv4')).toEqual([]);
  });

  test('nothing is kept after a NOTIFICATION, without the capability, with Restart Time 0, or for an unlisted family', () => {
    for (const [c, notified] of [[cap(120, [[V4, true]]), true], [null, false], [cap(0, [[V4, true]]), false], [cap(120, [[V6, true]]), false]] as const) {
      const { stale, announce, prefixes, dropped } = setup();
      announce(['10.0.0.0/24', '10.0.1.0/24']);
      stale.sessionDown(c, notified);
      expect(prefixes('ipv4')).toEqual([]);
      expect(dropped).toEqual([['ipv4', 2]]);
      expect(stale.stale).toEqual([]);
    }
  });

  test('a new OPEN without the forwarding bit, or without the family, drops its stale routes at once', () => {
    const { stale, announce, prefixes } = setup();
    announce(['10.0.0.0/24'], ['2001:db8:1::/48']);
    stale.sessionDown(cap(120, [[V4, true], [V6, true]]), false);
    stale.sessionUp(cap(120, [[V4, false]]));
    expect(prefixes('ipv4')).toEqual([]);
    expect(prefixes('ipv6')).toEqual([]);
    expect(stale.stale).toEqual([]);
  });

  test('a second failure before End-of-RIB keeps everything stale, re-sent routes included', () => {
    const { stale, announce, prefixes } = setup();
    announce(['10.0.0.0/24', '10.0.1.0/24']);
    stale.sessionDown(cap(120, [[V4, true]]), false);
    stale.sessionUp(cap(120, [[V4, true]]));
    announce(['10.0.1.0/24']);
    stale.sessionDown(cap(120, [[V4, true]]), false);
    stale.sessionUp(cap(120, [[V4, true]]));
    announce(['10.0.5.0/24']);
    stale.endOfRib('ipv4');
    expect(prefixes('ipv4')).toEqual(['10.0.5.0/24']);
  });
});
