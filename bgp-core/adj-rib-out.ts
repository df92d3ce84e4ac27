// What a session advertises: the Adj-RIB-Out and the UPDATEs that carry it to the peer.
import { Negotiated } from './negotiation';
import { PeerStateError, refusal } from './refusal';
import { AdjRib, AttrSet, Family } from './rib';
import {
  DecodedUpdate,
  EncodeError,
  MAX_EXTENDED_MESSAGE_LEN,
  MAX_MESSAGE_LEN,
  UpdateSpec,
  attrKeyOf,
  buildV4Updates,
  buildV6Updates,
  decodeAttrKey,
  encodeAttributes,
  prepareUpdate,
} from './wire';

export type Send = (msg: Buffer) => void;

function maxLength(neg: Negotiated): number {
  return neg.extendedMessage ? MAX_EXTENDED_MESSAGE_LEN : MAX_MESSAGE_LEN;
}

export class AdjRibOut {
  constructor(
    readonly rib: AdjRib,
    private readonly localAs: number,
    private readonly ibgp: boolean,
  ) {}

  /**
   * Stores routes and, when `send` is given (the session is Established), sends them; returns the
   * number of messages sent. Throws EncodeError for bad input, including a family `negotiated`
   * does not have.
   */
  announce(spec: UpdateSpec, negotiated: Negotiated | null, send: Send | null): number {
    const p = prepareUpdate(spec);
    if (negotiated) {
      if ((p.v4Announce.length || p.v4Withdraw.length) && !negotiated.families.includes('ipv4')) {
        throw new PeerStateError(refusal('family-not-negotiated', { afi: 1, safi: 1 }));
      }
      if ((p.v6Announce.length || p.v6Withdraw.length) && !negotiated.families.includes('ipv6')) {
        throw new PeerStateError(refusal('family-not-negotiated', { afi: 2, safi: 1 }));
      }
    }
    const hasAnnounce = p.v4Announce.length > 0 || p.v6Announce.length > 0;
    if (hasAnnounce && this.ibgp && p.attrs.localPref === undefined) p.attrs.localPref = 100;
    if (hasAnnounce && !this.ibgp) {
      // RFC 4271 §5.1.2: towards an external peer our AS leads the path.
      const path = p.attrs.asPath ?? [];
      const first = path[0];
      if (!(first && first.type === 2 && first.asns[0] === this.localAs)) {
        p.attrs.asPath =
          first && first.type === 2 && first.asns.length < 255
            ? [{ type: 2, asns: [this.localAs, ...first.asns] }, ...path.slice(1)]
            : [{ type: 2, asns: [this.localAs] }, ...path];
      }
    }
    const tlv = hasAnnounce ? encodeAttributes(p.attrs, { as4: true }) : Buffer.alloc(0);
    const pool = this.rib.pool;
    const v4set = p.v4Announce.length ? pool.acquire(attrKeyOf(true, null, tlv)) : null;
    const nh = p.v6NextHop;
    const v6set = p.v6Announce.length && nh ? pool.acquire(attrKeyOf(true, nh, tlv)) : null;
    try {
      for (const k of p.v4Withdraw) this.rib.ipv4.delete(k % 4294967296, Math.floor(k / 4294967296));
      for (const k of p.v6Withdraw) this.rib.ipv6.delete(k);
      if (v4set) for (const k of p.v4Announce) this.rib.ipv4.set(k % 4294967296, Math.floor(k / 4294967296), v4set);
      if (v6set) for (const k of p.v6Announce) this.rib.ipv6.set(k, v6set);
      if (!send || !negotiated) return 0;
      const max = maxLength(negotiated);
      const msgs = [
        ...buildV4Updates(v4set ? attrBytesFor(v4set, negotiated) : null, p.v4Announce, p.v4Withdraw, max),
        ...buildV6Updates(v6set ? attrBytesFor(v6set, negotiated) : null, nh, p.v6Announce, p.v6Withdraw, max),
      ];
      for (const m of msgs) send(m);
      return msgs.length;
    } finally {
      if (v4set) pool.release(v4set);
      if (v6set) pool.release(v6set);
    }
  }

  /** A validated UPDATE sent as given: the table follows it. */
  applyRaw(d: DecodedUpdate): void {
    this.rib.applyUpdate(d);
  }

  /** Sends the whole table of one family, grouped by attribute set. */
  sendTable(f: Family, negotiated: Negotiated, send: Send): void {
    const max = maxLength(negotiated);
    if (f === 'ipv4') {
      const groups = new Map<AttrSet, number[]>();
      this.rib.ipv4.forEach((addr, len, s) => {
        let g = groups.get(s);
        if (!g) groups.set(s, (g = []));
        g.push(len * 4294967296 + addr);
      });
      for (const [s, keys] of groups) for (const m of buildV4Updates(attrBytesFor(s, negotiated), keys, [], max)) send(m);
    } else {
      const groups = new Map<AttrSet, string[]>();
      this.rib.ipv6.forEach((k, s) => {
        let g = groups.get(s);
        if (!g) groups.set(s, (g = []));
        g.push(k);
      });
      for (const [s, keys] of groups) {
        for (const m of buildV6Updates(attrBytesFor(s, negotiated), s.mpNextHop, keys, [], max)) send(m);
      }
    }
  }
}

/** Bytes of an AttrSet's attributes in the session's AS width. */
function attrBytesFor(s: AttrSet, negotiated: Negotiated): Buffer {
  const as4 = negotiated.as4;
  if (s.as4 === as4) return s.tlvBytes();
  return encodeAttributes(decodeAttrKey(s.key), { as4 });
}
