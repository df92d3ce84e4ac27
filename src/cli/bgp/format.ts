// Text for people: the neighbor table, one neighbor in detail and received routes, laid out like
// gobgp's `neighbor` output so operators read it at a glance.
import type { Neighbor, Route } from './neighbors';

/** 0 → "never"; else "[Nd ]HH:MM:SS" as gobgp writes uptimes. */
export function formatUptime(seconds: number): string {
  if (!seconds || seconds <= 0) return 'never';
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((v) => String(v).padStart(2, '0')).join(':');
  return days ? `${days}d ${hms}` : hms;
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(header: string[], rows: string[][], right: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function neighborTable(all: Neighbor[]): string {
  const rows = all.map((n) => [
    n.address, String(n.asn), formatUptime(n.uptime), n.state, String(n.received), String(n.accepted),
    n.advertised === null ? '-' : String(n.advertised), n.source, n.routerName ?? (n.routerId === null ? '-' : `#${n.routerId}`),
  ]);
  return table(['Peer', 'AS', 'Up/Down', 'State', '#Received', 'Accepted', 'Advertised', 'Source', 'Router'], rows, new Set([1, 4, 5, 6]));
}

const both = (local: boolean, remote: boolean | null): string | null =>
  local && remote ? 'advertised and received' : local ? 'advertised' : remote ? 'received' : null;

/** The capability summaries of both OPENs, as gobgp lists them. */
function capabilityLines(local: Record<string, any>, remote: Record<string, any> | null): string[] {
  const rows: [string, string][] = [['multiprotocol:', '']];
  const families = (c: Record<string, any> | null): string[] => ((c?.families ?? []) as [string, string][]).map(([a, s]) => `${a}-${s}`);
  const ours = families(local);
  const theirs = families(remote);
  for (const f of [...new Set([...ours, ...theirs])]) rows.push([`    ${f}:`, both(ours.includes(f), remote ? theirs.includes(f) : null) ?? '']);
  const names: [string, string][] = [
    ['fourOctetAs', '4-octet-as'], ['routeRefresh', 'route-refresh'], ['ciscoRouteRefresh', 'cisco-route-refresh'],
    ['enhancedRouteRefresh', 'enhanced-route-refresh'], ['extendedMessage', 'extended-message'],
    ['gracefulRestart', 'graceful-restart'], ['addPath', 'add-path'],
  ];
  for (const [key, name] of names) {
    const shown = both(!!local[key], remote ? !!remote[key] : null);
    if (shown) rows.push([`${name}:`, shown]);
  }
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, text]) => `    ${name.padEnd(width)}  ${text}`.trimEnd());
}

/** Message counters in gobgp's order, with the names it prints. */
const MESSAGE_KINDS: [string, string][] = [['open', 'Opens'], ['notification', 'Notifications'], ['update', 'Updates'], ['keepalive', 'Keepalives'], ['routeRefresh', 'Route Refresh']];

/** RFC 7854 §4.8 statistic types (and RFC 8671's Adj-RIB-Out ones), for a BMP peer's last report. */
const BMP_STAT_NAMES: Record<string, string> = {
  0: 'prefixes rejected by inbound policy', 1: 'duplicate prefix advertisements', 2: 'duplicate withdraws',
  3: 'updates invalidated by CLUSTER_LIST loop', 4: 'updates invalidated by AS_PATH loop', 5: 'updates invalidated by ORIGINATOR_ID',
  6: 'updates invalidated by AS_CONFED loop', 7: 'routes in Adj-RIBs-In', 8: 'routes in Loc-RIB', 9: 'routes in Adj-RIB-In',
  10: 'routes in Loc-RIB', 11: 'updates treated as withdraw', 12: 'prefixes treated as withdraw', 13: 'duplicate update messages',
  14: 'routes in pre-policy Adj-RIB-Out', 15: 'routes in post-policy Adj-RIB-Out', 16: 'routes in pre-policy Adj-RIB-Out', 17: 'routes in post-policy Adj-RIB-Out',
};

function bmpStatName(key: string): string {
  const [type, family] = key.split(':');
  return `${BMP_STAT_NAMES[type] ?? `type ${type}`}${family ? ` (AFI/SAFI ${family})` : ''}`;
}

const perFamily = (counts: Record<string, number> | undefined): string =>
  Object.entries(counts ?? {}).map(([f, v]) => `${f} ${v}`).join(', ');

function routerText(n: Neighbor): string {
  if (n.routerId === null) return 'no PeerGate router matched';
  return n.routerName ? `${n.routerName} (id ${n.routerId})` : `id ${n.routerId}`;
}

function sessionText(n: Neighbor): string {
  return n.session ? `${n.session.type === 'ixp' ? 'IX' : 'direct'} session ${n.session.id}` : 'no session in the data';
}

const stateLine = (n: Neighbor): string => `  BGP state = ${n.state}${n.uptime > 0 ? `, up for ${formatUptime(n.uptime)}` : ''}`;

export function neighborDetail(n: Neighbor): string {
  const out = [`BGP neighbor is ${n.address}, remote AS ${n.asn}`];
  if (n.speaker) {
    const p = n.speaker;
    out.push(`  Source: PeerGate's speaker on router ${routerText(n)}, ${sessionText(n)}`);
    out.push(`  BGP version 4, remote router ID ${p.remoteRouterId ?? 'unknown'}`);
    out.push(stateLine(n));
    out.push(`  Local address ${p.localAddress ?? 'none yet'}, local AS ${p.localAs}; remote port ${p.remotePort}`);
    if (p.negotiated) out.push(`  Hold time ${p.negotiated.holdTime} s, keepalive ${p.negotiated.keepaliveTime} s; families ${p.negotiated.families.join(', ') || 'none'}`);
    if (p.staleFamilies.length) out.push(`  Graceful restart: routes kept stale for ${p.staleFamilies.join(', ')}`);
    out.push('  Neighbor capabilities:', ...capabilityLines(p.capabilities.local, p.capabilities.remote));
    out.push('  Message statistics:', `    ${''.padEnd(14)}${'Sent'.padStart(10)}${'Rcvd'.padStart(10)}`);
    const total = { send: 0, receive: 0 };
    for (const [kind, label] of MESSAGE_KINDS) {
      const [s, r] = [p.statistics.send?.[kind] ?? 0, p.statistics.receive?.[kind] ?? 0];
      total.send += s;
      total.receive += r;
      out.push(`    ${`${label}:`.padEnd(14)}${String(s).padStart(10)}${String(r).padStart(10)}`);
    }
    out.push(`    ${'Total:'.padEnd(14)}${String(total.send).padStart(10)}${String(total.receive).padStart(10)}`);
    out.push('  Route statistics:');
    out.push(`    Advertised:  ${n.advertised}${n.advertised ? ` (${perFamily(p.prefixes.advertised)})` : ''}`);
    out.push(`    Received:    ${n.received}${n.received ? ` (${perFamily(p.prefixes.received)})` : ''}`);
    out.push(`    Accepted:    ${n.accepted}`);
    const e = p.lastError;
    out.push(e
      ? `  Last error: ${e.direction === 'local' ? '' : `NOTIFICATION ${e.direction} ${e.code}/${e.subcode} `}${[e.codeName, e.subcodeName].filter(Boolean).join(' / ')}${e.text ? `: ${e.text}` : ''} (${e.time})`
      : '  Last error: none');
    const d = p.downReason;
    if (d) out.push(`  Down reason: ${d.kind}${d.direction ? ` (${d.direction.toLowerCase()})` : ''}${d.communication ? `, shutdown communication "${d.communication}"` : ''}`);
    return out.join('\n');
  }
  const p = n.bmp!;
  out.push(`  Source: BMP from ${p.bmpRouter}${p.sysName ? ` (${p.sysName})` : ''}, router ${routerText(n)}, ${sessionText(n)}`);
  out.push(`  BGP version 4, remote router ID ${p.remoteRouterId}; BMP peer type ${p.peerType}, distinguisher ${p.distinguisher}`);
  out.push(stateLine(n));
  if (p.negotiated) {
    const g = p.negotiated as Record<string, any>;
    const flags = [['as4', '4-octet-as'], ['routeRefresh', 'route-refresh'], ['enhancedRouteRefresh', 'enhanced-route-refresh'],
      ['extendedMessage', 'extended-message'], ['gracefulRestart', 'graceful-restart']].filter(([k]) => g[k]).map(([, name]) => name);
    out.push(`  Hold time ${g.holdTime} s; families ${(g.families ?? []).join(', ') || 'none'}`);
    out.push('  Negotiated capabilities (both OPENs of the Peer Up):');
    for (const f of flags) out.push(`    ${f}`);
    if (g.addPath?.length) out.push(`    add-path (receive): ${g.addPath.join(', ')}`);
  }
  out.push('  Route statistics:', `    Received (pre-policy):   ${n.received}`, `    Accepted (post-policy):  ${n.accepted}`);
  const stats = Object.entries(p.statistics ?? {});
  if (stats.length) {
    out.push('  Last BMP statistics report:');
    for (const [k, v] of stats) out.push(`    ${bmpStatName(k)}: ${v}`);
  }
  const d = p.lastDown;
  out.push(d ? `  Last down: ${d.text} (BMP reason ${d.reason}, ${d.time})` : '  Last down: none');
  return out.join('\n');
}

const ORIGINS = ['i', 'e', '?'];

/** An AS path in the yabgp form [[type, [asn, ...]], ...]: sets in braces. */
function asPathText(path: unknown): string {
  if (!Array.isArray(path)) return '';
  return path.map((seg) => {
    const [type, asns] = seg as [number, number[]];
    const list = (asns ?? []).join(' ');
    return type === 1 || type === 4 ? `{${list}}` : list;
  }).filter(Boolean).join(' ');
}

/** Received routes as gobgp's adj-in: network, next hop, AS path and the other attributes. */
export function routeTable(routes: Route[]): string {
  const rows = routes.map((r) => {
    const a = r.attributes as Record<string, any>;
    const nextHop = a['3'] ?? a['14']?.nexthop ?? '';
    const attrs = [
      a['1'] !== undefined ? `Origin: ${ORIGINS[a['1']] ?? a['1']}` : '',
      a['4'] !== undefined ? `Med: ${a['4']}` : '',
      a['5'] !== undefined ? `LocalPref: ${a['5']}` : '',
      a['8']?.length ? `Communities: ${a['8'].join(' ')}` : '',
      a['32']?.length ? `LargeCommunities: ${a['32'].join(' ')}` : '',
    ].filter(Boolean);
    return [r.prefix, String(nextHop), asPathText(a['2']), attrs.length ? `[${attrs.join(', ')}]` : ''];
  });
  return table(['Network', 'Next Hop', 'AS_PATH', 'Attrs'], rows, new Set());
}
