// What a bus was asked to publish and has not handed on yet, in publish order. A write's change
// records wait as they are and become events only when taken: a bulk write of 10,000 objects
// answers first and builds its 10,000 events in a later turn (src/domain/crud.ts publishes them
// right after COMMIT, before the answer is written).
import type { ObjectChange } from '../domain/extras/object-change';
import type { BusTopics, ObjectChangedEvent } from './bus';
import { isoTexts } from '../domain/iso-time';

/** A write's records share one Date: formatted once, not once per record. */
const isoTime = isoTexts();

export function toObjectChangedEvent(c: ObjectChange): ObjectChangedEvent {
  return {
    id: c.id, time: isoTime(c.time), action: c.action, objectType: c.changedObjectType, objectId: c.changedObjectId,
    objectRepr: c.objectRepr, requestId: c.requestId, userName: c.userName, prechangeData: c.prechangeData ?? null, postchangeData: c.postchangeData ?? null,
  };
}

/** An event to publish. */
export interface Outgoing { topic: keyof BusTopics; payload: unknown }

export class Outbox {
  /** One event, or a write's change records (each one 'objectChanged' event). */
  private readonly items: (Outgoing | ObjectChange[])[] = [];
  /** How many records of items[0] were taken already, when it is change records. */
  private taken = 0;

  get empty(): boolean {
    return this.items.length === 0;
  }

  push(item: Outgoing | ObjectChange[]): void {
    if (Array.isArray(item) && item.length === 0) return;
    this.items.push(item);
  }

  /** Up to `max` events, the oldest first. */
  take(max: number): Outgoing[] {
    const out: Outgoing[] = [];
    while (out.length < max && this.items.length) {
      const item = this.items[0];
      if (!Array.isArray(item)) {
        out.push(item);
        this.items.shift();
        continue;
      }
      const end = Math.min(item.length, this.taken + max - out.length);
      for (let i = this.taken; i < end; i++) out.push({ topic: 'objectChanged', payload: toObjectChangedEvent(item[i]) });
      this.taken = end;
      if (end === item.length) {
        this.items.shift();
        this.taken = 0;
      }
    }
    return out;
  }
}
