// The `data` of a webhook payload: the object's full REST representation (pm-workflows §3.3 #2),
// which only a REST dialect knows how to build. The dialect registers its serializer here at
// startup (the core never imports a dialect); without one, `data` falls back to the change-log
// snapshot. Objects are read as of the write, inside its transaction, by a caller that reads every
// row but may not see secret fields: a webhook receiver is outside PeerGate.
import type { EntityManager } from '@mikro-orm/core';
import type { Caller } from '../../http/auth';
import { MAX_PARAMS_BYTES } from '../../jobs/api';

/** REST objects of `contentType` by id; ids it cannot read or represent are left out. */
export type WebhookDataSerializer = (em: EntityManager, contentType: string, ids: number[], caller: Caller) => Promise<Map<number, Record<string, unknown>>>;

let serializer: WebhookDataSerializer | null = null;

export function setWebhookDataSerializer(fn: WebhookDataSerializer | null): void {
  serializer = fn;
}

/**
 * Reads every row (a superuser's grant) but holds no write-enabled credential, so secret fields
 * (session passwords, API secrets: shown only to writers) come out null.
 */
export function webhookReader(): Caller {
  return { user: { id: 0, username: '', isActive: true, isStaff: true, isSuperuser: true }, token: null, error: null, canWrite: false };
}

/** A representation larger than this is not stored with the job: its `data` is the snapshot. */
const MAX_DATA_BYTES = Math.floor(MAX_PARAMS_BYTES / 2);

/**
 * REST representations as JSON text keyed `contentType:id`, one read per content type, or an empty
 * map without a serializer. `em` must be in the write's transaction (a fork keeps its transaction context).
 */
export async function restRepresentations(em: EntityManager, wanted: Map<string, Set<number>>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!serializer || !wanted.size) return out;
  const reader = em.fork({ keepTransactionContext: true, clear: true });
  const caller = webhookReader();
  for (const [contentType, ids] of wanted) {
    const objects = await serializer(reader, contentType, [...ids], caller);
    for (const [id, obj] of objects) {
      // Job params are bounded (MAX_PARAMS_BYTES): an oversized object is delivered with its snapshot as `data`.
      const text = JSON.stringify(obj);
      if (text.length <= MAX_DATA_BYTES) out.set(`${contentType}:${id}`, text);
    }
  }
  return out;
}
