// Foreign keys declared with deleteRule 'restrict' protect their target, as Django's PROTECT does:
// a delete is refused while rows point at it. Every restricting key of every model is looked up in
// one statement (a delete of a model that five models protect was five ORM queries); the rows
// found are only loaded, for their display strings, when there are some.
import type { AnyEntity, EntityManager } from '@mikro-orm/core';
import { allModels, type ModelDescriptor } from './model';
import { ConflictError } from './errors';
import { execute, idsIn, quote, tableOf } from '../db/json-rows';
import { objectRepr } from '../db/snapshot';

/** At most this many dependents are named per restricting key. */
const SHOWN_PER_KEY = 20;

interface RestrictingKey { model: ModelDescriptor; table: string; column: string }

const keysByTarget = new WeakMap<Function, RestrictingKey[]>();

/** The foreign keys of every model that restrict deleting rows of `d`. */
function restrictingKeys(em: EntityManager, d: ModelDescriptor): RestrictingKey[] {
  let keys = keysByTarget.get(d.cls);
  if (keys) return keys;
  keys = [];
  for (const other of allModels()) {
    for (const f of other.fields) {
      if (f.kind !== 'fk' || f.deleteRule !== 'restrict' || f.target!() !== d.cls) continue;
      const meta = em.getMetadata().find(other.cls.name)!;
      keys.push({ model: other, table: tableOf(meta), column: quote(meta.properties[f.name].fieldNames[0]) });
    }
  }
  keysByTarget.set(d.cls, keys);
  return keys;
}

/** Refuses the delete of rows `ids` of `d` while a restricting foreign key points at one of them. */
export async function ensureNotProtected(em: EntityManager, d: ModelDescriptor, ids: number[]): Promise<void> {
  const keys = restrictingKeys(em, d);
  if (!ids.length || !keys.length) return;
  const parts = keys.map((k, i) => `(select ${i} as k, id from ${k.table} where ${idsIn(k.column, ids).sql} order by id limit ${SHOWN_PER_KEY})`);
  const { param } = idsIn('', ids);
  const found = await execute(em, parts.join(' union all '), keys.map(() => param));
  if (!found.length) return;
  const dependents: string[] = [];
  for (const [i, k] of keys.entries()) {
    const wanted = found.filter((r) => Number(r.k) === i).map((r) => Number(r.id));
    if (!wanted.length) continue;
    const rows = (await em.find(k.model.cls as any, { id: { $in: wanted } } as any, { orderBy: { id: 'asc' } as any })) as AnyEntity[];
    for (const o of rows) dependents.push(`${await objectRepr(em, k.model, o)} (${o.id})`);
  }
  throw new ConflictError(`unable to delete object. ${dependents.length} dependent objects were found: ${dependents.join(', ')}`);
}
