// Serialises an object for the change log the way Peering Manager does: foreign keys
// as ids, many-to-many as id lists, tags as names; secrets and `updated` left out.
import { wrap, type AnyEntity, type EntityManager } from '@mikro-orm/core';
import type { FieldMeta, ModelDescriptor, RelationLoader } from '../domain/model';
import { isPromise, type Maybe } from '../domain/maybe';

function plain(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v && typeof v === 'object' && 'id' in (v as object) && typeof (v as any).constructor === 'function' && (v as any).constructor !== Object) return (v as any).id;
  return v ?? null;
}

function idsOf(coll: any, pre: boolean): unknown[] | undefined {
  if (!coll || typeof coll.isInitialized !== 'function' || !coll.isInitialized()) return undefined;
  const items: AnyEntity[] = pre && coll.snapshot ? coll.snapshot : coll.getItems(false);
  return items.map((e) => e.id);
}

const snapshotFields = new WeakMap<ModelDescriptor, FieldMeta[]>();

function fieldsOf(model: ModelDescriptor): FieldMeta[] {
  let fields = snapshotFields.get(model);
  if (!fields) snapshotFields.set(model, fields = model.fields.filter((f) => !(f.secret || f.name === 'updated' || f.heavy)));
  return fields;
}

export function snapshot(model: ModelDescriptor, entity: AnyEntity, original?: Record<string, unknown>, pre = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf(model)) {
    if (f.kind === 'm2m') {
      const coll = entity[f.name];
      if (f.name === 'tags') {
        if (coll?.isInitialized?.()) out.tags = (pre && coll.snapshot ? coll.snapshot : coll.getItems(false)).map((t: any) => t.name);
      } else {
        const ids = idsOf(coll, pre);
        if (ids) out[f.restName] = ids;
      }
      continue;
    }
    const v = original && f.name in original ? original[f.name] : entity[f.name];
    out[f.restName] = plain(v);
  }
  return out;
}

/** The object's display string, loading related objects it needs through the same transaction (only then a promise). */
export function objectRepr(em: EntityManager, model: ModelDescriptor, entity: AnyEntity): Maybe<string> {
  const load: RelationLoader = async (obj, field) => {
    const ref = obj?.[field];
    if (!ref) return null;
    if (!wrap(ref, true).isInitialized()) await em.refresh(ref).catch(() => null);
    return ref;
  };
  const fallback = () => `${model.name} #${entity.id}`;
  try {
    const shown = model.display(entity, load);
    return isPromise(shown) ? shown.then(String, fallback) : String(shown);
  } catch {
    return fallback();
  }
}
