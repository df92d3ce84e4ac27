// Which processes answer speaker API requests over the bus ("speaker nodes": `peergate
// bgp-worker`s, and gateways running a worker or a BMP station on PostgreSQL). Each node keeps a
// row alive; an asker waits for exactly the live nodes, so a list is complete without waiting
// out a timeout, and a gateway with no node at all says so at once. Created here like the event
// bus's and the leases' tables, so no migration is needed.
import { ensureTable } from '../../db/ensure-table';
import { Client } from 'pg';
import { logger } from '../../log';

export const NODE_TABLE = 'peergate_speaker_node';
/** A node's row outlives a missed heartbeat or two; a dead node is expected at most this long. */
const NODE_SECONDS = 15;
const HEARTBEAT_MS = 5000;
/** How long an asker reuses the list of live nodes. */
const LIST_CACHE_MS = 1000;

export class SpeakerNodes {
  private readonly client: Client;
  private ready: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private self: string | null = null;
  private cached: { at: number; nodes: Promise<string[]> } | null = null;
  private closed = false;

  constructor(url: string) {
    this.client = new Client({ connectionString: url });
    // A broken connection must not crash the process; listing fails and askers report it.
    this.client.on('error', (e) => logger.error({ err: e }, 'speaker nodes: connection error'));
  }

  private connect(): Promise<void> {
    this.ready ??= this.client.connect().then(() => ensureTable(this.client, NODE_TABLE, 'node_id text primary key, expires timestamptz not null'));
    return this.ready;
  }

  /** Keeps `nodeId` listed as answering until close(). */
  async register(nodeId: string): Promise<void> {
    await this.connect();
    this.self = nodeId;
    await this.beat();
    this.timer = setInterval(() => { void this.beat(); }, HEARTBEAT_MS);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    if (this.closed || !this.self) return;
    try {
      await this.client.query(`insert into ${NODE_TABLE} (node_id, expires) values ($1, now() + make_interval(secs => $2))
        on conflict (node_id) do update set expires = excluded.expires`, [this.self, NODE_SECONDS]);
      await this.client.query(`delete from ${NODE_TABLE} where expires < now() - interval '1 minute'`);
    } catch (e) {
      logger.warn({ err: e }, 'speaker nodes: heartbeat failed');
    }
  }

  /** The nodes alive now (cached for a second). */
  live(): Promise<string[]> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > LIST_CACHE_MS) {
      const nodes = this.connect()
        .then(() => this.client.query<{ node_id: string }>(`select node_id from ${NODE_TABLE} where expires > now() order by node_id`))
        .then((r) => r.rows.map((x) => x.node_id));
      nodes.catch(() => { this.cached = null; });
      this.cached = { at: now, nodes };
    }
    return this.cached.nodes;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (!this.ready) return;
    try {
      await this.ready;
      if (this.self) await this.client.query(`delete from ${NODE_TABLE} where node_id = $1`, [this.self]);
    } catch (e) {
      logger.warn({ err: e }, 'speaker nodes: could not remove this node; its row expires on its own');
    }
    await this.client.end().catch(() => undefined);
  }
}
