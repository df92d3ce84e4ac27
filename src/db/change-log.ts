// The change log, written by one flush subscriber for every model: resolvers never
// write ObjectChange rows themselves. Rows are inserted after the flush, still inside
// the request's transaction, so a rolled-back write leaves no change record.
import {
  ChangeSetType, JsonType, wrap, type EntityManager, type EventSubscriber, type FlushEventArgs, type AnyEntity,
} from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { allModels, type ModelDescriptor } from '../domain/model';
import type { ObjectChange } from '../domain/extras/object-change';
import { isPromise } from '../domain/maybe';
import { requestOf } from './context';
import { snapshot, objectRepr } from './snapshot';
import { CHUNK, insertObjects, takeIds } from './json-rows';
import { copyLines, copyObjects } from './copy-rows';

/** One written object to record: its action, its model, and its content before the write (updates, deletes). */
export interface PendingChange {
  action: 'create' | 'update' | 'delete';
  entity: AnyEntity;
  model: ModelDescriptor;
  pre: Record<string, unknown> | null;
  id: number | null;
}

const pendingByEm = new WeakMap<EntityManager, PendingChange[]>();

/** Listeners told about committed-to-be changes (the event bus hooks in here). */
export type ChangeListener = (rows: ObjectChange[]) => void;
const listeners: ChangeListener[] = [];
export function onObjectChanges(fn: ChangeListener): () => void {
  listeners.push(fn);
  return () => { listeners.splice(listeners.indexOf(fn), 1); };
}

/**
 * Work done with the change rows inside the write's own transaction (webhook deliveries are queued
 * here, so a delivery exists exactly when its write committed). Runs on the flush's connection.
 */
export type InTransactionHook = (em: EntityManager, rows: ObjectChange[]) => Promise<void>;
const inTransactionHooks: InTransactionHook[] = [];
export function onChangesInTransaction(fn: InTransactionHook): () => void {
  inTransactionHooks.push(fn);
  return () => { inTransactionHooks.splice(inTransactionHooks.indexOf(fn), 1); };
}

/**
 * Work done before a flush deletes rows, while they can still be read, inside the write's
 * transaction (webhooks serialize deleted objects here). Told each deleted object's content type and id.
 */
export type BeforeDeleteHook = (em: EntityManager, deleted: { contentType: string; id: number }[]) => Promise<void>;
const beforeDeleteHooks: BeforeDeleteHook[] = [];
export function onDeletesBeforeFlush(fn: BeforeDeleteHook): () => void {
  beforeDeleteHooks.push(fn);
  return () => { beforeDeleteHooks.splice(beforeDeleteHooks.indexOf(fn), 1); };
}

function modelOf(entity: AnyEntity): ModelDescriptor | undefined {
  const cls = entity.constructor;
  return allModels().find((d) => d.cls === cls && d.changeLogged);
}

/**
 * What an entity held when loaded, as the values its properties hold: the unit of work keeps custom
 * types as the database takes them (a bigint as text, JSON as its text), which the change log must
 * not record as such (the direct writes of ./direct-writes record values, and so do creates).
 */
function storedValues(em: EntityManager, entity: AnyEntity, original: Record<string, unknown> | null | undefined): Record<string, unknown> | undefined {
  if (!original) return undefined;
  const meta = em.getMetadata().find(entity.constructor.name);
  if (!meta) return original;
  const platform = em.getPlatform();
  const out: Record<string, unknown> = { ...original };
  for (const p of meta.props) {
    const v = out[p.name];
    if (v === null || v === undefined || !p.customType) continue;
    out[p.name] = p.customType instanceof JsonType ? (typeof v === 'string' ? JSON.parse(v) : v) : p.customType.convertToJSValue(v, platform);
  }
  return out;
}

export class ChangeLogSubscriber implements EventSubscriber {
  async onFlush(args: FlushEventArgs): Promise<void> {
    const pending: PendingChange[] = pendingByEm.get(args.em) ?? [];
    const seen = new Set<AnyEntity>();
    for (const cs of args.uow.getChangeSets()) {
      const model = modelOf(cs.entity);
      if (!model) continue;
      seen.add(cs.entity);
      if (cs.type === ChangeSetType.CREATE) {
        pending.push({ action: 'create', entity: cs.entity, model, pre: null, id: null });
      } else if (cs.type === ChangeSetType.UPDATE) {
        pending.push({ action: 'update', entity: cs.entity, model, pre: snapshot(model, cs.entity, storedValues(args.em, cs.entity, cs.originalEntity), true), id: cs.entity.id });
      } else if (cs.type === ChangeSetType.DELETE) {
        pending.push({ action: 'delete', entity: cs.entity, model, pre: snapshot(model, cs.entity, storedValues(args.em, cs.entity, cs.originalEntity), true), id: cs.entity.id });
      }
    }
    // A change to a many-to-many relation alone is an update of its owner.
    for (const coll of args.uow.getCollectionUpdates()) {
      const owner = coll.owner as AnyEntity;
      const model = modelOf(owner);
      if (!model || seen.has(owner) || !wrap(owner, true).hasPrimaryKey()) continue;
      seen.add(owner);
      pending.push({ action: 'update', entity: owner, model, pre: snapshot(model, owner, undefined, true), id: owner.id });
    }
    if (pending.length) pendingByEm.set(args.em, pending);
    await beforeDeletes(args.em, pending);
  }

  async afterFlush(args: FlushEventArgs): Promise<void> {
    const pending = pendingByEm.get(args.em);
    if (!pending?.length) return;
    pendingByEm.delete(args.em);
    await recordChanges(args.em, pending);
  }
}

/** Runs the before-delete hooks for the deletes among `pending`, whose rows must still exist. */
export async function beforeDeletes(em: EntityManager, pending: PendingChange[]): Promise<void> {
  const deleted = pending.filter((p) => p.action === 'delete').map((p) => ({ contentType: p.model.contentType, id: p.id as number }));
  if (deleted.length) for (const fn of beforeDeleteHooks) await fn(em, deleted);
}

/** From this many records, they are sent by COPY (./copy-rows): the statement for their ids costs less than COPY saves. */
const COPY_MIN = 500;

/**
 * Sends a part's records by COPY once the statements before it are done; their text is built now.
 * `ids`: the ids of all the write's records, taken in one statement when the first part's turn comes; this part's start at `start`.
 */
function copyPart(em: EntityManager, part: ObjectChange[], ids: () => Promise<number[]>, start: number): () => Promise<void> {
  const { columns, lines } = copyLines(em, 'ObjectChange', part as unknown as Record<string, unknown>[]);
  return async () => {
    const own = (await ids()).slice(start, start + part.length);
    part.forEach((r, i) => { r.id = own[i]; });
    await copyObjects(em, 'ObjectChange', columns, lines, own);
  };
}

/** Inserts a part's records from one JSON parameter (./json-rows) and gives them their ids. */
async function insertPart(em: EntityManager, part: ObjectChange[]): Promise<void> {
  const ids = await insertObjects(em, 'ObjectChange', part as unknown as Record<string, unknown>[]);
  part.forEach((r, i) => { r.id = Number(ids[i].id); });
}

/**
 * Writes the change records of written objects in the write's transaction, runs the in-transaction
 * hooks, and hands the records to the request (published after COMMIT) or, outside one, to the
 * listeners. The flush subscriber calls it, and so do writes that insert rows without a flush.
 * `after`: statements the records' insert must follow (the objects' own insert, when their ids
 * were taken up front); the records are built meanwhile.
 */
export async function recordChanges(em: EntityManager, pending: PendingChange[], after?: Promise<unknown>): Promise<ObjectChange[]> {
  const ctx = requestOf(em);
  const requestId = ctx?.requestId ?? randomUUID();
  const time = new Date();
  const user = ctx?.userId ? (em.getReference('User', ctx.userId) as any) : null;
  const userName = ctx?.userName ?? '';
  // Plain records with the entity's fields (nothing flushes them): an ObjectChange instance costs
  // a tracked property per field, 10,000 times in a bulk write.
  const rows: ObjectChange[] = [];
  // The inserts, one statement at a time in order, each as soon as the last is done: the next part
  // is built while the database inserts the last (on a server, on the other core).
  let inserted: Promise<unknown> = after ?? Promise.resolve();
  const copying = pending.length >= COPY_MIN;
  let taken: Promise<number[]> | undefined;
  const ids = () => (taken ??= takeIds(em, 'ObjectChange', pending.length));
  for (let start = 0; start < pending.length; start += CHUNK) {
    const part: ObjectChange[] = [];
    for (const p of pending.slice(start, start + CHUNK)) {
      // One at a time when a display string loads a related object: the next one may need the same.
      let repr = objectRepr(em, p.model, p.entity);
      if (isPromise(repr)) {
        await inserted; // its query waits for no insert of ours
        repr = await repr;
      }
      part.push({
        id: undefined as unknown as number, time, requestId, user, userName, action: p.action,
        changedObjectType: p.model.contentType, changedObjectId: p.id ?? p.entity.id, objectRepr: repr.slice(0, 200),
        prechangeData: p.pre ?? null, postchangeData: p.action === 'delete' ? null : snapshot(p.model, p.entity),
      });
    }
    rows.push(...part);
    inserted = inserted.then(copying ? copyPart(em, part, ids, start) : () => insertPart(em, part));
    // Awaited below; until then a failure must not count as an unhandled rejection.
    inserted.catch(() => undefined);
    // Lets the database's answer to one insert start the next before the next part is built.
    if (start + CHUNK < pending.length) await new Promise((resolve) => setImmediate(resolve));
  }
  await inserted;
  for (const fn of inTransactionHooks) await fn(em, rows);
  if (ctx) (ctx.changes ??= []).push(...rows);
  else for (const fn of listeners) fn(rows);
  return rows;
}
