// Live session state (from the speaker's peers or from BMP) goes to the session rows: one
// transaction per batch, plain UPDATEs, as operational data rather than change-logged edits.
import type { MikroORM } from '@mikro-orm/core';
import { DirectPeeringSession } from '../domain/peering/direct-peering-session';
import { InternetExchangePeeringSession } from '../domain/peering/internet-exchange-peering-session';
import { parsePeerKey, type SessionType } from './desired';

const entityOf: Record<SessionType, Function> = { direct: DirectPeeringSession, ixp: InternetExchangePeeringSession };

/** Writes each session's changed fields, keyed by peer key (`direct:12`, `ixp:7`); unknown keys are ignored. */
export async function writeSessionStates(orm: MikroORM, batch: [string, Record<string, unknown>][]): Promise<void> {
  if (!batch.length) return;
  await orm.em.fork().transactional(async (em) => {
    for (const [peerKey, values] of batch) {
      const key = parsePeerKey(peerKey);
      if (key) await em.nativeUpdate(entityOf[key.type] as any, { id: key.id }, values);
    }
  });
}
