// The filters of pm-workflows §2.5 that read the PeeringDB mirror: shared_ixps,
// shared_facilities, missing_sessions (and the IXP side of prefix_list). They work on the
// records `loadPeeringdbSlice` put in the graph; an AS stands for its PeeringDB network (none
// for a private ASN), a PeeringDB network for itself.
import { isIP } from 'node:net';
import { isPrivateAsn } from '../peeringdb-actions';
import type { FilterFn, Kwargs } from './environment';
import type { Graph, Rec } from './graph';
import { PDB_FAC, PDB_IXPFX, PDB_NET, PDB_NETFAC, PDB_NETIXLAN } from './peeringdb';

const AS = 'peering.autonomoussystem';
const IXP = 'peering.internetexchange';
const IXP_SESSION = 'peering.internetexchangepeeringsession';
const CONNECTION = 'net.connection';

type Describe = (v: unknown) => string;
type Arg = <T>(args: unknown[], kw: Kwargs, i: number, name: string, dflt: T) => T;

/** An address in one spelling (IPv6 compressed or not, with or without a length), for comparing. */
function canonicalIp(ip: unknown): string | null {
  if (typeof ip !== 'string' || !ip) return null;
  const a = ip.split('/')[0];
  if (isIP(a) === 4) return a;
  if (isIP(a) !== 6) return null;
  const [head, tail = ''] = a.toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((x) => parseInt(x || '0', 16).toString(16)).join(':');
}

export function peeringdbFilters(g: Graph, describe: Describe, arg: Arg): Record<string, FilterFn> {
  const rec = (v: unknown): Rec | null => g.resolve(v);
  const views = (rs: Rec[]) => rs.map((r) => g.view(r));
  const byId = (rs: Rec[]) => rs.sort((a, b) => a.id - b.id);

  /** The PeeringDB network an AS or a network stands for (null: none); anything else is an error. */
  const networkOf = (v: unknown, filter: string): Rec | null => {
    const r = rec(v);
    if (r?.ct === PDB_NET) return r;
    if (r?.ct !== AS) throw new Error(`${filter}: ${describe(v)} is not an autonomous system or a PeeringDB network`);
    const asn = Number(r.row.asn);
    return isPrivateAsn(asn) ? null : (g.all(PDB_NET).find((n) => Number(n.row.asn) === asn) ?? null);
  };
  const portsOf = (net: Rec): Rec[] => g.all(PDB_NETIXLAN).filter((x) => x.fk.net === net.id);
  /** IX LANs where both networks have a port; none when a record is missing or both are one network. */
  const sharedIxlans = (a: Rec | null, b: Rec | null): Set<number> => {
    if (!a || !b || a.id === b.id) return new Set();
    const mine = new Set(portsOf(a).map((x) => x.fk.ixlan));
    return new Set(portsOf(b).map((x) => x.fk.ixlan).filter((l): l is number => l !== null && mine.has(l)));
  };
  /** Our IXPs on those LANs whose local AS is `local`, by name and slug (Peering Manager's ordering within one local AS). */
  const ixpsOn = (ixlans: Set<number>, local: Rec): Rec[] => g.all(IXP)
    .filter((x) => ixlans.has(Number(x.row.peeringdb_ixlan)) && x.fk.local_autonomous_system === local.id)
    .sort((a, b) => String(a.row.name).localeCompare(String(b.row.name)) || String(a.row.slug).localeCompare(String(b.row.slug)) || a.id - b.id);
  /** An AS's shared IXPs with an AS (whose IXPs they are) or a network (then the AS's own IXPs). */
  const sharedIxps = (as: Rec, other: Rec): Rec[] => {
    const otherIsAs = other.ct === AS;
    return ixpsOn(sharedIxlans(networkOf(g.view(as), 'shared_ixps'), networkOf(g.view(other), 'shared_ixps')), otherIsAs ? other : as);
  };
  const need = (v: unknown, filter: string): Rec => {
    const r = rec(v);
    if (!r || (r.ct !== AS && r.ct !== PDB_NET)) throw new Error(`${filter}: ${describe(v)} is not an autonomous system or a PeeringDB network`);
    return r;
  };

  return {
    shared_ixps: (v, args, kw) => {
      const a = need(v, 'shared_ixps');
      const b = need(arg(args, kw, 0, 'other', null), 'shared_ixps');
      if (a.ct === AS) return views(sharedIxps(a, b));
      if (b.ct === AS) return views(sharedIxps(b, a));
      throw new Error('shared_ixps: one of the values must be an autonomous system');
    },
    shared_facilities: (v, args, kw) => {
      const a = networkOf(v, 'shared_facilities');
      const b = networkOf(arg(args, kw, 0, 'other', null), 'shared_facilities');
      if (!a || !b || a.id === b.id) return [];
      const facsOf = (n: Rec) => new Set(g.all(PDB_NETFAC).filter((x) => x.fk.net === n.id).map((x) => x.fk.fac));
      const fa = facsOf(a), fb = facsOf(b);
      return views(byId(g.all(PDB_FAC).filter((f) => fa.has(f.id) && fb.has(f.id))));
    },
    missing_sessions: (v, args, kw) => {
      const a = need(v, 'missing_sessions');
      const b = need(arg(args, kw, 0, 'other', null), 'missing_sessions');
      const ixpArg = arg<unknown>(args, kw, 1, 'ixp', null);
      const ixp = ixpArg === null || ixpArg === undefined ? null : rec(ixpArg);
      if (ixpArg !== null && ixpArg !== undefined && ixp?.ct !== IXP) throw new Error(`missing_sessions: ${describe(ixpArg)} is not an IXP`);
      const ixlan = ixp ? (ixp.row.peeringdb_ixlan as number | null) : null;
      if (a.ct === AS && b.ct === AS) {
        // The receiver's ports on shared LANs (or the IXP's) with an address it has no IXP session on.
        if (a.id === b.id || isPrivateAsn(Number(a.row.asn))) return [];
        const conns = ixp ? new Set(g.all(CONNECTION).filter((c) => c.fk.internet_exchange_point === ixp.id).map((c) => c.id)) : null;
        const used = new Set(g.all(IXP_SESSION)
          .filter((s) => s.fk.autonomous_system === a.id && (!conns || conns.has(s.fk.ixp_connection as number)))
          .map((s) => canonicalIp(s.row.ip_address)));
        const lans = ixp ? new Set(ixlan === null ? [] : [ixlan]) : new Set(sharedIxps(a, b).map((x) => Number(x.row.peeringdb_ixlan)));
        const open = (ip: unknown) => ip !== null && ip !== undefined && ip !== '' && !used.has(canonicalIp(ip));
        return views(byId(g.all(PDB_NETIXLAN).filter((x) => Number(x.row.asn) === Number(a.row.asn) && lans.has(x.fk.ixlan as number) && (open(x.row.ipaddr6) || open(x.row.ipaddr4)))));
      }
      // A network on either side: the other's ports on the receiver's LANs (or the IXP's), existing sessions not excluded.
      const na = networkOf(g.view(a), 'missing_sessions');
      const nb = networkOf(g.view(b), 'missing_sessions');
      if (!na || !nb || na.id === nb.id) return [];
      const lans = new Set(portsOf(na).filter((x) => ixlan === null || x.fk.ixlan === ixlan).map((x) => x.fk.ixlan));
      return views(byId(portsOf(nb).filter((x) => lans.has(x.fk.ixlan))));
    },
  };
}

/** An IXP's prefixes in PeeringDB by family, IPv6 first, a family only when it has some (prefix_list on an IXP). */
export function ixpPrefixes(g: Graph, ixp: Rec): Record<string, string[]> {
  const ixlan = ixp.row.peeringdb_ixlan;
  const out: Record<string, string[]> = {};
  if (typeof ixlan !== 'number') return out;
  const rows = g.all(PDB_IXPFX).filter((p) => p.fk.ixlan === ixlan).sort((a, b) => a.id - b.id).map((p) => String(p.row.prefix));
  for (const family of ['ipv6', 'ipv4']) {
    const list = rows.filter((p) => (p.includes(':') ? 'ipv6' : 'ipv4') === family);
    if (list.length) out[family] = [...new Set(list)];
  }
  return out;
}
