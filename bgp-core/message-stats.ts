// Per-session message counters, by message type and direction.

export type StatKey = 'Opens' | 'Updates' | 'Keepalives' | 'Notifications' | 'Route Refresh';
export type MessageStats = Record<StatKey, number>;

const STAT_BY_TYPE: Readonly<Record<number, StatKey>> = {
  1: 'Opens',
  2: 'Updates',
  3: 'Notifications',
  4: 'Keepalives',
  5: 'Route Refresh',
};

export function emptyStats(): MessageStats {
  return { Opens: 0, Updates: 0, Keepalives: 0, Notifications: 0, 'Route Refresh': 0 };
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
