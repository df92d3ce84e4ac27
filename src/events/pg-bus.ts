// The event bus across processes: PostgreSQL LISTEN/NOTIFY. Every process listens on
// one channel; a publish is a NOTIFY that comes back to every listener, this one
// included, so all processes see events in the same order. Payloads over NOTIFY's
// limit (8000 bytes) are stored in a table and the notification carries their id.
import { Client } from 'pg';
import { createPubSub } from '@graphql-yoga/subscription';
import type { ObjectChange } from '../domain/extras/object-change';
import { toObjectChangedEvent, type BgpSessionEvent, type BusTopics, type EventBus } from './bus';

const CHANNEL = 'peergate_events';
const MAX_INLINE = 7000; // bytes; NOTIFY refuses payloads of 8000 or more
const TABLE = 'peergate_event_payload';
/** How long a publish waits for a lost sender connection to be replaced before it gives up. */
const RESEND_WAIT_MS = 10_000;

interface Envelope { topic: keyof BusTopics; payload?: unknown; ref?: number }

export class PgBus implements EventBus {
  readonly pubSub = createPubSub<BusTopics>();
  private sender!: Client;
  private listener!: Client;
  private sweep: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(private url: string) {}

  static async connect(url: string): Promise<PgBus> {
    const bus = new PgBus(url);
    bus.sender = await bus.open(false);
    bus.listener = await bus.open(true);
    await bus.sender.query(`create table if not exists ${TABLE} (id bigserial primary key, body jsonb not null, created timestamptz not null default now())`);
    // Stored payloads are read within milliseconds; a minute is plenty for slow listeners.
    bus.sweep = setInterval(() => { bus.sender.query(`delete from ${TABLE} where created < now() - interval '1 minute'`).catch(() => undefined); }, 30_000);
    bus.sweep.unref();
    return bus;
  }

  /**
   * A connection that PostgreSQL may drop (restart, pg_terminate_backend): its 'error'
   * event replaces it; unheard, that event would take the whole process down.
   */
  private async open(listen: boolean): Promise<Client> {
    const client = new Client({ connectionString: this.url });
    try {
      await client.connect();
      if (listen) {
        client.on('notification', (msg) => { if (msg.channel === CHANNEL && msg.payload) void this.deliver(msg.payload); });
        await client.query(`listen ${CHANNEL}`);
      }
    } catch (e) {
      client.end().catch(() => undefined);
      throw e;
    }
    let lost = false;
    client.on('error', (e) => {
      if (lost) return;
      lost = true;
      console.error('event bus: connection lost, reconnecting', e.message);
      client.end().catch(() => undefined);
      void this.reopen(listen);
    });
    return client;
  }

  /** Publishes wait for the new sender (see send); notifications sent while the listener is down are lost. */
  private async reopen(listen: boolean): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        const client = await this.open(listen);
        if (this.closed) { await client.end(); return; }
        if (listen) this.listener = client;
        else this.sender = client;
        return;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  }

  private async deliver(raw: string): Promise<void> {
    try {
      const env = JSON.parse(raw) as Envelope;
      let payload = env.payload;
      if (env.ref !== undefined) {
        const r = await this.sender.query(`select body from ${TABLE} where id = $1`, [env.ref]);
        if (!r.rows.length) return;
        payload = r.rows[0].body;
      }
      this.pubSub.publish(env.topic as any, payload as any);
    } catch (e) {
      console.error('event bus: dropped a malformed notification', (e as Error).message);
    }
  }

  /**
   * NOTIFYs are sent one after another so their order is the publish order. A send that fails
   * because the connection was lost is retried on its replacement (for up to RESEND_WAIT_MS).
   */
  private send(topic: keyof BusTopics, payload: unknown): void {
    this.queue = this.queue.then(async () => {
      const deadline = Date.now() + RESEND_WAIT_MS;
      for (;;) {
        const client = this.sender;
        try {
          await this.notify(client, topic, payload);
          return;
        } catch (e) {
          if (this.closed || Date.now() > deadline) throw e;
          while (this.sender === client && !this.closed && Date.now() <= deadline) await new Promise((r) => setTimeout(r, 50));
        }
      }
    }).catch((e) => console.error('event bus: publish failed', (e as Error).message));
  }

  private async notify(client: Client, topic: keyof BusTopics, payload: unknown): Promise<void> {
    const inline = JSON.stringify({ topic, payload });
    if (Buffer.byteLength(inline) <= MAX_INLINE) {
      await client.query('select pg_notify($1, $2)', [CHANNEL, inline]);
    } else {
      const r = await client.query(`insert into ${TABLE} (body) values ($1) returning id`, [JSON.stringify(payload)]);
      await client.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify({ topic, ref: Number(r.rows[0].id) })]);
    }
  }

  publishObjectChanges(changes: ObjectChange[]): void {
    for (const c of changes) this.send('objectChanged', toObjectChangedEvent(c));
  }

  publishBgpSession(event: BgpSessionEvent): void {
    this.send('bgpSessionChanged', event);
  }

  publishCommand(command: BusTopics['bgpCommand'][0]): void {
    this.send('bgpCommand', command);
  }

  async ping(): Promise<void> {
    await this.listener.query('select 1');
    await this.sender.query('select 1');
  }

  /** Resolves once everything published so far has been sent. */
  flushed(): Promise<unknown> {
    return this.queue;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.sweep) clearInterval(this.sweep);
    await this.queue;
    await Promise.allSettled([this.listener.end(), this.sender.end()]);
  }

  get connectionString(): string { return this.url; }
}
