// Live session state (from the speaker's peers or from BMP) goes to the session rows: gathered per
// session between writes, then one transaction per batch of plain UPDATEs, as operational data
// rather than change-logged edits.
import type { MikroORM } from '@mikro-orm/core';
import { parsePeerKey, SESSION_ENTITY } from './desired';
import { logger } from '../log';
import { transaction } from '../db/transaction';

/** The session columns live state writes. */
export interface SessionState {
  bgpState?: string;
  lastEstablishedState?: Date;
  receivedPrefixCount?: number;
  acceptedPrefixCount?: number;
  advertisedPrefixCount?: number;
  /** Why the session last went down (storedDownReason), kept while it is up again. */
  lastDownReason?: Record<string, unknown>;
}

/** Changed state per session, keyed by peer key (`direct:12`, `ixp:7`), until the next write. */
export class SessionStateWriter {
  private pending = new Map<string, SessionState>();

  /** `source` names the writer in the log when a write fails ('bgp worker', 'bmp'). */
  constructor(private readonly orm: MikroORM, private readonly source: string) {}

  /** The state to change for a session; what is set on it is written by the next `flush`. */
  for(peerKey: string): SessionState {
    let s = this.pending.get(peerKey);
    if (!s) this.pending.set(peerKey, (s = {}));
    return s;
  }

  /** Writes what changed since the last flush in one transaction; a failure is logged, not thrown. */
  async flush(): Promise<void> {
    if (!this.pending.size) return;
    const batch = [...this.pending];
    this.pending.clear();
    try {
      await transaction(this.orm.em.fork(), async (em) => {
        for (const [peerKey, values] of batch) {
          const key = parsePeerKey(peerKey);
          if (key) await em.nativeUpdate(SESSION_ENTITY[key.type] as any, { id: key.id }, values);
        }
      });
    } catch (e) {
      logger.error({ err: e }, `${this.source}: state write-back failed`);
    }
  }
}
