// `peergate sync-peeringdb [--url URL] [--cache-url URL] [--full] [--api-key KEY]`: progress on a TTY, a summary at the end.
import type { Config } from '../../config';
import { openDatabase } from '../../server';
import { syncPeeringDB, formatSummary, DEFAULT_PEERINGDB_URL, type SyncProgress } from './sync';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function syncCommand(config: Config, args: string[]): Promise<number> {
  const url = option(args, '--url') ?? process.env.PEERINGDB_URL ?? DEFAULT_PEERINGDB_URL;
  const apiKey = option(args, '--api-key') ?? process.env.PEERINGDB_API_KEY;
  const cacheUrl = option(args, '--cache-url') ?? process.env.PEERINGDB_CACHE_URL;
  const tty = process.stderr.isTTY;
  const onProgress = (p: SyncProgress) => {
    if (!tty) return;
    const what = p.phase === 'fetch' ? 'fetching' : p.phase === 'write' ? `writing ${p.done}/${p.rows}` : `done (${p.rows} rows)`;
    process.stderr.write(`\r\x1b[K[${p.index + 1}/${p.of}] ${p.tag}: ${what}`);
  };
  const orm = await openDatabase(config);
  try {
    const summary = await syncPeeringDB(orm.em.fork(), { url, cacheUrl, full: args.includes('--full'), apiKey, onProgress });
    if (tty) process.stderr.write('\r\x1b[K');
    console.log(formatSummary(summary));
    return 0;
  } catch (e) {
    if (tty) process.stderr.write('\n');
    console.error(`sync-peeringdb: ${(e as Error).message}`);
    return 1;
  } finally {
    await orm.close(true);
  }
}
