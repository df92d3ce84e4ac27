// `peergate bgp neighbor`: asks a running PeerGate over GraphQL and prints tables (or --json).
// It never opens a database: a remote gateway answers exactly as the local one does.
import { UsageError } from '../args';
import { NO_SUCH_PEER_EXIT, serverUrl, type BgpArgs } from './args';
import { CliFailure, graphqlClient } from './client';
import { fetchNeighbors, fetchRoutes, matching, type Neighbor } from './neighbors';
import { neighborDetail, neighborTable, routeTable } from './format';

/** A neighbor for --json: what the server returned, with its source, router name and session. */
function jsonOf(n: Neighbor): Record<string, unknown> {
  return { source: n.source, routerName: n.routerName, session: n.session, ...(n.speaker ?? n.bmp) };
}

/**
 * Peers choose some of what is printed (a shutdown communication, a BMP router's sysName): control
 * characters other than line breaks and tabs are shown escaped, so none can drive the terminal.
 * In JSON the same characters are valid as \u escapes.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function print(text: string): void {
  const safe = terminalSafe(text);
  process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

async function run(args: BgpArgs): Promise<number> {
  const client = graphqlClient(serverUrl(args), args.token ?? (process.env.PEERGATE_TOKEN || undefined));
  const all = await fetchNeighbors(client);
  const found = matching(all, args.address, args.router);
  const where = args.router === undefined ? '' : ` of router ${args.router}`;
  if (args.address === undefined) {
    if (args.router !== undefined && !found.length && !all.some((n) => n.routerId === args.router || n.routerName === args.router)) {
      throw new CliFailure(`no peers${where} at ${client.url}`, NO_SUCH_PEER_EXIT);
    }
    print(args.json ? JSON.stringify(found.map(jsonOf), null, 2) : neighborTable(found));
    return 0;
  }
  if (!found.length) throw new CliFailure(`no neighbor ${args.address}${where} at ${client.url} (peergate bgp neighbor lists them)`, NO_SUCH_PEER_EXIT);
  if (!args.routes) {
    print(args.json ? JSON.stringify(found.map(jsonOf), null, 2) : found.map(neighborDetail).join('\n\n'));
    return 0;
  }
  // Routes are read by session: the one session behind this address (a speaker peer and the
  // BMP report of the same session are one).
  const sessions = new Map(found.filter((n) => n.session).map((n) => [`${n.session!.type}:${n.session!.id}`, n]));
  if (!sessions.size) throw new CliFailure(`neighbor ${args.address}${where} has no session in the data, so its routes cannot be asked for`, NO_SUCH_PEER_EXIT);
  if (sessions.size > 1) {
    const routers = [...new Set([...sessions.values()].map((n) => n.routerName ?? n.routerId))].join(', ');
    throw new UsageError(`bgp neighbor: ${args.address} is a neighbor on several routers (${routers}): name one with --router`);
  }
  const n = [...sessions.values()].find((x) => x.source === 'speaker') ?? [...sessions.values()][0];
  const routes = await fetchRoutes(client, n as Neighbor & { session: NonNullable<Neighbor['session']> }, args.routes);
  if (args.json) { print(JSON.stringify(routes, null, 2)); return 0; }
  if (args.routes.prefix !== undefined && !routes.length) { print('Network not in table'); return 0; }
  print(routeTable(routes));
  // A BMP peer's post-policy table holds its accepted prefixes, every other table the received ones.
  const total = n.source === 'bmp' && args.routes.policy === 'post' ? n.accepted : n.received;
  if (args.routes.prefix === undefined && routes.length < total) {
    print(`(${routes.length} of ${total} routes: --limit N shows more, up to the server's MAX_PAGE_SIZE)`);
  }
  return 0;
}

/** Runs the command; a failure is one line on stderr and its exit code. */
export async function bgpCommand(args: BgpArgs): Promise<number> {
  try {
    return await run(args);
  } catch (e) {
    if (e instanceof CliFailure) { console.error(terminalSafe(`peergate bgp: ${e.message}`)); return e.exitCode; }
    throw e;
  }
}
