// Peering Manager's custom Jinja2 filters (pm-workflows §2.5) over the render's loaded objects.
// A filter that cannot apply to its input throws; the environment turns that into a template
// error at the filter's line (nothing ever throws into the engine itself).
import { isIP } from 'node:net';
import { isInPlatformFormat } from '../ciphers';
import type { FilterFn, Kwargs } from './environment';
import type { Graph, Rec } from './graph';
import { sortRecs } from './graph';
import { pyStr, REF } from './python';
import { toYaml } from './yaml';
import { ixpPrefixes, peeringdbFilters } from './peeringdb-filters';

const AS = 'peering.autonomoussystem';
const DIRECT = 'peering.directpeeringsession';
const IXP_SESSION = 'peering.internetexchangepeeringsession';
const IXP = 'peering.internetexchange';
const GROUP = 'peering.bgpgroup';
const ROUTER = 'devices.router';
const CONNECTION = 'net.connection';
const SESSIONS = [DIRECT, IXP_SESSION];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function arg<T>(args: unknown[], kw: Kwargs, i: number, name: string, dflt: T): T {
  if (args.length > i && args[i] !== undefined) return args[i] as T;
  if (Object.hasOwn(kw, name) && kw[name] !== undefined) return kw[name] as T;
  return dflt;
}

const bare = (ip: string): string => ip.split('/')[0];
const familyOf = (ip: unknown): 4 | 6 | 0 => {
  const f = isIP(bare(String(ip ?? '')));
  return f === 4 || f === 6 ? f : 0;
};

function ipKey(ip: string): [number, bigint] {
  const a = bare(ip);
  if (isIP(a) === 4) return [4, a.split('.').reduce((n, o) => (n << 8n) + BigInt(Number(o)), 0n)];
  const [head, tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return [6, groups.reduce((n, x) => (n << 16n) + BigInt(parseInt(x || '0', 16)), 0n)];
}

export function pmFilters(g: Graph): Record<string, FilterFn> {
  const rec = (v: unknown): Rec | null => g.resolve(v);
  const need = (v: unknown, cts: string[], filter: string, hint = ''): Rec => {
    const r = rec(v);
    if (!r || !cts.includes(r.ct)) throw new Error(`${filter}: unsupported value ${describeValue(v)}${hint}`);
    return r;
  };
  const views = (rs: Rec[]): Obj[] => rs.map((r) => g.view(r));
  const asn = (s: Rec): number => Number(g.fk(s, 'autonomous_system')?.row.asn ?? 0);
  const connectionOf = (s: Rec): Rec | null => g.fk(s, 'ixp_connection');
  const routerOf = (s: Rec): Rec | null => (s.ct === DIRECT ? g.fk(s, 'router') : (connectionOf(s) ? g.fk(connectionOf(s)!, 'router') : null));

  /** Sessions by service reference (nulls last), ASN, connection (IXP, router), IP (v4 first, numeric). */
  const sortSessions = (rs: Rec[]): Rec[] => rs.sort((a, b) => {
    const sa = a.row.service_reference as string | null, sb = b.row.service_reference as string | null;
    if (sa !== sb) { if (sa === null) return 1; if (sb === null) return -1; return sa < sb ? -1 : 1; }
    if (asn(a) !== asn(b)) return asn(a) - asn(b);
    const ca = connectionOf(a), cb = connectionOf(b);
    const ka = ca ? `${ca.fk.internet_exchange_point ?? ''}:${ca.fk.router ?? ''}` : '', kb = cb ? `${cb.fk.internet_exchange_point ?? ''}:${cb.fk.router ?? ''}` : '';
    if (ka !== kb) return ka < kb ? -1 : 1;
    const [fa, na] = ipKey(String(a.row.ip_address)), [fb, nb] = ipKey(String(b.row.ip_address));
    if (fa !== fb) return fa - fb;
    return na < nb ? -1 : na > nb ? 1 : a.id - b.id;
  });
  const byFamily = (rs: Rec[], family: unknown): Rec[] => {
    const f = Number(family ?? 0);
    return f === 4 || f === 6 ? rs.filter((s) => familyOf(s.row.ip_address) === f) : rs;
  };
  const directOf = (r: Rec): Rec[] => g.all(DIRECT).filter((s) => (r.ct === AS ? s.fk.autonomous_system === r.id : r.ct === ROUTER ? s.fk.router === r.id : s.fk.bgp_group === r.id));
  const connectionsOf = (r: Rec): Rec[] => g.all(CONNECTION).filter((c) => (r.ct === ROUTER ? c.fk.router === r.id : c.fk.internet_exchange_point === r.id));
  const ixpSessionsOf = (r: Rec): Rec[] => {
    if (r.ct === AS) return g.all(IXP_SESSION).filter((s) => s.fk.autonomous_system === r.id);
    const conns = new Set(connectionsOf(r).map((c) => c.id));
    return g.all(IXP_SESSION).filter((s) => conns.has(s.fk.ixp_connection as number));
  };
  const ixpOfSession = (s: Rec): Rec | null => (connectionOf(s) ? g.fk(connectionOf(s)!, 'internet_exchange_point') : null);

  const policies = (r: Rec, kind: 'import' | 'export'): Rec[] => g.m2m(r, `${kind}_routing_policies`);
  const familyOk = (p: Rec, family: number): boolean => family === -1 || (family === 0 ? Number(p.row.address_family) === 0 : [0, family].includes(Number(p.row.address_family)));
  const fieldOr = (rs: Rec[], field: string): unknown[] => (field ? rs.map((r) => g.view(r)[field] ?? null) : views(rs));
  const iterPolicies = (kind: 'import' | 'export') => (v: unknown, args: unknown[], kw: Kwargs) => {
    const r = need(v, [AS, GROUP, IXP, ...SESSIONS], `iter_${kind}_policies`);
    const field = String(arg(args, kw, 0, 'field', ''));
    const family = Number(arg(args, kw, 1, 'family', -1));
    return fieldOr(policies(r, kind).filter((p) => familyOk(p, family)), field);
  };
  const mergePolicies = (kind: 'import' | 'export') => (v: unknown, args: unknown[], kw: Kwargs) => {
    const r = need(v, [IXP, ...SESSIONS], `merge_${kind}_policies`, ' (autonomous systems and BGP groups have no inherited policies)');
    let out: Rec[];
    if (r.ct === IXP) out = policies(r, kind);
    else {
      const fam = familyOf(r.row.ip_address);
      const inherited = (p: Rec) => [0, fam].includes(Number(p.row.address_family));
      const parent = r.ct === IXP_SESSION ? ixpOfSession(r) : g.fk(r, 'bgp_group');
      const as = g.fk(r, 'autonomous_system');
      const seen = new Set<number>();
      out = [];
      for (const [p, own] of [...policies(r, kind).map((p) => [p, true] as const), ...(as ? policies(as, kind) : []).map((p) => [p, false] as const), ...(parent ? policies(parent, kind) : []).map((p) => [p, false] as const)]) {
        if (seen.has(p.id) || (!own && !inherited(p))) continue;
        seen.add(p.id);
        out.push(p);
      }
    }
    if (String(arg(args, kw, 0, 'order', '')) === 'reverse') out = [...out].reverse();
    return views(out);
  };
  const communitiesOf = (r: Rec): Rec[] => g.m2m(r, 'communities');
  const tagsOf = (v: unknown, filter: string): Obj[] => {
    const r = rec(v);
    if (!r || !('tags' in r.m2m)) throw new Error(`${filter}: ${describeValue(v)} has no tags`);
    return views(g.m2m(r, 'tags'));
  };
  const hasTag = (v: unknown, t: unknown) => tagsOf(v, 'has_tag').some((x) => x.name === t || x.slug === t);
  const contextOf = (v: unknown, filter: string): unknown => {
    const r = rec(v);
    if (!r || !('local_context_data' in r.row)) throw new Error(`${filter}: ${describeValue(v)} has no config context`);
    return g.configContext(r);
  };
  const findKey = (o: unknown, key: string, recursive: boolean): { found: boolean; value?: unknown } => {
    if (!isObj(o)) return { found: false };
    if (Object.hasOwn(o, key)) return { found: true, value: o[key] };
    if (recursive) for (const x of Object.values(o)) { const f = findKey(x, key, true); if (f.found) return f; }
    return { found: false };
  };
  const asData = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(asData);
    const r = rec(v);
    if (r) {
      const out: Obj = { id: r.id, ...r.row };
      for (const [k, id] of Object.entries(r.fk)) out[k] = id;
      for (const k of Object.keys(r.m2m)) out[k] = k === 'tags' ? g.m2m(r, k).map((t) => t.row.name) : r.m2m[k];
      return out;
    }
    if (isObj(v)) return Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('@')).map(([k, x]) => [k, asData(x)]));
    return v;
  };
  const lookup = (item: unknown, key: string, want: unknown): boolean => {
    const [field, op = 'exact'] = key.split('__');
    if (!isObj(item) || !(field in item)) return false;
    let have = item[field];
    if (field === 'ip_address' && op === 'family') return familyOf(have) === Number(want);
    const id = (x: unknown) => (isObj(x) && typeof x[REF] === 'string' ? x[REF] : x);
    have = id(have);
    const w = id(want);
    switch (op) {
      case 'exact': return have === w || (typeof have === 'number' && String(have) === String(w) && typeof w !== 'boolean');
      case 'gt': return (have as number) > (w as number);
      case 'gte': return (have as number) >= (w as number);
      case 'lt': return (have as number) < (w as number);
      case 'lte': return (have as number) <= (w as number);
      case 'in': return Array.isArray(w) && w.map(id).includes(have);
      case 'icontains': return String(have ?? '').toLowerCase().includes(String(w).toLowerCase());
      case 'contains': return String(have ?? '').includes(String(w));
      case 'iexact': return String(have ?? '').toLowerCase() === String(w).toLowerCase();
      case 'isnull': return (have === null) === !!w;
      default: throw new Error(`filter: unsupported lookup "${op}"`);
    }
  };
  const filterList = (v: unknown, kw: Kwargs, name: string): unknown[] => {
    if (!Array.isArray(v)) throw new Error(`${name}: ${describeValue(v)} is not iterable`);
    return v.filter((item) => Object.entries(kw).every(([k, w]) => lookup(item, k, w)));
  };
  const size = (v: unknown): number => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isObj(v) && !rec(v)) return Object.keys(v).length;
    throw new Error(`length: ${describeValue(v)} has no length`);
  };
  const inheritedStatus = (r: Rec): string => {
    const own = String(r.row.status ?? '');
    if (own === 'disabled') return own;
    const router = routerOf(r) ?? (r.ct === CONNECTION ? g.fk(r, 'router') : null);
    const fromRouter = () => {
      const s = String(router?.row.status ?? '');
      return ['pre-maintenance', 'maintenance', 'post-maintenance'].includes(s) ? s : null;
    };
    if (r.ct === CONNECTION) {
      const ixp = g.fk(r, 'internet_exchange_point');
      const s = String(ixp?.row.status ?? '');
      return (['disabled', 'pre-maintenance', 'maintenance', 'post-maintenance'].includes(s) ? s : null) ?? fromRouter() ?? own;
    }
    if (r.ct === DIRECT) {
      const s = String(g.fk(r, 'bgp_group')?.row.status ?? '');
      return (['disabled', 'maintenance'].includes(s) ? s : null) ?? fromRouter() ?? own;
    }
    if (r.ct === IXP_SESSION) {
      const c = connectionOf(r);
      const s = c ? inheritedStatus(c) : '';
      return ['disabled', 'pre-maintenance', 'maintenance', 'post-maintenance'].includes(s) ? s : own;
    }
    return own;
  };

  const filters: Record<string, FilterFn> = {
    safe_string: (v) => pyStr(v).normalize('NFKD').replace(/[^\x00-\x7F]/g, ''),
    quote: (v, args, kw) => {
      const empty = v === null || v === undefined || v === '' || v === 0 || v === false || (Array.isArray(v) && !v.length) || (isObj(v) && !rec(v) && !Object.keys(v).length);
      const c = String(arg(args, kw, 0, 'char', '"'));
      return empty ? '' : `${c}${pyStr(v)}${c}`;
    },
    tags: (v) => tagsOf(v, 'tags'),
    has_tag: (v, args, kw) => hasTag(v, arg(args, kw, 0, 'tag', '')),
    has_not_tag: (v, args, kw) => !hasTag(v, arg(args, kw, 0, 'tag', '')),
    inherited_status: (v) => {
      const r = rec(v);
      if (!r || !('status' in r.row)) throw new Error(`inherited_status: ${describeValue(v)} has no status`);
      return inheritedStatus(r);
    },
    ipv4: (v) => (familyOf(rec(v)?.row.ip_address ?? v) === 4 ? String(rec(v)?.row.ip_address ?? v) : null),
    ipv6: (v) => (familyOf(rec(v)?.row.ip_address ?? v) === 6 ? String(rec(v)?.row.ip_address ?? v) : null),
    ip: (v) => {
      const one = (x: unknown): string => {
        const s = String(rec(x)?.row.ip_address ?? x ?? '');
        if (!familyOf(s)) throw new Error(`ip: ${describeValue(x)} is not an IP address`);
        return bare(s);
      };
      return Array.isArray(v) ? v.map(one) : one(v);
    },
    mac: (v, args, kw) => {
      const raw = String((rec(v)?.row.mac_address ?? v) || '');
      const hex = raw.toLowerCase().replace(/[^0-9a-f]/g, '');
      if (hex.length !== 12 || !/^[0-9a-f:.\-\s]+$/i.test(raw)) throw new Error(`mac: ${describeValue(v)} is not a MAC address`);
      const format = String(arg(args, kw, 0, 'format', ''));
      if (format === 'cisco') return hex.match(/.{4}/g)!.join('.');
      if (format === 'bare') return hex;
      return hex.match(/.{2}/g)!.join(':');
    },
    length: size,
    len: size,
    count: size,
    filter: (v, _args, kw) => filterList(v, kw, 'filter'),
    get: (v, _args, kw) => {
      const hits = filterList(v, kw, 'get');
      return hits.length === 1 ? hits[0] : hits;
    },
    unique_items: (v, args, kw) => {
      const field = String(arg(args, kw, 0, 'field', ''));
      if (!Array.isArray(v)) throw new Error(`unique_items: ${describeValue(v)} is not iterable`);
      const seen = new Set<string>();
      return v.filter((x) => {
        if (!isObj(x) || !(field in x)) return false;
        const k = JSON.stringify(isObj(x[field]) ? (x[field] as Obj)[REF] : x[field]);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    },
    iterate: (v, args, kw) => {
      const field = String(arg(args, kw, 0, 'field', ''));
      if (!Array.isArray(v)) throw new Error(`iterate: ${describeValue(v)} is not iterable`);
      return v.map((x) => (isObj(x) && field in x ? x[field] : null));
    },
    ixps: (v, args, kw) => {
      const r = need(v, [AS], 'ixps');
      const other = rec(arg(args, kw, 0, 'other', null));
      const ids = new Set(ixpSessionsOf(r).map((s) => ixpOfSession(s)?.id));
      return views(sortRecs(g.all(IXP).filter((x) => ids.has(x.id) && (!other || x.fk.local_autonomous_system === other.id))));
    },
    prefix_list: (v, args, kw) => {
      const r = need(v, [AS, IXP], 'prefix_list');
      const family = Number(arg(args, kw, 0, 'family', 0));
      if (r.ct === IXP) {
        const p = ixpPrefixes(g, r);
        return family === 4 || family === 6 ? (p[`ipv${family}`] ?? []) : p;
      }
      const p = isObj(r.row.prefixes) ? r.row.prefixes : {};
      if (family === 4 || family === 6) return (p[`ipv${family}`] as unknown[]) ?? [];
      return p;
    },
    as_list: (v) => {
      const r = need(v, [AS], 'as_list');
      return Array.isArray(r.row.as_list) ? r.row.as_list : [];
    },
    strip_irr_sources: (v) => {
      const r = rec(v);
      const text = r ? String(r.row.irr_as_set ?? '') : String(v ?? '');
      const SOURCES = 'RPKI|RIPE|ARIN|APNIC|AFRINIC|LACNIC|RIPE-NONAUTH|RADB|ALTDB|NTTCOM|LEVEL3|TC';
      const sets: string[] = [];
      for (const part of text.split(/[/,&\s]+/)) {
        const s = part.replace(new RegExp(`^(${SOURCES})::?`, 'i'), '').replace(/^ipv[46]:/i, '');
        if (s && !sets.includes(s)) sets.push(s);
      }
      return sets.length ? sets : [`AS${r ? r.row.asn : 0}`];
    },
    relationships: (v, args, kw) => {
      const r = need(v, [AS], 'relationships');
      const local = rec(arg(args, kw, 0, 'local_as', null));
      const rels = new Map<number, Rec>();
      for (const s of directOf(r)) {
        if (local && s.fk.local_autonomous_system !== local.id) continue;
        const rel = g.fk(s, 'relationship');
        if (rel) rels.set(rel.id, rel);
      }
      return views(sortRecs([...rels.values()]));
    },
    local_ips: (v, args, kw) => {
      const r = need(v, [...SESSIONS, IXP], 'local_ips');
      const family = Number(arg(args, kw, 0, 'family', 0));
      if (r.ct === DIRECT) return r.row.local_ip_address ?? null;
      if (r.ct === IXP_SESSION) {
        const c = connectionOf(r);
        const f = familyOf(r.row.ip_address);
        return c ? (c.row[f === 6 ? 'ipv6_address' : 'ipv4_address'] ?? null) : null;
      }
      const ips: unknown[] = [];
      for (const c of connectionsOf(r)) for (const f of [4, 6]) if (c.row[`ipv${f}_address`] && (!family || family === f)) ips.push(c.row[`ipv${f}_address`]);
      return ips;
    },
    direct_sessions: (v, args, kw) => {
      const r = need(v, [AS, ROUTER], 'direct_sessions', ' (try `sessions`)');
      const group = rec(arg(args, kw, 1, 'group', null));
      return views(sortSessions(byFamily(directOf(r), arg(args, kw, 0, 'family', 0)).filter((s) => !group || s.fk.bgp_group === group.id)));
    },
    ixp_sessions: (v, args, kw) => {
      const r = need(v, [AS, ROUTER], 'ixp_sessions', ' (try `sessions`)');
      const ixp = rec(arg(args, kw, 1, 'ixp', null));
      return views(sortSessions(byFamily(ixpSessionsOf(r), arg(args, kw, 0, 'family', 0)).filter((s) => !ixp || ixpOfSession(s)?.id === ixp.id)));
    },
    sessions: (v, args, kw) => {
      const r = need(v, [GROUP, IXP], 'sessions');
      return views(sortSessions(byFamily(r.ct === GROUP ? directOf(r) : ixpSessionsOf(r), arg(args, kw, 0, 'family', 0))));
    },
    route_server: (v, args, kw) => {
      const r = need(v, [IXP], 'route_server');
      return views(sortSessions(byFamily(ixpSessionsOf(r), arg(args, kw, 0, 'family', 0)).filter((s) => s.row.is_route_server)));
    },
    ip_version: (v) => familyOf(need(v, SESSIONS, 'ip_version').row.ip_address) || null,
    max_prefix: (v) => {
      const s = need(v, SESSIONS, 'max_prefix');
      const as = g.fk(s, 'autonomous_system');
      return as ? (as.row[familyOf(s.row.ip_address) === 6 ? 'ipv6_max_prefixes' : 'ipv4_max_prefixes'] ?? 0) : 0;
    },
    cisco_password: (v) => stripType7('cisco-type7', v),
    arista_password: (v) => stripType7('arista-type7', v),
    connections: (v) => views(connectionsOf(need(v, [IXP, ROUTER], 'connections'))),
    direct_peers: (v, args, kw) => {
      const r = need(v, [ROUTER], 'direct_peers');
      const slug = String(arg(args, kw, 0, 'group_slug', ''));
      const group = g.all(GROUP).find((x) => x.row.slug === slug);
      const ids = new Set(directOf(r).filter((s) => !group || s.fk.bgp_group === group.id).map((s) => s.fk.autonomous_system));
      return views(sortRecs(g.all(AS).filter((a) => ids.has(a.id))));
    },
    ixp_peers: (v, args, kw) => {
      const r = need(v, [ROUTER], 'ixp_peers');
      const slug = String(arg(args, kw, 0, 'ixp_slug', ''));
      const ixp = g.all(IXP).find((x) => x.row.slug === slug);
      const ids = new Set(ixpSessionsOf(r).filter((s) => !ixp || ixpOfSession(s)?.id === ixp.id).map((s) => s.fk.autonomous_system));
      return views(sortRecs(g.all(AS).filter((a) => ids.has(a.id))));
    },
    bfds: (v) => {
      const r = need(v, [ROUTER], 'bfds');
      const ids = new Set([...directOf(r), ...ixpSessionsOf(r)].map((s) => s.fk.bfd).filter((x) => x !== null));
      return views(sortRecs(g.all('net.bfd').filter((b) => ids.has(b.id))));
    },
    communities: (v, args, kw) => {
      const r = rec(v);
      if (!r || !('communities' in r.m2m)) throw new Error(`communities: ${describeValue(v)} has no communities`);
      return fieldOr(communitiesOf(r), String(arg(args, kw, 0, 'field', '')));
    },
    merge_communities: (v) => {
      const r = rec(v);
      if (!r || !('communities' in r.m2m)) throw new Error(`merge_communities: ${describeValue(v)} has no communities`);
      if (!SESSIONS.includes(r.ct)) return views(communitiesOf(r));
      const parent = r.ct === IXP_SESSION ? ixpOfSession(r) : g.fk(r, 'bgp_group');
      const chain = [r, g.fk(r, 'autonomous_system'), parent, routerOf(r)].filter((x): x is Rec => !!x);
      const seen = new Set<number>();
      return views(chain.flatMap(communitiesOf).filter((c) => !seen.has(c.id) && !!seen.add(c.id)));
    },
    contact: (v, args, kw) => {
      let r = rec(v);
      if (r && SESSIONS.includes(r.ct)) r = g.fk(r, 'autonomous_system');
      if (!r || ![AS, IXP].includes(r.ct)) throw new Error(`contact: ${describeValue(v)} has no contacts`);
      const role = String(arg(args, kw, 0, 'role', '')).toLowerCase();
      const field = String(arg(args, kw, 1, 'field', ''));
      const a = g.all('messaging.contactassignment').find((x) => x.row.content_type === r!.ct && Number(x.row.object_id) === r!.id && String(g.fk(x, 'role')?.row.name ?? '').toLowerCase() === role);
      const c = a ? g.fk(a, 'contact') : null;
      if (!c) return null;
      return field ? (g.view(c)[field] ?? null) : g.view(c);
    },
    iter_export_policies: iterPolicies('export'),
    iter_import_policies: iterPolicies('import'),
    merge_export_policies: mergePolicies('export'),
    merge_import_policies: mergePolicies('import'),
    routing_policies: (v, args, kw) => {
      const r = need(v, [ROUTER], 'routing_policies');
      const family = Number(arg(args, kw, 1, 'family', -1));
      return fieldOr(routerPolicies(g, r).filter((p) => familyOk(p, family)), String(arg(args, kw, 0, 'field', '')));
    },
    context_has_key: (v, args, kw) => findKey(contextOf(v, 'context_has_key'), String(arg(args, kw, 0, 'key', '')), !!arg(args, kw, 1, 'recursive', true)).found,
    context_has_not_key: (v, args, kw) => !findKey(contextOf(v, 'context_has_not_key'), String(arg(args, kw, 0, 'key', '')), !!arg(args, kw, 1, 'recursive', true)).found,
    context_get_key: (v, args, kw) => {
      const f = findKey(contextOf(v, 'context_get_key'), String(arg(args, kw, 0, 'key', '')), !!arg(args, kw, 2, 'recursive', true));
      return f.found ? f.value : arg(args, kw, 1, 'default', null);
    },
    as_json: (v, args, kw) => {
      const indent = arg<number | null>(args, kw, 0, 'indent', 4);
      const sort = !!arg(args, kw, 1, 'sort_keys', true);
      return pythonJsonDump(asData(v), indent, sort);
    },
    as_yaml: (v, args, kw) => toYaml(asData(v), Number(arg(args, kw, 0, 'indent', 2)), !!arg(args, kw, 1, 'sort_keys', true)),
    indent: (v, args, kw) => {
      const n = Number(arg(args, kw, 0, 'n', 4));
      const chars = String(arg(args, kw, 1, 'chars', ' '));
      const reset = !!arg(args, kw, 2, 'reset', false);
      const pad = chars.repeat(Math.max(0, n));
      return pyStr(v).split('\n').map((l) => pad + (reset ? l.replace(new RegExp(`^(${escapeRe(chars)})+`), '') : l)).join('\n');
    },
  };
  return { ...filters, ...peeringdbFilters(g, describeValue, arg) };
}

/** Routing policies used by a router's sessions, their ASes, groups and IXPs; distinct, by name (§0 #1). */
export function routerPolicies(g: Graph, router: Rec): Rec[] {
  const found = new Map<number, Rec>();
  const take = (r: Rec | null) => {
    if (!r) return;
    for (const k of ['import_routing_policies', 'export_routing_policies']) for (const p of g.m2m(r, k)) found.set(p.id, p);
  };
  const conns = new Set(g.all(CONNECTION).filter((c) => c.fk.router === router.id).map((c) => c.id));
  for (const s of g.all(DIRECT).filter((x) => x.fk.router === router.id)) { take(s); take(g.fk(s, 'autonomous_system')); take(g.fk(s, 'bgp_group')); }
  for (const s of g.all(IXP_SESSION).filter((x) => conns.has(x.fk.ixp_connection as number))) {
    take(s);
    take(g.fk(s, 'autonomous_system'));
    const c = g.fk(s, 'ixp_connection');
    take(c ? g.fk(c, 'internet_exchange_point') : null);
  }
  for (const c of g.all(CONNECTION).filter((x) => conns.has(x.id))) take(g.fk(c, 'internet_exchange_point'));
  return [...found.values()].sort((a, b) => String(a.row.name).localeCompare(String(b.row.name)) || a.id - b.id);
}

function stripType7(algorithm: string, v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return isInPlatformFormat(algorithm, s) ? s.slice(2) : s;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (isObj(v) && typeof v[REF] === 'string') return `"${String(v['@str'])}"`;
  return Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a dict' : JSON.stringify(v);
}

/** Python's json.dumps(indent=…, sort_keys=…): ", "/": " without indent, non-ASCII escaped. */
export function pythonJsonDump(v: unknown, indent: number | null, sortKeys: boolean): string {
  const ascii = (s: string) => s.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const walk = (x: unknown, level: number): string => {
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'string') return ascii(JSON.stringify(x));
    if (typeof x !== 'object') return JSON.stringify(x);
    const nl = indent === null ? '' : `\n${' '.repeat(indent * (level + 1))}`;
    const end = indent === null ? '' : `\n${' '.repeat(indent * level)}`;
    const sep = indent === null ? ', ' : ',';
    if (Array.isArray(x)) return x.length ? `[${x.map((y) => nl + walk(y, level + 1)).join(sep)}${end}]` : '[]';
    let keys = Object.keys(x);
    if (sortKeys) keys = keys.sort();
    return keys.length ? `{${keys.map((k) => `${nl}${ascii(JSON.stringify(k))}: ${walk((x as Obj)[k], level + 1)}`).join(sep)}${end}}` : '{}';
  };
  return walk(v, 0);
}
