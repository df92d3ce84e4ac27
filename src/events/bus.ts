// One event bus for object changes and BGP session events. The in-process
// implementation lives here; a PostgreSQL LISTEN/NOTIFY one shares the interface.
import { FixedBuffer, Repeater, type createPubSub } from '@graphql-yoga/subscription';
import type { ObjectChange } from '../domain/extras/object-change';
import type { DownReasonView } from '../bgp/down-reason';
import { Outbox, type Outgoing } from './outbox';

export interface ObjectChangedEvent {
  id: number;
  time: string;
  action: string;
  objectType: string;
  objectId: number;
  objectRepr: string;
  requestId: string;
  userName: string;
  prechangeData: unknown;
  postchangeData: unknown;
}

export interface BgpSessionEvent {
  sessionType: string;          // 'peering.directpeeringsession' | 'peering.internetexchangepeeringsession'
  sessionId: number;
  routerId: number | null;
  remoteAddress: string;
  remoteAs: number;
  state: string;
  previousState: string | null;
  uptime: number;
  receivedPrefixCount: number;
  advertisedPrefixCount: number;
  messagesIn: number;
  messagesOut: number;
  lastError: string | null;
  /** The NOTIFICATION of the last error (0 for local errors such as a refused connection). */
  lastErrorCode?: number | null;
  lastErrorSubcode?: number | null;
  /** Why the state changed ('hold timer expired', 'NOTIFICATION received: ...', 'peer de-configured', 'snapshot'). */
  reason?: string | null;
  /** The last down reason as data (kind, NOTIFICATION names, shutdown communication); null when none. */
  downReason?: DownReasonView | null;
  /** Families whose routes are kept stale while the peer restarts gracefully (RFC 4724). */
  staleFamilies: string[];
  /** Who saw it: PeerGate's own speaker, or a router reporting over BMP (RFC 7854). */
  source: 'speaker' | 'bmp';
  time: string;
}

/** A job's status changed (src/jobs/runner). */
export interface JobChangedEvent {
  id: number;
  jobId: string;
  name: string;
  status: string;
  objectType: string;
  objectId: number | null;
  userId: number | null;
  started: string | null;
  completed: string | null;
}

export type BusTopics = {
  objectChanged: [ObjectChangedEvent];
  jobChanged: [JobChangedEvent];
  bgpSessionChanged: [BgpSessionEvent];
  /** A call of the speaker API for other processes (src/bgp/speaker-api/bus.ts). */
  bgpRequest: [SpeakerRequest];
  /** A speaker node's answer to one request, for the process named by `to`. */
  bgpReply: [SpeakerReply];
  /** A token was revoked or a user changed: every gateway forgets its cached token lookups. */
  credentialsChanged: [{ time: string }];
};

export type Topic = keyof BusTopics;
export type TopicEvent<K extends Topic> = BusTopics[K][0];

export interface SpeakerRequest {
  /** Correlation id: the replies carry it. */
  id: string;
  /** The node that asks and waits for the replies. */
  replyTo: string;
  /** The nodes that should answer. */
  to: string[];
  method: string;
  args: unknown[];
  /** Epoch milliseconds after which nobody waits: a late (or replayed) request is dropped, never acted on. */
  deadline: number;
}

export interface SpeakerReply {
  id: string;
  to: string;
  /** The node that answers. */
  node: string;
  ok: boolean;
  data?: unknown;
  error?: { kind: string; message: string; field?: string; reason?: { kind: string; afi?: number; safi?: number } };
}

export interface EventBus {
  pubSub: ReturnType<typeof createPubSub<BusTopics>>;
  /**
   * Calls `listener` for each event of the topic as it is published, from now until the returned
   * function is called (pubSub.subscribe's iterators start only at their first next(), and each
   * event costs a promise per iterator; a subscription fan-out group listens once for many).
   */
  listen<K extends Topic>(topic: K, listener: (event: TopicEvent<K>) => void): () => void;
  publishObjectChanges(changes: ObjectChange[]): void;
  publishBgpSession(event: BgpSessionEvent): void;
  publishJob(event: JobChangedEvent): void;
  /** Speaker API requests and replies between processes (src/bgp/speaker-api/bus.ts). */
  publishSpeaker<K extends 'bgpRequest' | 'bgpReply'>(topic: K, message: BusTopics[K][0]): void;
  /** A token was revoked or a user changed (src/domain/users/credential-changes.ts). */
  publishCredentialsChanged(): void;
  /** Throws when the bus cannot deliver (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Events a subscription may fall behind by: a bulk write of 10,000 objects publishes 10,000 at once. */
const SUBSCRIBER_BUFFER = 20_000;

/**
 * graphql-yoga's pub/sub over `target`, except that each subscription has a buffer of its own.
 * Without one, a subscription takes at most 1024 events published in one turn (a repeater's
 * pending pushes) and the next threw out of the publisher; yoga's own buffer option is one buffer
 * object shared by every subscription. A subscription further behind than its buffer is ended
 * with the overflow error: it fails on its own, not the publisher, and keeps what it was sent.
 */
function bufferedPubSub(target: EventTarget): EventBus['pubSub'] {
  return {
    publish(topic: string, payload: unknown) {
      target.dispatchEvent(new CustomEvent(topic, { detail: payload }));
    },
    subscribe(topic: string) {
      return new Repeater((push, stop) => {
        const heard = (event: Event) => {
          try {
            void push((event as CustomEvent).detail).catch(() => undefined);
          } catch (e) {
            stop(e);
          }
        };
        target.addEventListener(topic, heard);
        void stop.then(() => target.removeEventListener(topic, heard));
      }, new FixedBuffer(SUBSCRIBER_BUFFER));
    },
  } as unknown as EventBus['pubSub'];
}

/** The bus's pubSub and `listen` over one event target. */
export function busTopics(): Pick<EventBus, 'pubSub' | 'listen'> {
  const target = new EventTarget();
  return {
    pubSub: bufferedPubSub(target),
    listen(topic, listener) {
      const heard = (e: Event) => listener((e as CustomEvent).detail);
      target.addEventListener(topic, heard);
      return () => target.removeEventListener(topic, heard);
    },
  };
}

/**
 * Publishes in this process. A write's change records are published in the turn after the one
 * that published them (its answer goes out first); whatever is published while some wait, waits
 * behind them, so events keep their publish order.
 */
export class InProcessBus implements EventBus {
  private readonly topics = busTopics();
  readonly pubSub = this.topics.pubSub;
  readonly listen = this.topics.listen;
  private readonly outbox = new Outbox();

  private publish(item: Outgoing | ObjectChange[]): void {
    if (!Array.isArray(item) && this.outbox.empty) {
      this.pubSub.publish(item.topic as any, item.payload as any);
      return;
    }
    const idle = this.outbox.empty;
    this.outbox.push(item);
    if (idle && !this.outbox.empty) setImmediate(() => this.deliver());
  }

  private deliver(): void {
    for (const e of this.outbox.take(Number.POSITIVE_INFINITY)) this.pubSub.publish(e.topic as any, e.payload as any);
  }

  publishObjectChanges(changes: ObjectChange[]): void {
    this.publish(changes);
  }
  publishBgpSession(event: BgpSessionEvent): void {
    this.publish({ topic: 'bgpSessionChanged', payload: event });
  }
  publishJob(event: JobChangedEvent): void {
    this.publish({ topic: 'jobChanged', payload: event });
  }
  publishSpeaker<K extends 'bgpRequest' | 'bgpReply'>(topic: K, message: BusTopics[K][0]): void {
    this.publish({ topic, payload: message });
  }
  publishCredentialsChanged(): void {
    this.publish({ topic: 'credentialsChanged', payload: { time: new Date().toISOString() } });
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
