// Queues one delivery job per (change × enabled webhook with its content type and event flag), inside
// the transaction of the write: the job rows commit or roll back with it, so a crash loses nothing
// and a rolled-back write sends nothing. Only writes made by a request fire webhooks (spec §3.2).
import type { EntityManager } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { onChangesInTransaction } from '../../db/change-log';
import { currentRequest } from '../../db/context';
import type { ObjectChange } from '../../domain/extras/object-change';
import { setTimeout as later } from 'node:timers';
import { wakeJobRunners } from '../../jobs/api';

export const WEBHOOK_JOB = 'extras.webhook.process';
const FLAG = { create: 'type_create', update: 'type_update', delete: 'type_delete' } as const;

interface HookRow { id: number; content_types: string[]; type_create: boolean; type_update: boolean; type_delete: boolean }

async function queueDeliveries(em: EntityManager, rows: ObjectChange[]): Promise<void> {
  const ctx = currentRequest();
  if (!ctx || !rows.length) return;
  const conn = (em as any).getConnection();
  const trx = em.getTransactionContext();
  const hooks = await conn.execute('select id, content_types, type_create, type_update, type_delete from extras_webhook where enabled', [], 'all', trx) as HookRow[];
  if (!hooks.length) return;
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const r of rows) {
    for (const h of hooks) {
      if (!h[FLAG[r.action as keyof typeof FLAG]] || !(h.content_types ?? []).includes(r.changedObjectType)) continue;
      const data = { total: { success: 0, info: 0, warning: 0, failure: 0 }, params: { webhookId: h.id, changeId: r.id } };
      tuples.push(`(?, ?, '${WEBHOOK_JOB}', now(), ?, 'pending', ?::jsonb, ?, '')`);
      values.push('extras.webhook', h.id, ctx.userId ?? null, JSON.stringify(data), randomUUID());
    }
  }
  // Bounded per statement: a 10,000-object bulk write with several webhooks inserts in chunks.
  for (let i = 0; i < tuples.length; i += 500) {
    await conn.execute(
      `insert into core_job (object_type, object_id, name, created, user_id, status, data, job_id, output) values ${tuples.slice(i, i + 500).join(', ')}`,
      values.slice(i * 5, (i + 500) * 5), 'run', trx,
    );
  }
  // The rows are visible once the request's transaction commits, a moment from now; the poll is the fallback.
  if (tuples.length) later(wakeJobRunners, 20).unref();
}

onChangesInTransaction(queueDeliveries);
