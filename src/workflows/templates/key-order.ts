// Dict order as Jinja2 keeps it. Python dicts iterate and print in insertion order; MiniJinja (as
// built in minijinja-js) orders map keys. The dicts of a render (JSON fields, config contexts) are
// registered with their key order, by their content, and iteration (`for k in d`, `.items()`,
// `.keys()`, `.values()`) and printing put them back in that order. Equal dicts whose keys came in
// different orders cannot be told apart once in the engine: those, and dicts the template makes
// itself, keep sorted order.
import { REF } from './python';

const MAX_DEPTH = 50;
/** A dict's content with keys sorted: the same for the registered object and its copy out of the engine (None arrives as undefined, models by reference). */
function canonical(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return 'null';
  if (depth > MAX_DEPTH) return '…';
  if (Array.isArray(v)) return `[${v.map((x) => canonical(x, depth + 1)).join(',')}]`;
  if (v instanceof Map || isDict(v)) {
    const at = (k: string) => (v instanceof Map ? v.get(k) : (v as Record<string, unknown>)[k]);
    const ref = at(REF);
    if (typeof ref === 'string') return JSON.stringify(ref);
    const keys = (v instanceof Map ? [...v.keys()] : Object.keys(v)).map(String).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(at(k), depth + 1)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
const isDict = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

const keySignature = (keys: string[]): string => [...keys].sort().join('\u0000');
const sameOrder = (a: string[], b: string[]): boolean => a.length === b.length && a.every((k, i) => k === b[i]);

/**
 * Orders by set of keys; only for a set of keys seen in two orders are the dicts told apart by
 * content (hashing every dict up front would cost a big prefix list dearly).
 */
export class KeyOrders {
  private byKeys = new Map<string, { order: string[]; members: object[] } | 'by content'>();
  private byContent = new Map<string, string[] | null>();
  private seen = new WeakSet<object>();

  /** Registers every dict inside `v` (not model objects themselves, which are no dicts in Jinja2). */
  add(v: unknown, depth = 0): void {
    if (!v || typeof v !== 'object' || depth > MAX_DEPTH || this.seen.has(v)) return;
    this.seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) this.add(x, depth + 1);
      return;
    }
    if (!isDict(v)) return;
    const keys = Object.keys(v);
    if (keys.length > 1 && !Object.hasOwn(v, REF)) this.register(v, keys);
    for (const x of Object.values(v)) this.add(x, depth + 1);
  }

  private register(v: Record<string, unknown>, keys: string[]): void {
    const sig = keySignature(keys);
    const had = this.byKeys.get(sig);
    if (had === undefined) this.byKeys.set(sig, { order: keys, members: [v] });
    else if (had === 'by content') this.byContentAdd(v, keys);
    else if (sameOrder(had.order, keys)) had.members.push(v);
    else {
      this.byKeys.set(sig, 'by content');
      for (const m of had.members) this.byContentAdd(m as Record<string, unknown>, had.order);
      this.byContentAdd(v, keys);
    }
  }

  /** The key order of a dict literal of a template (its values are not known before the render). */
  addLiteral(keys: string[]): void {
    if (keys.length < 2) return;
    const sig = keySignature(keys);
    const had = this.byKeys.get(sig);
    if (had === undefined) this.byKeys.set(sig, { order: keys, members: [] });
    else if (had !== 'by content' && !sameOrder(had.order, keys)) {
      this.byKeys.set(sig, 'by content');
      for (const m of had.members) this.byContentAdd(m as Record<string, unknown>, had.order);
    }
  }

  private byContentAdd(v: Record<string, unknown>, keys: string[]): void {
    const c = canonical(v);
    const had = this.byContent.get(c);
    if (had === undefined) this.byContent.set(c, keys);
    else if (had && !sameOrder(had, keys)) this.byContent.set(c, null);
  }

  /** The keys of `dict` in the order it had when registered (as given when unknown or ambiguous). */
  order(dict: Map<unknown, unknown> | Record<string, unknown>, keys: string[]): string[] {
    if (keys.length < 2) return keys;
    const had = this.byKeys.get(keySignature(keys));
    if (had === undefined) return keys;
    if (had !== 'by content') return had.order;
    return this.byContent.get(canonical(dict)) ?? keys;
  }
}

/** The registry of the render under way: renders are synchronous, one at a time. */
let active: KeyOrders | null = null;

export function withKeyOrders<T>(orders: KeyOrders | undefined, f: () => T): T {
  const before = active;
  active = orders ?? null;
  try {
    return f();
  } finally {
    active = before;
  }
}

/** The keys of a dict (a Map from the engine or a plain object) in Jinja2's order. */
export function orderedKeys(v: Map<unknown, unknown> | Record<string, unknown>): string[] {
  const keys = (v instanceof Map ? [...v.keys()] : Object.keys(v)).map(String);
  return active ? active.order(v, keys) : keys;
}
