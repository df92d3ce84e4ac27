// Per-request DataLoaders for objects that are not compiled rows (a custom mutation's answer, a
// model's display function and validation): each foreign key followed is batched with its
// siblings. A related object the caller may not read (src/domain/access.ts) is followed as null,
// so no relation reaches past a model's rule. Lists are read by the compiler (src/graphql/read-compiler).
import DataLoader from 'dataloader';
import { wrap, type EntityManager, type AnyEntity } from '@mikro-orm/core';
import { describe, type ModelDescriptor, type RelationLoader } from '../domain/model';
import { canReadRow } from '../domain/access';
import type { Caller } from '../http/auth';

export class Loaders {
  private byIdLoaders = new Map<Function, DataLoader<number, AnyEntity | null>>();

  /** `caller` is read at each use: a dialect may settle who calls after the context is made. */
  constructor(private em: EntityManager, private caller: () => Caller) {}

  private visible(row: AnyEntity | null): AnyEntity | null {
    return row && canReadRow(this.caller(), describe(row.constructor), row) ? row : null;
  }

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
    if (wrap(ref, true).isInitialized()) return this.visible(ref);
    return this.visible(await this.byId(ref.constructor).load(ref.id));
  }

  /** The loader a model's display function and validation use. */
  readonly load: RelationLoader = (obj, field) => this.related(obj, field) as Promise<any>;

  descriptor(obj: AnyEntity): ModelDescriptor {
    return describe(obj.constructor);
  }
}
