// Per-request DataLoaders: every relation a resolver follows is batched, so a
// list page costs the same number of SQL queries whatever its size.
import DataLoader from 'dataloader';
import { wrap, type EntityManager, type AnyEntity } from '@mikro-orm/core';
import { describe, type ModelDescriptor, type RelationLoader } from '../domain/model';

export class Loaders {
  private byIdLoaders = new Map<Function, DataLoader<number, AnyEntity | null>>();
  private m2mLoaders = new Map<string, DataLoader<AnyEntity, AnyEntity[]>>();

  constructor(private em: EntityManager) {}

  byId(cls: Function): DataLoader<number, AnyEntity | null> {
    let l = this.byIdLoaders.get(cls);
    if (!l) {
      l = new DataLoader(async (ids) => {
        const rows = await this.em.find(cls as any, { id: { $in: [...ids] } } as any);
        const map = new Map(rows.map((r: AnyEntity) => [r.id, r]));
        return ids.map((id) => map.get(id) ?? null);
      });
      this.byIdLoaders.set(cls, l);
    }
    return l;
  }

  /** The related object of a foreign key, loaded in a batch with its siblings. */
  async related(obj: AnyEntity, field: string): Promise<AnyEntity | null> {
    const ref = obj?.[field];
    if (!ref) return null;
    if (wrap(ref, true).isInitialized()) return ref;
    return this.byId(ref.constructor).load(ref.id);
  }

  /** Items of a many-to-many relation; one query per relation for a whole page of owners. */
  many(owner: AnyEntity, field: string): Promise<AnyEntity[]> {
    const key = `${owner.constructor.name}.${field}`;
    let l = this.m2mLoaders.get(key);
    if (!l) {
      l = new DataLoader(async (owners) => {
        const pending = owners.filter((o) => !o[field].isInitialized());
        if (pending.length) await this.em.populate(pending as AnyEntity[], [field] as any, { refresh: false } as any);
        return owners.map((o) => o[field].getItems(false));
      }, { cache: false });
      this.m2mLoaders.set(key, l);
    }
    return l.load(owner);
  }

  /** The loader a model's display function and validation use. */
  readonly load: RelationLoader = (obj, field) => this.related(obj, field) as Promise<any>;

  /** Forget cached rows (after a write in the same request). */
  clear(): void {
    for (const l of this.byIdLoaders.values()) l.clearAll();
  }

  descriptor(obj: AnyEntity): ModelDescriptor {
    return describe(obj.constructor);
  }
}
