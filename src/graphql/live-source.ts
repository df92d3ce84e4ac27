// A subscription's source as data: the bus topic it follows, which events this subscriber takes
// (its own argument filters and rights, decided by its resolver), and the events it gets first
// (a snapshot). It listens from the moment it is made, so nothing published after that is
// missed however it is consumed: by a fan-out group with the other subscribers that share its
// document, variables and rights (src/graphql/fanout.ts), or iterated on its own.
import type { EventBus, Topic, TopicEvent } from '../events/bus';

export class LiveSource<K extends Topic = Topic> implements AsyncIterable<TopicEvent<K>> {
  /** Heard and not yet taken, the first events ahead of them. */
  private heard: TopicEvent<K>[];
  private unlisten: (() => void) | null;
  private wake: (() => void) | null = null;

  constructor(readonly bus: EventBus, readonly topic: K, readonly accepts: (event: TopicEvent<K>) => boolean, first: TopicEvent<K>[] = []) {
    this.heard = [...first];
    this.unlisten = bus.listen(topic, (event) => {
      this.heard.push(event);
      this.wake?.();
    });
  }

  /** Events that come first, before everything heard so far (a snapshot that had to be asked for). */
  prepend(first: TopicEvent<K>[]): void {
    if (this.unlisten) this.heard.unshift(...first);
  }

  /**
   * Stops listening and hands over the first events and what was heard so far, the accepted
   * ones: whoever claims the source listens from here on.
   */
  claim(): TopicEvent<K>[] {
    const taken = this.heard.filter((e) => this.accepts(e));
    this.close();
    return taken;
  }

  close(): void {
    this.unlisten?.();
    this.unlisten = null;
    this.heard = [];
    this.wake?.();
  }

  /** The source on its own: its accepted events in order; return() ends it at once, even while it waits. */
  [Symbol.asyncIterator](): AsyncIterableIterator<TopicEvent<K>> {
    const done = (): IteratorResult<TopicEvent<K>> => ({ value: undefined, done: true });
    const iterator: AsyncIterableIterator<TopicEvent<K>> = {
      [Symbol.asyncIterator]() { return iterator; },
      next: async () => {
        for (;;) {
          let event: TopicEvent<K> | undefined;
          while ((event = this.heard.shift()) !== undefined) if (this.accepts(event)) return { value: event, done: false };
          if (!this.unlisten) return done();
          await new Promise<void>((r) => { this.wake = r; });
          this.wake = null;
        }
      },
      return: async () => {
        this.close();
        return done();
      },
    };
    return iterator;
  }
}
