// Per-session message counters, by message type and direction.

/** By message type (RFC 4271 §4.1, RFC 2918); each API names them its own way (yabgp's in rest-compat/yabgp). */
export type StatKey = 'open' | 'update' | 'notification' | 'keepalive' | 'routeRefresh';
export type MessageStats = Record<StatKey, number>;

const STAT_BY_TYPE: Readonly<Record<number, StatKey>> = {
  1: 'open',
  2: 'update',
  3: 'notification',
  4: 'keepalive',
  5: 'routeRefresh',
};

export function emptyStats(): MessageStats {
  return { open: 0, update: 0, notification: 0, keepalive: 0, routeRefresh: 0 };
}

export class MessageCounters {
  readonly send = emptyStats();
  readonly receive = emptyStats();

  sent(type: number): void {
    this.send[STAT_BY_TYPE[type]]++;
  }

  received(type: number): void {
    this.receive[STAT_BY_TYPE[type]]++;
  }

  /** A copy, safe to hand out. */
  snapshot(): { send: MessageStats; receive: MessageStats } {
    return { send: { ...this.send }, receive: { ...this.receive } };
  }
}
