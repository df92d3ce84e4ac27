// Serialises an object for the change log the way Peering Manager does: foreign keys
// as ids, many-to-many as id lists, tags as names; secrets and `updated` left out.
import { wrap, type AnyEntity, type EntityManager } from '@mikro-orm/core';
import type { ModelDescriptor, RelationLoader } from '../domain/model';
import { isPromise, type Maybe } from '../domain/maybe';
import { isoTexts } from '../domain/iso-time';

const isoText = isoTexts();

function plain(v: unknown): unknown {
  if (v instanceof Date) return isoText(v);
  if (v && typeof v === 'object' && 'id' in (v as object) && typeof (v as any).constructor === 'function' && (v as any).constructor !== Object) return (v as any).id;
  return v ?? null;
}

function idsOf(coll: any, pre: boolean): unknown[] | undefined {
  if (!coll || typeof coll.isInitialized !== 'function' || !coll.isInitialized()) return undefined;
  const items: AnyEntity[] = pre && coll.snapshot ? coll.snapshot : coll.getItems(false);
  return items.map((e) => e.id);
}

function tagNames(coll: any, pre: boolean): string[] | undefined {
  if (!coll?.isInitialized?.()) return undefined;
  return (pre && coll.snapshot ? coll.snapshot : coll.getItems(false)).map((t: any) => t.name);
}

type Snapshot = (entity: AnyEntity, original: Record<string, unknown> | undefined, pre: boolean) => Record<string, unknown>;

const compiled = new WeakMap<ModelDescriptor, Snapshot>();

/**
 * The model's snapshot as one function, made once: its fields in an object literal (keys in field
 * order, one shape for every object). Going through the fields per object, with a key set at a
 * time, cost a bulk create's 10,000 records several times the time and garbage. Relation lists
 * are keyed only when loaded, so they and the fields after them are set one by one, in order.
 */
function compile(model: ModelDescriptor): Snapshot {
  const fields = model.fields.filter((f) => !(f.secret || f.name === 'updated' || f.heavy));
  const literal: string[] = [];
  const after: string[] = [];
  for (const f of fields) {
    const name = JSON.stringify(f.name);
    const key = JSON.stringify(f.restName);
    if (f.kind === 'm2m') {
      const list = f.name === 'tags' ? ['tagNames', 'tags'] : ['idsOf', f.restName];
      after.push(`v = ${list[0]}(e[${name}], pre); if (v) o[${JSON.stringify(list[1])}] = v;`);
      continue;
    }
    const value = `plain(original && ${name} in original ? original[${name}] : e[${name}])`;
    if (after.length) after.push(`o[${key}] = ${value};`);
    else literal.push(`${key}: ${value}`);
  }
  const body = `return function snapshot(e, original, pre) { let v; const o = { ${literal.join(', ')} }; ${after.join(' ')} return o; };`;
  return new Function('plain', 'idsOf', 'tagNames', body)(plain, idsOf, tagNames) as Snapshot;
}

export function snapshot(model: ModelDescriptor, entity: AnyEntity, original?: Record<string, unknown>, pre = false): Record<string, unknown> {
  let fn = compiled.get(model);
  if (!fn) compiled.set(model, fn = compile(model));
  return fn(entity, original, pre);
}

const loaders = new WeakMap<EntityManager, RelationLoader>();

/** What loads a related object for a display string, through `em`'s transaction (one per entity manager, not per object). */
function loaderOf(em: EntityManager): RelationLoader {
  let load = loaders.get(em);
  if (!load) {
    load = async (obj, field) => {
      const ref = obj?.[field];
      if (!ref) return null;
      if (!wrap(ref, true).isInitialized()) await em.refresh(ref).catch(() => null);
      return ref;
    };
    loaders.set(em, load);
  }
  return load;
}

const fallback = (model: ModelDescriptor, entity: AnyEntity) => `${model.name} #${entity.id}`;

/** The object's display string, loading related objects it needs through the same transaction (only then a promise). */
export function objectRepr(em: EntityManager, model: ModelDescriptor, entity: AnyEntity): Maybe<string> {
  try {
    const shown = model.display(entity, loaderOf(em));
    return isPromise(shown) ? shown.then(String, () => fallback(model, entity)) : String(shown);
  } catch {
    return fallback(model, entity);
  }
}
