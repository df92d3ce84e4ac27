// The event bus across processes: PostgreSQL LISTEN/NOTIFY. Every process listens on
// one channel; a publish is a NOTIFY that comes back to every listener, this one
// included, so all processes see events in the same order. Every event is also written
// to a short-lived log (in the same statement as its NOTIFY), which serves two needs:
// payloads over NOTIFY's 8000-byte limit travel as a log id, and a process whose
// listening connection was lost replays what it missed from the log once it is back.
import { ensureTable } from '../db/ensure-table';
import { Client } from 'pg';
import type { ObjectChange } from '../domain/extras/object-change';
import { busTopics, type BgpSessionEvent, type BusTopics, type EventBus, type JobChangedEvent } from './bus';
import { Outbox, type Outgoing } from './outbox';

const CHANNEL = 'peergate_events';
const MAX_INLINE = 7000; // bytes; NOTIFY refuses payloads of 8000 or more
const LOG = 'peergate_event_log';
/** A listener away for up to this long catches up on return; older events are swept. */
const KEEP = '2 minutes';
/** Senders in several processes commit out of id order: a returning listener looks this many ids back. */
const REPLAY_SLACK = 1000;
/** Ids remembered to deliver each event once (live and replayed overlap). */
const SEEN_MAX = 20_000;
/** Events sent in one statement at most. */
const SEND_BATCH = 500;
/** How long a publish waits for a lost sender connection to be replaced before it gives up. */
const RESEND_WAIT_MS = 10_000;

/** A notification: the log id, the topic, and the payload unless it is too big to carry (null). */
interface Envelope { id: number; topic: keyof BusTopics; payload: unknown }
/** Notifications heard on one listening connection, waiting for their delivery job. */
interface Heard { client: Client; raws: string[] }

export class PgBus implements EventBus {
  private readonly topics = busTopics();
  readonly pubSub = this.topics.pubSub;
  readonly listen = this.topics.listen;
  private sender!: Client;
  private listener!: Client;
  private sweep: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Deliveries run one after another, so a catch-up replay comes before what was heard after it. */
  private delivery: Promise<unknown> = Promise.resolve();
  private hearing: Heard | null = null;
  /** Published and not yet sent: sent together, in order, by the next send job. */
  private readonly outbox = new Outbox();
  private readonly seen = new Set<number>();
  private maxSeen = 0;
  /** The log's last id when this process started: nothing before it is this process's to replay. */
  private firstId = 0;
  /** Events delivered from the log after a lost listening connection (tests and metrics read it). */
  replayed = 0;
  private closed = false;

  private constructor(private url: string) {}

  static async connect(url: string): Promise<PgBus> {
    const bus = new PgBus(url);
    bus.sender = await bus.open(false);
    await ensureTable(bus.sender, LOG, 'id bigserial primary key, topic text not null, body json not null, created timestamptz not null default now()');
    bus.firstId = bus.maxSeen = Number((await bus.sender.query(`select coalesce(max(id), 0) as m from ${LOG}`)).rows[0].m);
    bus.listener = await bus.open(true);
    bus.sweep = setInterval(() => { bus.sender.query(`delete from ${LOG} where created < now() - interval '${KEEP}'`).catch(() => undefined); }, 30_000);
    bus.sweep.unref();
    return bus;
  }

  /**
   * A connection that PostgreSQL may drop (restart, pg_terminate_backend): its 'error'
   * event replaces it; unheard, that event would take the whole process down.
   */
  private async open(listen: boolean): Promise<Client> {
    const client = new Client({ connectionString: this.url });
    // Heard from the start: the session may be ended while it is still being opened.
    let opened = false;
    let lost = false;
    client.on('error', (e) => {
      if (lost) return;
      lost = true;
      client.end().catch(() => undefined);
      // While opening, the pending connect or query fails too and open() throws (reopen retries).
      if (!opened) return;
      console.error('event bus: connection lost, reconnecting', e.message);
      void this.reopen(listen);
    });
    try {
      await client.connect();
      if (listen) {
        client.on('notification', (msg) => { if (msg.channel === CHANNEL && msg.payload) this.hear(client, msg.payload); });
        await client.query(`listen ${CHANNEL}`);
      }
    } catch (e) {
      lost = true;
      client.end().catch(() => undefined);
      throw e;
    }
    if (lost) throw new Error('event bus: connection lost while opening');
    opened = true;
    return client;
  }

  /**
   * Publishes wait for the new sender (see send). A new listener first replays, from the log,
   * the events it missed while it was gone; what it hears meanwhile is delivered after that.
   */
  private async reopen(listen: boolean): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      let opened!: (c: Client | null) => void;
      if (listen) {
        const client = new Promise<Client | null>((r) => { opened = r; });
        this.enqueue(async () => { const c = await client; if (c) await this.replay(c); });
      }
      try {
        const client = await this.open(listen);
        if (this.closed) { opened?.(null); await client.end(); return; }
        if (listen) this.listener = client;
        else this.sender = client;
        opened?.(client);
        return;
      } catch {
        opened?.(null);
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)).unref());
      }
    }
  }

  private enqueue(job: () => Promise<void>): void {
    this.delivery = this.delivery.then(job).catch((e) => console.error('event bus: delivery failed', (e as Error).message));
  }

  /** True the first time an id is seen; the memory of ids is bounded. */
  private firstSight(id: number): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (id > this.maxSeen) this.maxSeen = id;
    if (this.seen.size > SEEN_MAX) for (const old of this.seen) { this.seen.delete(old); if (this.seen.size <= SEEN_MAX) break; }
    return true;
  }

  /**
   * A burst of events (a router reboot) arrives as hundreds of notifications at once: those heard
   * before the delivery queue gets to them go out as one job, each parsed once for this process.
   * A new listening connection starts a batch of its own, behind the replay queued for it.
   */
  private hear(client: Client, raw: string): void {
    if (this.hearing?.client !== client) {
      const batch: Heard = { client, raws: [] };
      this.hearing = batch;
      this.enqueue(() => this.deliverHeard(batch));
    }
    this.hearing.raws.push(raw);
  }

  private async deliverHeard(batch: Heard): Promise<void> {
    if (this.hearing === batch) this.hearing = null;
    for (const raw of batch.raws) {
      const fetching = this.deliver(batch.client, raw);
      if (fetching) await fetching;
    }
  }

  /** Publishes one notification's event; a promise only when its payload must be read from the log. */
  private deliver(client: Client, raw: string): Promise<void> | undefined {
    let env: Envelope;
    try {
      env = JSON.parse(raw) as Envelope;
    } catch (e) {
      console.error('event bus: dropped a malformed notification', (e as Error).message);
      return;
    }
    if (!this.firstSight(env.id)) return;
    if (env.payload !== null) {
      this.pubSub.publish(env.topic as any, env.payload as any);
      return;
    }
    return client.query(`select body from ${LOG} where id = $1`, [env.id]).then((r) => {
      if (r.rows.length) this.pubSub.publish(env.topic as any, r.rows[0].body);
    });
  }

  /** The events in the log this process has not delivered, in log order. */
  private async replay(client: Client): Promise<void> {
    const r = await client.query(`select id, topic, body from ${LOG} where id > $1 order by id`, [Math.max(this.firstId, this.maxSeen - REPLAY_SLACK)]);
    for (const row of r.rows) {
      if (!this.firstSight(Number(row.id))) continue;
      this.replayed++;
      this.pubSub.publish(row.topic, row.body);
    }
  }

  /**
   * NOTIFYs are sent one statement after another, so their order is the publish order; what is
   * published while one is on its way goes out in the next, together (a burst of hundreds of
   * session changes in a few statements, not hundreds of round trips). The first statement waits
   * for the turn after the publish: a write's answer goes out before its events are built and sent.
   * A send that fails because the connection was lost is retried on its replacement (for up to
   * RESEND_WAIT_MS).
   */
  private send(item: Outgoing | ObjectChange[]): void {
    const idle = this.outbox.empty;
    this.outbox.push(item);
    // A send job is queued already and will take this one too.
    if (!idle || this.outbox.empty) return;
    this.queue = this.queue.then(async () => {
      await new Promise((r) => setImmediate(r));
      while (!this.outbox.empty) {
        const batch = this.outbox.take(SEND_BATCH);
        await this.sendBatch(batch).catch((e) => console.error('event bus: publish failed', (e as Error).message));
      }
    });
  }

  private async sendBatch(batch: Outgoing[]): Promise<void> {
    const deadline = Date.now() + RESEND_WAIT_MS;
    for (;;) {
      const client = this.sender;
      try {
        await this.notify(client, batch);
        return;
      } catch (e) {
        if (this.closed || Date.now() > deadline) throw e;
        while (this.sender === client && !this.closed && Date.now() <= deadline) await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /**
   * Logs the events and notifies, in one statement (one transaction: all happen or none; the
   * notifications reach listeners at commit, in the order sent, which is log order). The log is
   * `json`, not `jsonb`, which refuses a \u0000 a peer's shutdown message may carry. A payload
   * too big to carry travels as its log id (payload null). The batch travels as one JSON array
   * (a json value keeps each body's text as sent): as text[] and json[], the driver would quote
   * every body into an array literal character by character. The statement is prepared once per
   * sending connection (named): the server parsed and planned it again for every write before.
   */
  private async notify(client: Client, batch: Outgoing[]): Promise<void> {
    await client.query({
      name: 'peergate_bus_notify',
      text: `with e as (
         insert into ${LOG} (topic, body)
         select o.value->>'topic', o.value->'body' from json_array_elements($1::json) with ordinality as o(value, n) order by n
         returning id, topic, body)
       select pg_notify($2, json_build_object('id', id, 'topic', topic,
         'payload', case when octet_length(body::text) + length(topic) + 60 <= ${MAX_INLINE} then body end)::text)
       from (select * from e order by id offset 0) as sent`,
      values: [JSON.stringify(batch.map((o) => ({ topic: o.topic, body: o.payload }))), CHANNEL],
    });
  }

  publishObjectChanges(changes: ObjectChange[]): void {
    this.send(changes);
  }

  publishBgpSession(event: BgpSessionEvent): void {
    this.send({ topic: 'bgpSessionChanged', payload: event });
  }

  publishJob(event: JobChangedEvent): void {
    this.send({ topic: 'jobChanged', payload: event });
  }

  publishSpeaker<K extends 'bgpRequest' | 'bgpReply'>(topic: K, message: BusTopics[K][0]): void {
    this.send({ topic, payload: message });
  }

  publishCredentialsChanged(): void {
    this.send({ topic: 'credentialsChanged', payload: { time: new Date().toISOString() } });
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
    await this.delivery;
    await Promise.allSettled([this.listener.end(), this.sender.end()]);
  }

  get connectionString(): string { return this.url; }
}
