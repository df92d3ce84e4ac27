// Subscription fan-out below graphql-ws's per-subscription iterators. The subscriptions that
// share document, operation, variables and rights (shareKey) form a group: the group listens to
// the bus topic once, runs each event through GraphQL once, serializes the result once and
// hands each member the payloads of the events it takes, a turn's events at a time. What stays
// per subscriber: its resolver ran for it (argument checks, rights, its snapshot) and made its
// LiveSource, whose filter decides for each event whether this subscriber gets it.
import { execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { logger } from '../log';
import { withDomainCode } from './errors';
import type { LiveSource } from './live-source';
import { shareKey, type CountExecutions } from './shared-subscribe';

/** Where a member's messages go. */
export interface Member {
  /** The subscription's id on its connection. */
  readonly id: string;
  /**
   * Sends `next` messages with these serialized payloads, in order. Members given the same
   * `shared` map got the same payloads: what is built from the id and payloads may be kept there.
   */
  send(payloads: readonly Buffer[], shared: Map<string, unknown> | null): void;
}

const DONE: IteratorResult<never> = { value: undefined, done: true };

/**
 * One subscriber's subscription, as graphql-ws holds it: an iterator that yields nothing (the
 * group sends the messages), ends when the client completes or leaves (return), and throws when
 * an event could not be executed, so that graphql-ws sends the `error` message.
 */
export class FanoutSubscription implements AsyncIterableIterator<ExecutionResult> {
  member: Member | null = null;
  ended = false;
  private group: Group | null = null;
  private settle!: { resolve: (r: IteratorResult<never>) => void; reject: (e: unknown) => void };
  private readonly end = new Promise<IteratorResult<never>>((resolve, reject) => { this.settle = { resolve, reject }; });

  constructor(private readonly groups: FanoutGroups, readonly args: ExecutionArgs, readonly source: LiveSource) {
    this.end.catch(() => undefined);
  }

  /** Delivery starts: the subscription joins its group. */
  attach(member: Member): void {
    if (this.ended || this.member) return;
    this.member = member;
    this.group = this.groups.join(this);
  }

  [Symbol.asyncIterator](): this { return this; }

  next(): Promise<IteratorResult<never>> { return this.end; }

  async return(): Promise<IteratorResult<never>> {
    this.leave();
    return DONE;
  }

  async throw(error: unknown): Promise<IteratorResult<never>> {
    this.leave();
    throw error;
  }

  /** No more messages: the group forgets it and its iteration ends. */
  leave(): void {
    this.finish(() => this.settle.resolve(DONE));
  }

  /** As leave, and its iteration throws `error` (graphql-ws sends it as the `error` message). */
  fail(error: unknown): void {
    this.finish(() => this.settle.reject(error));
  }

  private finish(settle: () => void): void {
    if (this.ended) return;
    this.ended = true;
    this.source.close();
    this.group?.leave(this);
    settle();
  }
}

/** A member's turn to join: what it takes before the group's events (snapshot and what its source heard). */
class Join {
  constructor(readonly subscription: FanoutSubscription, readonly first: unknown[]) {}
}

/**
 * What one member gets of a batch; `all` when that is every event of the batch; `error` when its
 * filter threw (the member gets the events before it, then its subscription ends with the error).
 */
interface Share { events: unknown[]; all: boolean; error?: unknown }

class Group {
  private readonly members = new Set<FanoutSubscription>();
  private queue: unknown[] = [];
  private joining = 0;
  private scheduled = false;
  private draining = false;
  private readonly unlisten: () => void;

  constructor(source: LiveSource, private readonly count: CountExecutions, private readonly closed: (g: Group) => void) {
    this.unlisten = source.bus.listen(source.topic, (event) => this.push(event));
  }

  join(s: FanoutSubscription): void {
    this.joining++;
    // The source stops listening here, where the group's queue takes over.
    this.push(new Join(s, s.source.claim()));
  }

  leave(s: FanoutSubscription): void {
    this.members.delete(s);
    this.closeIfEmpty();
  }

  /** With no member left and none about to join, the group stops listening and is forgotten. */
  private closeIfEmpty(): void {
    if (this.members.size || this.joining) return;
    this.unlisten();
    this.closed(this);
  }

  private push(item: unknown): void {
    this.queue.push(item);
    // Everything heard in this turn of the event loop goes out as one batch.
    if (!this.scheduled && !this.draining) {
      this.scheduled = true;
      setImmediate(() => { this.scheduled = false; void this.drain(); });
    }
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.queue.length) {
      // A batch that fails is logged; the next one still goes out.
      await this.deliver(this.queue.splice(0)).catch((e) => logger.error({ err: (e as Error).message }, 'subscription fan-out failed'));
    }
    this.draining = false;
  }

  /** Who takes which events of the batch, in order; members join at their place in it. */
  private shares(items: unknown[]): { events: unknown[]; shares: Map<FanoutSubscription, Share> } {
    const events: unknown[] = [];
    const shares = new Map<FanoutSubscription, Share>();
    for (const m of this.members) shares.set(m, { events: [], all: true });
    for (const item of items) {
      if (item instanceof Join) {
        this.joining--;
        const s = item.subscription;
        if (s.ended) continue;
        this.members.add(s);
        shares.set(s, { events: [...item.first], all: !item.first.length && !events.length });
        continue;
      }
      events.push(item);
      for (const [m, share] of shares) {
        if (share.error !== undefined) continue;
        try {
          if (m.source.accepts(item as never)) share.events.push(item);
          else share.all = false;
        } catch (e) {
          share.error = e ?? new Error('subscription filter failed');
          share.all = false;
        }
      }
    }
    return { events, shares };
  }

  private async deliver(items: unknown[]): Promise<void> {
    const { events, shares } = this.shares(items);
    // Members that left while the batch was queued or executed are skipped.
    const executor = [...this.members][0];
    if (!executor) return this.closeIfEmpty();
    // Each event someone takes, executed once (with the oldest member's arguments: the same
    // document, variables and rights as everyone's here).
    const payloads = new Map<unknown, Promise<Buffer>>();
    const execute = (e: unknown) => { if (!payloads.has(e)) payloads.set(e, run(executor.args, e)); };
    let deliveries = 0;
    let anyAll = false;
    for (const share of shares.values()) {
      deliveries += share.events.length;
      if (!share.all) for (const e of share.events) execute(e);
      else if (share.events.length) anyAll = true;
    }
    if (anyAll) for (const e of events) execute(e);
    this.count('executed', payloads.size);
    this.count('shared', deliveries - payloads.size);
    const ready = new Map<unknown, Buffer>();
    const failed = new Map<unknown, unknown>();
    await Promise.all([...payloads].map(([e, p]) => p.then((b) => { ready.set(e, b); }, (err) => { failed.set(e, err); })));
    const whole = events.every((e) => ready.has(e)) ? events.map((e) => ready.get(e)!) : null;
    const shared = new Map<string, unknown>();
    for (const [m, share] of shares) {
      if (m.ended || !m.member) continue;
      const failure = failed.size ? share.events.find((e) => failed.has(e)) : undefined;
      if (failure !== undefined) {
        m.fail(failed.get(failure));
        continue;
      }
      if (share.all && whole) m.member.send(whole, shared);
      else if (share.events.length) m.member.send(share.events.map((e) => ready.get(e)!), null);
      if (share.error !== undefined) m.fail(share.error);
    }
  }
}

/**
 * The event run through the subscription's selection, serialized as a `next` payload is (the
 * core's errors with their GraphQL codes, as graphql-ws's onNext gives the other subscriptions).
 */
async function run(args: ExecutionArgs, event: unknown): Promise<Buffer> {
  const { errors, ...result } = await execute({ ...args, rootValue: event });
  return Buffer.from(JSON.stringify(errors ? { ...result, errors: errors.map((e) => withDomainCode(e).toJSON()) } : result));
}

/** The groups of one server, by share key. */
export class FanoutGroups {
  private readonly groups = new Map<string, Group>();
  private unshared = 0;

  constructor(private readonly count: CountExecutions) {}

  /** A subscription waiting for its member (the connection and id), then joining its group. */
  subscription(args: ExecutionArgs, source: LiveSource): FanoutSubscription {
    return new FanoutSubscription(this, args, source);
  }

  join(s: FanoutSubscription): Group {
    // Without a caller nothing tells subscribers apart: a group of its own.
    const key = shareKey(s.args) || `unshared ${this.unshared++}`;
    let group = this.groups.get(key);
    if (!group) {
      const created = new Group(s.source, this.count, (g) => { if (this.groups.get(key) === g) this.groups.delete(key); });
      this.groups.set(key, created);
      group = created;
    }
    group.join(s);
    return group;
  }

  /** Groups listening now (tests). */
  get size(): number { return this.groups.size; }
}
