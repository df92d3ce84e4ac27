// New objects of a create as plain rows instead of ORM entities. An entity instance gets a
// tracked accessor per property (defined on the instance at its first write) and a Collection
// per relation list; for 10,000 new objects of a bulk create that, and the garbage it leaves,
// was about a third of the gateway's CPU. A row reads as the entity would: the same property
// names and defaults, `constructor` naming the entity's class (describe(row.constructor) and the
// change log find its model), relation lists as NewList. Only for creates that skip the unit of
// work (src/db/direct-insert): nothing ever flushes a row. Stored objects an update or delete
// writes without it are read as such rows too (src/db/stored-rows).
import { ReferenceKind, type AnyEntity, type EntityManager, type EntityProperty } from '@mikro-orm/core';
import type { ModelDescriptor } from './model';

/** A new object's relation list: the part of a MikroORM Collection that writes and readers of new objects use. */
export class NewList<T = AnyEntity> {
  private items: T[] = [];
  /** A stored row's items as read (src/db/stored-rows): the change record's "before", as a Collection's snapshot is. */
  snapshot?: T[];
  set(items: Iterable<T>): void { this.items = [...items]; }
  getItems(_check?: boolean): T[] { return this.items; }
  isInitialized(): boolean { return true; }
  count(): number { return this.items.length; }
}

type Default = { name: string; make: () => unknown };

const factories = new WeakMap<ModelDescriptor, () => AnyEntity>();

/**
 * How a property's default is given to each new row: the class's own initial value, copied when it
 * is an object (a JSON default such as []). An empty list or dictionary is made anew, not cloned:
 * structuredClone per row and default was a tenth of a bulk create's new rows.
 */
function defaultOf(p: EntityProperty, template: AnyEntity): Default {
  if (p.kind === ReferenceKind.MANY_TO_MANY || p.kind === ReferenceKind.ONE_TO_MANY) return { name: p.name, make: () => new NewList() };
  const value = template[p.name];
  if (value === null || typeof value !== 'object') return { name: p.name, make: () => value };
  if (Array.isArray(value) && value.length === 0) return { name: p.name, make: () => [] };
  if (Object.getPrototypeOf(value) === Object.prototype && Object.keys(value).length === 0) return { name: p.name, make: () => ({}) };
  return { name: p.name, make: () => structuredClone(value) };
}

const prototypes = new WeakMap<ModelDescriptor, object>();

/** What a plain row of the model inherits: `constructor` naming the entity's class, nothing else. */
export function rowPrototype(d: ModelDescriptor): object {
  let proto = prototypes.get(d);
  if (!proto) prototypes.set(d, proto = Object.create(Object.prototype, { constructor: { value: d.cls, writable: true, configurable: true } }));
  return proto!;
}

/** A maker of the model's new rows, with the defaults its entity class initializes (read once from one instance). */
export function newRows(em: EntityManager, d: ModelDescriptor): () => AnyEntity {
  let make = factories.get(d);
  if (make) return make;
  const meta = em.getMetadata().find(d.cls.name)!;
  const template = new (d.cls as new () => AnyEntity)();
  const defaults = Object.values(meta.props).filter((p) => !(p.primary && p.autoincrement)).map((p) => defaultOf(p, template));
  const Row = rowConstructor(defaults);
  Row.prototype = rowPrototype(d);
  make = () => new Row();
  factories.set(d, make);
  return make;
}

/**
 * A constructor that sets the defaults in order, generated once per model. Set one by one through a
 * loop on Object.create(proto), an entity's 20-odd properties turned the row into a hash table
 * (V8's dictionary mode): 10,000 rows took ~40 ms to make against ~1 ms, and every later read and
 * write of their fields (applying inputs, uniqueness, COPY lines, snapshots) was slower.
 */
function rowConstructor(defaults: Default[]): new () => AnyEntity {
  // The keys are the entity's property names, written as JSON string literals; no value is in the source.
  if (defaults.some((x) => x.name === '__proto__')) throw new Error('an entity property named __proto__');
  const sets = defaults.map((x, i) => `this[${JSON.stringify(x.name)}] = makers[${i}]();`);
  return new Function('makers', `return function Row() { ${sets.join(' ')} };`)(defaults.map((x) => x.make));
}
