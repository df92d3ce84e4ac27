// Per-request DataLoaders: every relation a resolver follows is batched, so a
// list page costs the same number of SQL queries whatever its size. A related
// object the caller may not read (src/domain/access.ts) is followed as null, or
// left out of a many-to-many list, so no relation reaches past a model's rule.
import DataLoader from 'dataloader';
import { wrap, type EntityManager, type AnyEntity } from '@mikro-orm/core';
import { describe, type ModelDescriptor, type RelationLoader } from '../domain/model';
import { canReadRow } from '../domain/access';
import type { Caller } from '../http/auth';
import type { ListArgs, Paging } from '../domain/crud';
import { readNested, type NestedList } from '../domain/nested';

export class Loaders {
  private byIdLoaders = new Map<Function, DataLoader<number, AnyEntity | null>>();
  private nestedLoaders = new Map<string, DataLoader<AnyEntity, AnyEntity[]>>();

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

  /**
   * A nested list of an owner (many-to-many or reverse foreign key) with its arguments: the owners
   * asking for the same list with the same arguments are read together in one statement.
   */
  nested(owner: AnyEntity, list: NestedList, args: ListArgs, paging: Paging, scope: Record<string, unknown> | null): Promise<AnyEntity[]> {
    const key = `${list.owner.name}.${list.name}\u0000${JSON.stringify([args.filter ?? null, args.ordering ?? null, args.limit ?? null])}`;
    let l = this.nestedLoaders.get(key);
    if (!l) {
      l = new DataLoader(async (owners) => {
        const rows = await readNested(this.em, list, owners.map((o) => o.id as number), args, paging, scope);
        return owners.map((o) => rows.get(o.id) ?? []);
      }, { cache: false });
      this.nestedLoaders.set(key, l);
    }
    return l.load(owner);
  }

  /** The loader a model's display function and validation use. */
  readonly load: RelationLoader = (obj, field) => this.related(obj, field) as Promise<any>;

  descriptor(obj: AnyEntity): ModelDescriptor {
    return describe(obj.constructor);
  }
}
