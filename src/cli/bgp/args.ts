// `peergate bgp neighbor ...`: the command line, parsed strictly like every other command. Only
// node built-ins and src/cli/args.ts load here; the client and the formatting load when it runs.
import { isIP } from 'node:net';
import { parseCommand, parseHttpUrl, UsageError } from '../args';

/** Exit codes of `peergate bgp` beyond 0 (done), 1 (server unreachable or failed) and 2 (bad command line). */
export const CREDENTIALS_REFUSED_EXIT = 4;
export const NO_SUCH_PEER_EXIT = 5;

export const BGP_HELP = `Usage: peergate bgp neighbor [<address> [adj-in [<prefix> [longer-prefixes]]]] [options]

Live BGP state from a running PeerGate (this one or a remote gateway), in the spirit of
gobgp neighbor: the peers its speaker runs and those routers report over BMP.

peergate bgp neighbor --help for the options.`;

export const BGP_NEIGHBOR_HELP = `Usage: peergate bgp neighbor [<address> [adj-in [<prefix> [longer-prefixes]]]] [options]

  bgp neighbor                       every peer: address, AS, uptime, state, prefixes received,
                                     accepted and advertised, source (speaker or bmp), router
  bgp neighbor <address>             one peer: session, capabilities, timers, message counters,
                                     prefix counts, last error or down reason
  bgp neighbor <address> adj-in      the routes received from it (its Adj-RIB-In)
  ... adj-in <prefix>                that prefix exactly (192.0.2.0/24), or the longest match for an
                                     address (192.0.2.1)
  ... adj-in <prefix> longer-prefixes  that prefix and its more specifics

  --url URL        the PeerGate to ask (default: PEERGATE_URL, else http://127.0.0.1:PORT, PORT
                   defaulting to 8000, or HOST when it names one address)
  --token TOKEN    API token (default: PEERGATE_TOKEN; the environment keeps it out of ps)
  --router R       only peers of this router (its name or id)
  --policy P       adj-in of a peer reported over BMP: pre (default) or post (after import policy)
  --limit N        adj-in: at most N routes (default: the server's page size)
  --json           print the data as JSON instead of tables

The server answers for the peers its own process sees (bgpPeers, bmpPeers, bgpReceivedRoutes over
GraphQL). No database is opened here.
Exit codes: 0 done, 1 server unreachable or failed, 2 bad command line (or an address several
routers have a peer on: name one with --router), ${CREDENTIALS_REFUSED_EXIT} credentials refused (a bad, expired
or out-of-network token, or none where one is required), ${NO_SUCH_PEER_EXIT} no such peer.`;

export interface RouteQuery {
  /** An exact prefix, or an address for the longest match. */
  prefix?: string;
  longerPrefixes: boolean;
  policy?: 'pre' | 'post';
  limit?: number;
}

export interface BgpArgs {
  help: boolean;
  url?: string;
  token?: string;
  router?: string;
  json: boolean;
  /** A peer address: show that peer (or its routes) instead of the list. */
  address?: string;
  /** Set for adj-in. */
  routes?: RouteQuery;
}

const NAME = 'bgp neighbor';

function parseAddress(text: string): string {
  if (!isIP(text)) throw new UsageError(`${NAME}: a neighbor is an IPv4 or IPv6 address, got "${text}"`);
  return text;
}

/** A prefix (address/length) or a bare address. */
function parsePrefix(text: string): string {
  const [addr, len, extra] = text.split('/');
  const family = isIP(addr);
  const max = family === 4 ? 32 : 128;
  if (!family || extra !== undefined || (len !== undefined && (!/^\d{1,3}$/.test(len) || Number(len) > max))) {
    throw new UsageError(`${NAME}: adj-in wants a prefix (192.0.2.0/24, 2001:db8::/32) or an address, got "${text}"`);
  }
  return text;
}

/** `peergate bgp ...` after the word bgp. */
export function parseBgpArgs(args: string[]): BgpArgs {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('bgp: missing a subcommand: neighbor');
  if (sub === '--help' || sub === '-h') return { help: true, json: false };
  if (sub !== 'neighbor') throw new UsageError(`bgp: unknown subcommand "${sub}" (neighbor)`);
  const { values, positionals } = parseCommand(NAME, rest, {
    url: { type: 'string' }, token: { type: 'string' }, router: { type: 'string' }, policy: { type: 'string' },
    limit: { type: 'string' }, json: { type: 'boolean' },
  }, 4);
  if (values.help) return { help: true, json: false };
  if (values.token !== undefined && !values.token.trim()) throw new UsageError(`${NAME}: --token wants a token`);
  if (values.router !== undefined && !values.router.trim()) throw new UsageError(`${NAME}: --router wants a router name or id`);
  const [address, word, prefix, more] = positionals;
  if (word !== undefined && word !== 'adj-in') throw new UsageError(`${NAME}: unknown argument "${word}" after the address (adj-in)`);
  if (more !== undefined && more !== 'longer-prefixes') throw new UsageError(`${NAME}: unknown argument "${more}" after the prefix (longer-prefixes)`);
  if (more !== undefined && !prefix.includes('/')) throw new UsageError(`${NAME}: longer-prefixes wants a prefix with its length, got "${prefix}"`);
  const adjIn = word === 'adj-in';
  if (!adjIn && values.policy !== undefined) throw new UsageError(`${NAME}: --policy applies to adj-in`);
  if (!adjIn && values.limit !== undefined) throw new UsageError(`${NAME}: --limit applies to adj-in`);
  if (values.policy !== undefined && values.policy !== 'pre' && values.policy !== 'post') throw new UsageError(`${NAME}: --policy is pre or post, got "${values.policy}"`);
  if (values.limit !== undefined && !/^[1-9]\d{0,8}$/.test(values.limit)) throw new UsageError(`${NAME}: --limit wants a positive integer, got "${values.limit}"`);
  return {
    help: false,
    url: values.url === undefined ? undefined : parseHttpUrl(NAME, '--url', values.url),
    token: values.token,
    router: values.router,
    json: !!values.json,
    address: address === undefined ? undefined : parseAddress(address),
    routes: adjIn ? {
      prefix: prefix === undefined ? undefined : parsePrefix(prefix),
      longerPrefixes: more !== undefined,
      policy: values.policy,
      limit: values.limit === undefined ? undefined : Number(values.limit),
    } : undefined,
  };
}

/**
 * Where the server is: --url, else PEERGATE_URL, else this machine's PORT (and HOST when it names
 * one address rather than all of them).
 */
export function serverUrl(args: BgpArgs, env: NodeJS.ProcessEnv = process.env): string {
  if (args.url) return args.url;
  if (env.PEERGATE_URL) return parseHttpUrl('bgp', 'PEERGATE_URL', env.PEERGATE_URL);
  const port = env.PORT ?? '8000';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535 || Number(port) === 0) throw new UsageError(`bgp: PORT must be a port number 1-65535 to find the server, got "${port}" (or give --url)`);
  const host = env.HOST && !['0.0.0.0', '::', '[::]', ''].includes(env.HOST) ? env.HOST : '127.0.0.1';
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
