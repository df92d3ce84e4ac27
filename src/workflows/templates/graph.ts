// The objects a render sees, loaded before it starts (filters run synchronously inside the WASM
// engine and cannot query): every row of the models the render needs that the caller may read,
// bounded in number. Relations point only at loaded rows, so a row the caller may not read is never
// reached through another one. Secret fields are filled only for callers who may see them.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AnyEntity } from '@mikro-orm/core';
import type { Caller } from '../../http/auth';
import { canSeeSecrets, readGrant, toWhere } from '../../domain/access';
import { describe, modelByContentType, type ModelDescriptor } from '../../domain/model';
import { orderBy } from '../../domain/crud';
import { CLASS, REF, STR } from './python';
import { mergedConfigContext } from './config-context';
import { KeyOrders } from './key-order';

export interface Rec {
  ct: string;
  id: number;
  d: ModelDescriptor;
  /** Scalars by REST name. */
  row: Record<string, unknown>;
  /** Foreign keys by REST name: the target id, or null (also when the caller may not read it). */
  fk: Record<string, number | null>;
  /** Many-to-many by REST name: target ids the caller may read. */
  m2m: Record<string, number[]>;
  display: string;
}

export class TooManyObjects extends Error {}

/** Depth of nested objects in a view: session -> connection -> IXP -> its local AS. */
const MAX_DEPTH = 3;

export class Graph {
  private byCt = new Map<string, Map<number, Rec>>();
  private views = new Map<string, Record<string, unknown>>();
  private contexts: Map<string, unknown> | null = null;
  /** The order of the keys of every JSON value the views hold (Jinja2 iterates dicts in it). */
  readonly keyOrders = new KeyOrders();

  constructor(readonly caller: Caller) {}

  all(ct: string): Rec[] {
    return [...(this.byCt.get(ct)?.values() ?? [])];
  }

  get(ct: string, id: number | null | undefined): Rec | null {
    return id === null || id === undefined ? null : (this.byCt.get(ct)?.get(id) ?? null);
  }

  has(ct: string): boolean {
    return this.byCt.has(ct);
  }

  /** How many objects are loaded, every model together. */
  size(): number {
    let n = 0;
    for (const m of this.byCt.values()) n += m.size;
    return n;
  }

  /** The loaded object a template value stands for (a view carries its reference). */
  resolve(v: unknown): Rec | null {
    if (!v || typeof v !== 'object') return null;
    const ref = (v as Record<string, unknown>)[REF];
    if (typeof ref !== 'string') return null;
    const i = ref.lastIndexOf(':');
    return this.get(ref.slice(0, i), Number(ref.slice(i + 1)));
  }

  /** The target of a foreign key (REST name) if loaded and readable. */
  fk(r: Rec, name: string): Rec | null {
    const f = r.d.fields.find((x) => x.restName === name);
    if (!f?.target) return null;
    return this.get(ctOf(f.target()), r.fk[name]);
  }

  m2m(r: Rec, name: string): Rec[] {
    const f = r.d.fields.find((x) => x.restName === name);
    if (!f?.target) return [];
    const ct = ctOf(f.target());
    return sortRecs((r.m2m[name] ?? []).map((id) => this.get(ct, id)).filter((x): x is Rec => !!x));
  }

  configContext(r: Rec): unknown {
    this.contexts ??= new Map();
    const key = `${r.ct}:${r.id}`;
    if (!this.contexts.has(key)) this.contexts.set(key, mergedConfigContext(this, r));
    return this.contexts.get(key);
  }

  /** The template's face of an object: its fields by REST name, nested relations, computed attributes. */
  view(r: Rec, depth = 0): Record<string, unknown> {
    const key = `${r.ct}:${r.id}:${depth}`;
    const hit = this.views.get(key);
    if (hit) return hit;
    const v: Record<string, unknown> = { [REF]: `${r.ct}:${r.id}`, [STR]: r.display, [CLASS]: r.d.className, ...r.row };
    for (const name of Object.keys(r.fk)) {
      const t = this.fk(r, name);
      v[name] = t ? (depth < MAX_DEPTH ? this.view(t, depth + 1) : this.shallow(t)) : null;
    }
    for (const name of Object.keys(r.m2m)) v[name] = depth < MAX_DEPTH ? this.m2m(r, name).map((t) => this.view(t, depth + 1)) : [];
    if ('status' in r.row && /session$/.test(r.ct)) v.enabled = r.row.status === 'enabled';
    // Every model of Peering Manager's feature set (the tagged ones) has a config context, even
    // where PeerGate keeps no local data (routing policies, communities): their assignments.
    if ('local_context_data' in r.row || 'tags' in r.m2m) v.config_context = this.configContext(r) ?? null;
    for (const x of [...Object.values(r.row), v.config_context]) if (x && typeof x === 'object') this.keyOrders.add(x);
    this.views.set(key, v);
    return v;
  }

  private shallow(r: Rec): Record<string, unknown> {
    return { [REF]: `${r.ct}:${r.id}`, [STR]: r.display, [CLASS]: r.d.className, ...r.row };
  }

  add(rec: Rec): void {
    let m = this.byCt.get(rec.ct);
    if (!m) this.byCt.set(rec.ct, (m = new Map()));
    m.set(rec.id, rec);
  }

  markLoaded(ct: string): void {
    if (!this.byCt.has(ct)) this.byCt.set(ct, new Map());
  }
}

export function ctOf(cls: Function): string {
  return describe(cls).contentType;
}

/** Orders objects as Peering Manager's managers do. */
export function sortRecs(recs: Rec[]): Rec[] {
  if (!recs.length) return recs;
  const ct = recs[0].ct;
  const by = (...keys: ((r: Rec) => unknown)[]) => (a: Rec, b: Rec): number => {
    for (const k of keys) {
      const x = k(a), y = k(b);
      if (x === y) continue;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x as number) < (y as number) ? -1 : 1;
    }
    return a.id - b.id;
  };
  const name = (r: Rec) => r.row.name as string;
  switch (ct) {
    case 'peering.routingpolicy': return recs.sort(by((r) => -(r.row.weight as number), name));
    case 'bgp.community': return recs.sort(by((r) => r.row.value, name));
    case 'peering.autonomoussystem': return recs.sort(by((r) => r.row.asn));
    default: return 'name' in recs[0].row ? recs.sort(by(name)) : recs.sort(by());
  }
}

function plain(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  return v ?? null;
}

/** Loads every readable row of these models into the graph; more than `max` in all is refused. */
export async function loadGraph(em: EntityManager, caller: Caller, cts: string[], max: number): Promise<Graph> {
  const g = new Graph(caller);
  await loadRows(em, g, cts.map((ct) => ({ ct, where: {} })), max);
  return g;
}

/**
 * Adds the readable rows of each model matching `where` (a MikroORM condition) to the graph, at
 * most `max` rows in all; relations to rows the graph does not hold are cut (unless `cut` is
 * false: their targets come next, and the caller cuts with `cutDangling` after).
 */
export async function loadRows(em: EntityManager, g: Graph, sets: { ct: string; where: Record<string, unknown> }[], max: number, cut = true): Promise<void> {
  const caller = g.caller;
  const fork = em.fork({ clear: true });
  let total = 0;
  const entities: [ModelDescriptor, AnyEntity[]][] = [];
  for (const { ct, where } of sets) {
    const d = modelByContentType(ct);
    if (!d) continue;
    g.markLoaded(ct);
    const grant = readGrant(caller, d);
    if (!grant.allowed) continue;
    const m2m = d.fields.filter((f) => f.kind === 'm2m').map((f) => f.name);
    const scope = toWhere(grant.rows);
    const rows = (await fork.find(d.cls as any, (scope ? { $and: [scope, where] } : where) as any, {
      populate: m2m as any,
      orderBy: orderBy(d, null) as any,
      limit: max - total + 1,
    })) as AnyEntity[];
    total += rows.length;
    if (total > max) throw new TooManyObjects(`more than ${max} objects to load for this render (TEMPLATE_MAX_OBJECTS)`);
    entities.push([d, rows]);
  }
  for (const [d, rows] of entities) {
    const secrets = canSeeSecrets(caller, d);
    for (const e of rows) {
      const rec: Rec = { ct: d.contentType, id: e.id, d, row: {}, fk: {}, m2m: {}, display: '' };
      for (const f of d.fields) {
        if (f.writeOnly) continue;
        if (f.kind === 'fk') {
          const t = e[f.name];
          rec.fk[f.restName] = t ? Number(t.id) : null;
        } else if (f.kind === 'm2m') {
          const col = e[f.name];
          rec.m2m[f.restName] = col?.isInitialized?.() ? col.getItems().map((x: AnyEntity) => Number(x.id)) : [];
        } else {
          rec.row[f.restName] = f.secret && !secrets ? null : plain(e[f.name]);
        }
      }
      rec.display = String(await d.display(e, async (o: any, name: string) => o?.[name] ?? null));
      g.add(rec);
    }
  }
  if (cut) cutDangling(g, sets.map((x) => x.ct));
}

/** Relations to rows that were not loaded (not readable, or a model this render does not load) are cut. */
export function cutDangling(g: Graph, cts: string[]): void {
  for (const ct of cts) {
    for (const r of g.all(ct)) {
      for (const [name, id] of Object.entries(r.fk)) if (id !== null && !g.fk(r, name)) r.fk[name] = null;
      for (const name of Object.keys(r.m2m)) r.m2m[name] = g.m2m(r, name).map((x) => x.id);
    }
  }
}
