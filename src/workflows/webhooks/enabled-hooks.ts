// The enabled webhooks, remembered per database: every write made by a request asks which
// webhooks it fires, and without a memory each one read the webhook table again, though webhooks
// change rarely. The list is forgotten when a webhook is written: in this process at the write's
// flush (./enqueue), in every process when the event bus brings the committed change (the bus's
// PostgreSQL implementation reaches the other gateways, and this one too).
//
// Between a webhook write's flush and the moment its event is heard, its transaction may not have
// committed yet, so a read made then may still see the old list: while such a write is pending,
// reads are used but not remembered. A write that rolls back sends no event; it stops holding the
// list after HOLD_MS. TTL_MS bounds how stale the list can be if an event were ever missed (a
// webhook written outside a request publishes before its commit; an edit made with psql, none).
import type { EntityManager } from '@mikro-orm/core';
import { describe } from '../../domain/model';
import { Webhook } from '../../domain/extras/webhook';
import type { EventBus } from '../../events/bus';
import { tableOf } from '../../db/json-rows';
import { sqlRows } from '../../db/sql-rows';

/** The webhook columns deciding which writes fire it. */
export interface HookRow { id: number; content_types: string[]; type_create: boolean; type_update: boolean; type_delete: boolean }

/** How long a read list is used. */
export const TTL_MS = 10_000;
/** How long a webhook write, once flushed, keeps reads from being remembered unless its event comes first. */
export const HOLD_MS = 10_000;

/** The change-log content type of webhooks: a change of it makes the list stale. */
export const WEBHOOK_CONTENT_TYPE = describe(Webhook).contentType;

async function readHooks(em: EntityManager): Promise<HookRow[]> {
  const table = tableOf(em.getMetadata().get(Webhook.name));
  return (await sqlRows(em, `select id, content_types, type_create, type_update, type_delete from ${table} where enabled`)) as unknown as HookRow[];
}

export class EnabledHooks {
  private rows: HookRow[] | null = null;
  private until = 0;
  /** Bumped by every forget: a read that began before it is not remembered. */
  private generation = 0;
  /** Webhook change ids flushed and not yet heard from the bus, each until it expires. */
  private readonly pending = new Map<number, number>();
  reads = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The enabled webhooks as `em` may see them; reads the table only when nothing valid is remembered. */
  async get(em: EntityManager): Promise<HookRow[]> {
    if (this.rows && this.now() < this.until) return this.rows;
    const generation = this.generation;
    this.reads++;
    const rows = await readHooks(em);
    if (generation === this.generation && !this.holding()) {
      this.rows = rows;
      this.until = this.now() + TTL_MS;
    }
    return rows;
  }

  /** Webhook changes flushed in a transaction of this process (their change ids): forget, and hold until they are heard. */
  written(changeIds: number[]): void {
    const until = this.now() + HOLD_MS;
    for (const id of changeIds) this.pending.set(id, until);
    this.forget();
  }

  /** A committed webhook change heard from the bus (any process's). */
  heard(changeId: number): void {
    this.pending.delete(changeId);
    this.forget();
  }

  forget(): void {
    this.rows = null;
    this.generation++;
  }

  private holding(): boolean {
    const now = this.now();
    for (const [id, until] of this.pending) if (until <= now) this.pending.delete(id);
    return this.pending.size > 0;
  }
}

/** One list per database: tests and tools may open several in one process. Forks share their ORM's driver. */
const byDatabase = new WeakMap<object, EnabledHooks>();

export function enabledHooks(em: EntityManager): EnabledHooks {
  const key = em.getDriver();
  let hooks = byDatabase.get(key);
  if (!hooks) byDatabase.set(key, hooks = new EnabledHooks());
  return hooks;
}

/** Forgets `em`'s database's list whenever the bus brings a webhook change; returns the unsubscribe. */
export function forgetHooksOnWebhookChanges(bus: Pick<EventBus, 'listen'>, em: EntityManager): () => void {
  const hooks = enabledHooks(em);
  return bus.listen('objectChanged', (e) => { if (e.objectType === WEBHOOK_CONTENT_TYPE) hooks.heard(e.id); });
}
