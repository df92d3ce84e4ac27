// /metrics of several gateway processes on one port (src/cli/gateway-processes.ts). A scrape
// reaches whichever process holds the connection; answering with that process's numbers alone
// would make every counter jump between processes. So the process asks the primary, the primary
// collects every process's registry and answers with their aggregate (prom-client's: counters and
// histograms summed, gauges as each metric declares).
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

type Message =
  | { peergate: 'scrape'; id: number }
  | { peergate: 'collect'; id: number }
  | { peergate: 'collected'; id: number; metrics: MetricsJson }
  | { peergate: 'scraped'; id: number; text: string | null };

const isMessage = (m: unknown): m is Message => typeof (m as Message | null)?.peergate === 'string';

/** How long the primary waits for every process's numbers; a process that misses it is left out. */
const COLLECT_TIMEOUT_MS = 3000;
/** How long a process waits for the primary's aggregate before /metrics answers 503. */
const SCRAPE_TIMEOUT_MS = 5000;

/**
 * The metrics text /metrics answers with. In one of several processes: every process's aggregate,
 * or null when the primary did not answer in time. `refresh` sets the gauges read at a scrape.
 */
export function metricsText(registry: Registry, refresh: () => void): () => Promise<string | null> {
  if (!cluster.isWorker) return async () => { refresh(); return registry.metrics(); };
  let next = 0;
  const waiting = new Map<number, (text: string | null) => void>();
  process.on('message', (m: unknown) => {
    if (!isMessage(m)) return;
    if (m.peergate === 'collect') {
      refresh();
      void registry.getMetricsAsJSON().then((metrics) => process.send?.({ peergate: 'collected', id: m.id, metrics } satisfies Message));
    } else if (m.peergate === 'scraped') {
      waiting.get(m.id)?.(m.text);
    }
  });
  return () => new Promise((resolve) => {
    const id = next++;
    const done = (text: string | null) => { clearTimeout(timer); waiting.delete(id); resolve(text); };
    const timer = setTimeout(() => done(null), SCRAPE_TIMEOUT_MS);
    waiting.set(id, done);
    process.send?.({ peergate: 'scrape', id } satisfies Message);
  });
}

/** In the primary: answers each process's scrape with the aggregate of all of them. */
export function answerScrapes(): void {
  let next = 0;
  const collecting = new Map<number, { want: number; got: MetricsJson[]; finish: () => void }>();
  cluster.on('message', (from, m: unknown) => {
    if (!isMessage(m)) return;
    if (m.peergate === 'collected') {
      const c = collecting.get(m.id);
      if (!c) return;
      c.got.push(m.metrics);
      if (c.got.length === c.want) c.finish();
      return;
    }
    if (m.peergate !== 'scrape') return;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead() && w.isConnected());
    const id = next++;
    const got: MetricsJson[] = [];
    const finish = () => {
      clearTimeout(timer);
      collecting.delete(id);
      const reply = (text: string | null) => { if (from.isConnected()) from.send({ peergate: 'scraped', id: m.id, text } satisfies Message); };
      AggregatorRegistry.aggregate(got).metrics().then(reply, () => reply(null));
    };
    const timer = setTimeout(finish, COLLECT_TIMEOUT_MS);
    collecting.set(id, { want: workers.length, got, finish });
    for (const w of workers) w?.send({ peergate: 'collect', id } satisfies Message);
  });
}
