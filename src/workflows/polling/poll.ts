// Polling BGP sessions state (pm-workflows §6.3): which routers can be polled, who may poll, the
// values a neighbour gives its session, and the batched write of those values.
import type { EntityManager } from '@mikro-orm/core';
import type { Caller } from '../../http/auth';
import { AuthError } from '../../domain/errors';
import { NO_PERMISSION, writeGrant } from '../../domain/access';
import { describe } from '../../domain/model';
import { Router } from '../../domain/devices/router';
import { DirectPeeringSession } from '../../domain/peering/direct-peering-session';
import { InternetExchangePeeringSession } from '../../domain/peering/internet-exchange-peering-session';
import { SESSION_ENTITY, type SessionType } from '../../bgp/desired';
import type { Neighbour } from './live';
import { sqlConnection } from '../../db/context';

export const POLL_FAILED = 'Error while polling BGP sessions state.';

/** Peering Manager's states, in the order it tries them as prefixes of the device's state. */
const BGP_STATES = ['idle', 'connect', 'active', 'opensent', 'openconfirm', 'established'] as const;

/** "Idle (Admin)" → idle, "ESTABLISHED" → established; anything else → null. */
export function normaliseState(raw: string | null | undefined): string | null {
  const s = (raw ?? '').trim().toLowerCase();
  return BGP_STATES.find((state) => s.startsWith(state)) ?? null;
}

/**
 * Why a router cannot be polled, or null. Peering Manager refuses a disabled router or one without
 * a NAPALM driver; PeerGate polls only its own speaker, which runs enabled routers with bgpSpeaker.
 */
export function unusableReason(router: Pick<Router, 'status' | 'bgpSpeaker'>): string | null {
  if (router.status === 'disabled') return 'Router is disabled.';
  if (!router.bgpSpeaker) return 'Router does not run in PeerGate\'s BGP speaker (bgp_speaker is false): there is no live state to poll.';
  if (router.status !== 'enabled') return `Router status is ${router.status}: PeerGate's BGP speaker runs enabled routers only.`;
  return null;
}

/**
 * A poll writes the router and both kinds of session (operational fields, not change-logged), so
 * the caller must be allowed to update all three models, as the core grants it.
 */
export function requirePollRights(caller: Caller): void {
  for (const cls of [Router, DirectPeeringSession, InternetExchangePeeringSession]) {
    const grant = writeGrant(caller, describe(cls), 'update');
    if (grant.ownRows.length || grant.fields) throw new AuthError('FORBIDDEN', NO_PERMISSION);
  }
}

export interface PolledSession { type: SessionType; sessionId: number; state: string | null; received: number; accepted: number; advertised: number }

const count = (n: number): number => (Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0);

export function polledFrom(n: Neighbour): PolledSession {
  return { type: n.type, sessionId: n.sessionId, state: normaliseState(n.state), received: count(n.received), accepted: count(n.accepted), advertised: count(n.advertised) };
}

/** Rows per UPDATE: six parameters each, well under PostgreSQL's 65535. */
const CHUNK = 1000;

/**
 * Writes the polled values, one UPDATE ... FROM (VALUES ...) per session table and chunk; call it
 * inside the poll's transaction. `last_established_state` becomes `now` for established sessions.
 */
export async function writePolledSessions(em: EntityManager, polled: PolledSession[], now: Date): Promise<void> {
  for (const type of ['direct', 'ixp'] as SessionType[]) {
    const rows = polled.filter((p) => p.type === type);
    if (!rows.length) continue;
    const meta = em.getMetadata().get(SESSION_ENTITY[type].name);
    const col = (prop: string) => `"${meta.properties[prop as keyof typeof meta.properties].fieldNames[0]}"`;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const values = chunk.map(() => '(?::integer, ?::text, ?::integer, ?::integer, ?::integer)').join(', ');
      const params: unknown[] = [now.toISOString()];
      for (const r of chunk) params.push(r.sessionId, r.state, r.received, r.accepted, r.advertised);
      await sqlConnection(em).execute(
        `update "${meta.tableName}" as t set ${col('bgpState')} = v.state, ${col('receivedPrefixCount')} = v.received,
           ${col('acceptedPrefixCount')} = v.accepted, ${col('advertisedPrefixCount')} = v.advertised,
           ${col('lastEstablishedState')} = case when v.state = 'established' then ?::timestamptz else t.${col('lastEstablishedState')} end
         from (values ${values}) as v(id, state, received, accepted, advertised) where t.${col('id')} = v.id`,
        params, 'run', em.getTransactionContext(), em.getLoggerContext()
      );
    }
  }
}
