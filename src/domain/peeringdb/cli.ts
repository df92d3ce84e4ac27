// `peergate sync-peeringdb [--url URL] [--cache-url URL] [--full] [--api-key KEY]`: a progress bar
// on a terminal, one line per step otherwise (cron, systemd), a summary per object type at the end.
// Parsing loads nothing else; the server and the sync load when the command runs.
import type { Config } from '../../config';
import { parseCommand, parseHttpUrl } from '../../cli/args';
import type { SyncProgress } from './sync';

/** sync.ts's DEFAULT_PEERINGDB_URL (a test keeps the two equal), here without loading the sync. */
export const DEFAULT_URL = 'https://www.peeringdb.com/api';

export const SYNC_HELP = `Usage: peergate sync-peeringdb [--url URL] [--cache-url URL] [--full] [--api-key KEY]

Mirrors PeeringDB (or another PeerGate's /pdb/api) into the local tables: a full load first (from
--cache-url's <tag>-0.json files when given), then since-based increments. Progress goes to
stderr (a bar on a terminal, one line per step otherwise), the summary to stdout.

  --url URL         API to read (default: PEERINGDB_URL, else ${DEFAULT_URL})
  --cache-url URL   where full loads read <tag>-0.json (default: PEERINGDB_CACHE_URL)
  --full            reload every type in full, even those already filled
  --api-key KEY     PeeringDB API key (default: PEERINGDB_API_KEY)`;

export interface SyncArgs { help: boolean; url?: string; cacheUrl?: string; full: boolean; apiKey?: string }

export function parseSyncArgs(args: string[]): SyncArgs {
  const name = 'sync-peeringdb';
  const { values } = parseCommand(name, args, {
    url: { type: 'string' }, 'cache-url': { type: 'string' }, full: { type: 'boolean' }, 'api-key': { type: 'string' },
  });
  return {
    help: !!values.help,
    url: values.url === undefined ? undefined : parseHttpUrl(name, '--url', values.url),
    cacheUrl: values['cache-url'] === undefined ? undefined : parseHttpUrl(name, '--cache-url', values['cache-url']),
    full: !!values.full,
    apiKey: values['api-key'],
  };
}

const BAR = 24;

/** `[3/13] net      [#########...............]  1200/2400 rows` */
function barLine(p: SyncProgress): string {
  const head = `[${p.index + 1}/${p.of}] ${p.tag.padEnd(11)}`;
  if (p.phase === 'fetch') return `${head} fetching…`;
  const share = p.rows ? p.done / p.rows : 1;
  const filled = Math.round(Math.min(1, share) * BAR);
  return `${head} [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${p.done}/${p.rows} rows${p.phase === 'done' ? ' done' : ''}`;
}

/** One line per step: a type's fetch starting, and its rows written. */
function stepLine(p: SyncProgress): string | null {
  const head = `sync-peeringdb [${p.index + 1}/${p.of}] ${p.tag}:`;
  if (p.phase === 'fetch') return `${head} fetching`;
  if (p.phase === 'done') return `${head} ${p.rows} rows fetched, ${p.done} written`;
  return null;
}

export async function syncCommand(config: Config, args: SyncArgs, out: NodeJS.WriteStream = process.stderr): Promise<number> {
  const { syncPeeringDB, formatSummary, DEFAULT_PEERINGDB_URL } = require('./sync') as typeof import('./sync');
  const { openDatabase } = require('../../open-database') as typeof import('../../open-database');
  const url = args.url ?? process.env.PEERINGDB_URL ?? DEFAULT_PEERINGDB_URL;
  const apiKey = args.apiKey ?? process.env.PEERINGDB_API_KEY;
  const cacheUrl = args.cacheUrl ?? process.env.PEERINGDB_CACHE_URL;
  const tty = !!out.isTTY;
  const onProgress = (p: SyncProgress) => {
    if (tty) { out.write(`\r\x1b[K${barLine(p)}`); return; }
    const line = stepLine(p);
    if (line) out.write(`${line}\n`);
  };
  const orm = await openDatabase(config);
  try {
    const summary = await syncPeeringDB(orm.em.fork(), { url, cacheUrl, full: args.full, apiKey, onProgress });
    if (tty) out.write('\r\x1b[K');
    console.log(formatSummary(summary));
    return 0;
  } catch (e) {
    if (tty) out.write('\n');
    console.error(`peergate sync-peeringdb: ${(e as Error).message}`);
    return 1;
  } finally {
    await orm.close(true);
  }
}
