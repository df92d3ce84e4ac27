// New objects inserted as the ORM's flush would insert them, without its unit of work:
// by COPY with their ids taken first (./copy-rows) when many, else multi-row INSERT ... RETURNING
// per chunk (./json-rows), the pivot rows of their many-to-many relations, and their change
// records (./change-log). A unit of work costs
// several times the SQL it sends for 10,000 new objects (change sets, snapshots, identity map).
import { JsonType, ReferenceKind, type AnyEntity, type EntityManager, type EntityMetadata, type EventSubscriber } from '@mikro-orm/core';
import type { ModelDescriptor } from '../domain/model';
import { ChangeLogSubscriber, recordChanges, type PendingChange } from './change-log';
import { copyLines, copyObjects } from './copy-rows';
import { insertObjects, insertPivotRows, rowProperties, takeIds } from './json-rows';
import { DeletedObjects } from './transaction';

/** A flush subscriber registered without getSubscribedEntities (see insertsDirectly). */
export class UnnamedEntitiesError extends Error {
  constructor(subscriber: EventSubscriber) {
    super(`Flush subscriber ${subscriber.constructor.name} names no entities: give it getSubscribedEntities(), so bulk creates know whether they may skip the flush`);
  }
}

/**
 * Whether the model's new rows may skip the flush: no flush subscriber but the change log's (whose
 * work insertNewRows does itself) watches the model. Every other subscriber must name the entities
 * it watches: MikroORM reads "none named" as "all", which would quietly send every bulk create
 * back through the unit of work, so such a subscriber is a programming error, refused here.
 */
export function insertsDirectly(em: EntityManager, d: ModelDescriptor): boolean {
  for (const s of em.getEventManager().getSubscribers()) {
    if (s instanceof ChangeLogSubscriber || s instanceof DeletedObjects) continue;
    const watched = s.getSubscribedEntities?.() ?? [];
    if (!watched.length) throw new UnnamedEntitiesError(s);
    if (watched.some((w) => w === d.cls || w === d.cls.name)) return false;
  }
  const meta = em.getMetadata().find(d.cls.name)!;
  // Only owning sides of many-to-many relations have their pivot written here.
  return Object.values(meta.props).every((p) => p.kind !== ReferenceKind.MANY_TO_MANY || p.owner);
}

/** Below this many objects, taking their ids first costs a statement more than it saves. */
const IDS_FIRST_MIN = 1000;

/**
 * Inserts new objects, plain rows of the model (src/domain/new-rows), in the caller's transaction:
 * property initializers (`onCreate`), the row, columns the database defaults copied back, pivot
 * rows, then the change records. The rows get their ids; nothing later in the request flushes them.
 * `read`: what reads the new rows back (the write's answer), run on the transaction once they are
 * inserted; it needs nothing of their change records, so where those are built while the rows
 * insert, the database answers it meanwhile, ahead of the records' insert. Its result is returned.
 */
export async function insertNewRows<R>(em: EntityManager, d: ModelDescriptor, entities: AnyEntity[], read?: () => Promise<R>): Promise<R | undefined> {
  if (!entities.length) return read?.();
  const meta = em.getMetadata().find(d.cls.name)!;
  const props = rowProperties(meta);
  const onCreate = props.filter((p) => p.onCreate);
  for (const e of entities) for (const p of onCreate) if (e[p.name] == null) e[p.name] = p.onCreate!(e, em);
  // Plain rows are keyed by property name already: inserted as they are, not copied.
  const objects = entities as Record<string, unknown>[];
  // A nullable column without a default stores null: known here, nothing to read back for it.
  for (const p of props) {
    if (!p.nullable || p.default !== undefined || p.defaultRaw !== undefined) continue;
    for (const o of objects) if (o[p.name] === undefined) o[p.name] = null;
  }
  // Columns some object leaves to the database's default come back, so every object is whole.
  const defaulted = props.filter((p) => objects.some((o) => o[p.name] === undefined));
  const pending = () => entities.map((entity): PendingChange => ({ action: 'create', entity, model: d, pre: null, id: entity.id }));
  // Many objects whose records need nothing from the database but their ids: the ids are taken
  // first and the rows sent by COPY (./copy-rows). On a server the change records are built while
  // the rows insert and are read back, on the other core; PGlite's COPY from '/dev/blob' costs it
  // less than the multi-row INSERT ... RETURNING from JSON.
  if (d.changeLogged && !defaulted.length && entities.length >= IDS_FIRST_MIN) {
    const taking = takeIds(em, meta.className, entities.length);
    taking.catch(() => undefined); // awaited below, after the lines are built
    // The rows' COPY text is built while the database takes their ids (put in front when it is sent).
    const { columns, lines } = copyLines(em, meta.className, objects);
    const ids = await taking;
    entities.forEach((e, i) => { e.id = ids[i]; });
    const inserted = copyObjects(em, meta.className, columns, lines, ids).then(() => insertPivots(em, meta, entities));
    const answered = read ? inserted.then(read) : inserted.then(() => undefined);
    await recordChanges(em, pending(), answered);
    return answered;
  }
  const returning = ['id', ...defaulted.map((p) => `"${p.fieldNames[0]}"`)].join(', ');
  const rows = await insertObjects(em, meta.className, objects, returning);
  const platform = em.getPlatform();
  entities.forEach((e, i) => {
    e.id = Number(rows[i].id);
    for (const p of defaulted) {
      if (objects[i][p.name] !== undefined) continue;
      const v = rows[i][p.fieldNames[0]];
      if (v === null || v === undefined) e[p.name] = null;
      else if (p.kind !== ReferenceKind.SCALAR) e[p.name] = em.getReference(p.type, v);
      else e[p.name] = p.customType && !(p.customType instanceof JsonType) ? p.customType.convertToJSValue(v, platform) : v;
    }
  });
  await insertPivots(em, meta, entities);
  if (d.changeLogged) await recordChanges(em, pending());
  return read?.();
}

/** The pivot rows of the objects' many-to-many relations (owning sides; see insertsDirectly). */
async function insertPivots(em: EntityManager, meta: EntityMetadata, entities: AnyEntity[]): Promise<void> {
  for (const p of Object.values(meta.props)) {
    if (p.kind !== ReferenceKind.MANY_TO_MANY) continue;
    const pairs: [number, number][] = [];
    for (const e of entities) {
      const coll = e[p.name];
      if (coll?.isInitialized?.()) for (const item of coll.getItems(false)) pairs.push([e.id, item.id]);
    }
    await insertPivotRows(em, p, pairs);
  }
}
