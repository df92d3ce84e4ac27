// Queues one delivery job per (change × enabled webhook with its content type and event flag), inside
// the transaction of the write: the job rows commit or roll back with it, so a crash loses nothing
// and a rolled-back write sends nothing. Only writes made by a request fire webhooks (spec §3.2).
// Each job carries the object's REST representation as of the write (./data): created and updated
// objects are read after the flush, deleted ones just before it, while their row still exists.
// Which webhooks are enabled is remembered between writes (./enabled-hooks); a write of webhooks
// makes this process forget it before anything of that write looks it up again.
import type { EntityManager } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { onChangesInTransaction, onDeletesBeforeFlush } from '../../db/change-log';
import { requestOf } from '../../db/context';
import type { ObjectChange } from '../../domain/extras/object-change';
import { setTimeout as later } from 'node:timers';
import { wakeJobRunners } from '../../jobs/api';
import { emptyData } from '../../jobs/data';
import { restRepresentations } from './data';
import { enabledHooks, WEBHOOK_CONTENT_TYPE, type HookRow } from './enabled-hooks';

export const WEBHOOK_JOB = 'extras.webhook.process';
const FLAG = { create: 'type_create', update: 'type_update', delete: 'type_delete' } as const;

type Action = keyof typeof FLAG;

const fires = (h: HookRow, action: string, contentType: string): boolean =>
  !!h[FLAG[action as Action]] && (h.content_types ?? []).includes(contentType);

/** Deleted objects' representations, read before their rows go, until the flush's change rows are queued. */
const deletedByEm = new WeakMap<EntityManager, Map<string, string>>();
/** The hooks a delete read before its flush, for the same flush's deliveries: one read per write, not two. */
const hooksByEm = new WeakMap<EntityManager, HookRow[]>();

async function representDeleted(em: EntityManager, deleted: { contentType: string; id: number }[]): Promise<void> {
  if (!requestOf(em)) return;
  const hooks = await enabledHooks(em).get(em);
  hooksByEm.set(em, hooks);
  const wanted = new Map<string, Set<number>>();
  for (const o of deleted) {
    if (hooks.some((h) => fires(h, 'delete', o.contentType))) (wanted.get(o.contentType) ?? wanted.set(o.contentType, new Set()).get(o.contentType)!).add(o.id);
  }
  if (!wanted.size) return;
  const found = await restRepresentations(em, wanted);
  const kept = deletedByEm.get(em) ?? new Map();
  for (const [k, v] of found) kept.set(k, v);
  deletedByEm.set(em, kept);
}

/** Webhooks written in this flush: the remembered list is stale from now on (any write, a request's or not). */
function forgetIfWebhooksChanged(em: EntityManager, rows: ObjectChange[]): void {
  const ids = rows.filter((r) => r.changedObjectType === WEBHOOK_CONTENT_TYPE).map((r) => r.id);
  if (ids.length) enabledHooks(em).written(ids);
}

async function queueDeliveries(em: EntityManager, rows: ObjectChange[]): Promise<void> {
  forgetIfWebhooksChanged(em, rows);
  const ctx = requestOf(em);
  if (!ctx || !rows.length) return;
  const conn = (em as any).getConnection();
  const trx = em.getTransactionContext();
  const deleted = deletedByEm.get(em);
  deletedByEm.delete(em);
  const hooks = hooksByEm.get(em) ?? await enabledHooks(em).get(em);
  hooksByEm.delete(em);
  if (!hooks.length) return;
  const matches = rows.map((r) => ({ r, hooks: hooks.filter((h) => fires(h, r.action, r.changedObjectType)) })).filter((m) => m.hooks.length);
  // One read per content type for the objects that fire at least one webhook.
  const wanted = new Map<string, Set<number>>();
  for (const { r } of matches) {
    if (r.action !== 'delete') (wanted.get(r.changedObjectType) ?? wanted.set(r.changedObjectType, new Set()).get(r.changedObjectType)!).add(r.changedObjectId);
  }
  const written = await restRepresentations(em, wanted);
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const { r, hooks: firing } of matches) {
    const key = `${r.changedObjectType}:${r.changedObjectId}`;
    const rest = r.action === 'delete' ? deleted?.get(key) : written.get(key);
    for (const h of firing) {
      // As text: jsonb would reorder the keys, and the payload keeps the REST field order. Without
      // it (no serializer, or too large), the delivery uses the change's snapshot.
      const params = { webhookId: h.id, changeId: r.id, ...(rest ? { dataJson: rest } : {}) };
      tuples.push(`(?, ?, '${WEBHOOK_JOB}', now(), ?, 'pending', ?::jsonb, ?::jsonb, ?, '')`);
      values.push('extras.webhook', h.id, ctx.userId ?? null, JSON.stringify(emptyData()), JSON.stringify(params), randomUUID());
    }
  }
  // Bounded per statement: a 10,000-object bulk write with several webhooks inserts in chunks.
  for (let i = 0; i < tuples.length; i += 500) {
    await conn.execute(
      `insert into core_job (object_type, object_id, name, created, user_id, status, data, params, job_id, output) values ${tuples.slice(i, i + 500).join(', ')}`,
      values.slice(i * 6, (i + 500) * 6), 'run', trx, em.getLoggerContext(),
    );
  }
  // The rows are visible once the request's transaction commits, a moment from now; the poll is the fallback.
  if (tuples.length) later(wakeJobRunners, 20).unref();
}

onDeletesBeforeFlush(representDeleted);
onChangesInTransaction(queueDeliveries);
