// Serialises an object for the change log the way Peering Manager does: foreign keys
// as ids, many-to-many as id lists, tags as names; secrets and `updated` left out.
import { wrap, type AnyEntity, type EntityManager } from '@mikro-orm/core';
import type { ModelDescriptor, RelationLoader } from '../domain/model';

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

export function snapshot(model: ModelDescriptor, entity: AnyEntity, original?: Record<string, unknown>, pre = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of model.fields) {
    if (f.secret || f.name === 'updated' || f.heavy) continue;
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

/** The object's display string, loading related objects it needs through the same transaction. */
export async function objectRepr(em: EntityManager, model: ModelDescriptor, entity: AnyEntity): Promise<string> {
  const load: RelationLoader = async (obj, field) => {
    const ref = obj?.[field];
    if (!ref) return null;
    if (!wrap(ref, true).isInitialized()) await em.refresh(ref).catch(() => null);
    return ref;
  };
  try {
    return String(await model.display(entity, load));
  } catch {
    return `${model.name} #${entity.id}`;
  }
}
