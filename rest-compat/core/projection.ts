// Projection -> GraphQL selection set, and the renderer that turns the selected
// GraphQL data back into the REST representation. One shape per (model,
// projection), built once and cached: brief, fields and exclude are only a
// choice of which fields the document selects.
import { getNamedType, isEnumType, isListType, isNonNullType, isScalarType, type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import type { AnyEntity } from '@mikro-orm/core';
import type { ModelDescriptor } from '../../src/domain/model';
import { choiceLabel } from '../../src/domain/choices';
import { nestedLists } from '../../src/domain/nested';
import { canSeeSecrets } from '../../src/domain/access';
import { then, type Maybe } from '../../src/domain/maybe';
import { nestedScope } from '../../src/graphql/guards';
import type { GqlContext } from '../../src/graphql/context';
import { briefFields, fullFields, type RestField } from './fields';

/** Absolute URLs of objects, as the dialect spells them. */
export interface UrlBuilder {
  api(d: ModelDescriptor, id: number): string;
  ui(d: ModelDescriptor, id: number): string;
}

export interface Projection {
  brief?: boolean;
  fields?: string[];   // takes precedence over brief
  exclude?: string[];
}

type Item = Record<string, any>;
type Render = (item: Item, urls: UrlBuilder) => Record<string, unknown>;

/** What reading a shape's data from entities needs: the request's context and the schema whose types serialize the values. */
export interface EntityEnv { ctx: GqlContext; schema: GraphQLSchema }
type Read = (entity: AnyEntity, env: EntityEnv) => Maybe<Item>;

export interface Shape {
  key: string;
  selection: string;   // the GraphQL selection set, braces included
  render: Render;
  /**
   * The data the selection would give for an entity, read without executing GraphQL: the same
   * resolvers (display, loaders, computed fields, nested-list scopes, secret rule), values
   * serialized by the schema's own types. For writes that return many objects (bulk POST). A
   * promise only when some field needed a loader.
   */
  read: Read;
}

/** Nested objects inside nested objects stop at id/url/display: the brief lists never need more. */
const MAX_NESTING = 2;

const shapes = new Map<string, Shape>();

export function shapeFor(d: ModelDescriptor, p: Projection = {}): Shape {
  const key = `${d.name}|${p.fields ? `f:${p.fields.join(',')}` : p.brief ? 'brief' : 'full'}|${p.exclude?.join(',') ?? ''}`;
  const hit = shapes.get(key);
  if (hit) return hit;
  let fields: RestField[];
  let asked: Set<string>;
  if (p.fields) {
    asked = new Set(p.fields);
    fields = fullFields(d).filter((f) => asked.has(f.rest));
  } else {
    asked = new Set();
    fields = p.brief ? briefFields(d) : fullFields(d);
  }
  if (p.exclude?.length) {
    const drop = new Set(p.exclude);
    fields = fields.filter((f) => !drop.has(f.rest));
  }
  const shape = compile(d, fields, 0, (f) => !f.heavy || asked.has(f.rest), true);
  const out = { key, ...shape };
  shapes.set(key, out);
  return out;
}

/** The related-object representation (Peering Manager's nested serializers): plain choices. */
function nested(d: ModelDescriptor, depth: number): { selection: string; render: Render; read: Read } {
  const fields = depth >= MAX_NESTING ? briefFields(d).filter((f) => ['id', 'url', 'display'].includes(f.kind)) : briefFields(d);
  return compile(d, fields, depth, (f) => !f.heavy, false);
}

/** A GraphQL output type's serializer as the executor applies it (enums are left as stored values, as the dialects read them). */
function serializer(type: GraphQLOutputType): (v: unknown) => unknown {
  if (isEnumType(getNamedType(type))) return (v) => v ?? null;
  const t = isNonNullType(type) ? type.ofType : type;
  if (isListType(t)) {
    const item = serializer(t.ofType);
    return (v) => (v === undefined || v === null ? null : (v as unknown[]).map(item));
  }
  if (isScalarType(t)) return (v) => (v === undefined || v === null ? null : t.serialize(v));
  return (v) => v ?? null;
}

/** Serializes one field of a model's GraphQL type, with its secret rule (only writers of the model see it). */
function fieldReader(d: ModelDescriptor, f: RestField): (value: unknown, env: EntityEnv) => unknown {
  let serialize: ((v: unknown) => unknown) | undefined;
  return (value, env) => {
    serialize ??= serializer((env.schema.getType(d.name) as GraphQLObjectType).getFields()[f.gql].type);
    if (f.meta?.secret && !canSeeSecrets(env.ctx.caller, d)) return null;
    return serialize(value);
  };
}

function compile(d: ModelDescriptor, fields: RestField[], depth: number, load: (f: RestField) => boolean, objectChoices: boolean): { selection: string; render: Render; read: Read } {
  const select = new Set<string>(['id']);
  const steps: ((item: Item, out: Record<string, unknown>, urls: UrlBuilder) => void)[] = [];
  // Each read sets its field at once, or returns the promise that will (only loaders need one).
  const reads: ((e: AnyEntity, item: Item, env: EntityEnv) => void | Promise<void>)[] = [(e, item) => { item.id = String(e.id); }];
  for (const f of fields) {
    const name = f.rest;
    if (f.kind === 'display') reads.push((e, item, env) => then(d.display(e, env.ctx.loaders.load), (v) => { item.display = String(v); }));
    else if (f.kind === 'fk') {
      const inner = nested(f.target!, depth + 1);
      reads.push((e, item, env) => {
        if (!e[f.gql]) { item[f.gql] = null; return; }
        return env.ctx.loaders.related(e, f.gql).then(async (t) => { item[f.gql] = t ? await inner.read(t, env) : null; });
      });
    } else if (f.kind === 'm2m') {
      const inner = nested(f.target!, depth + 1);
      const list = nestedLists(d).find((l) => l.name === f.gql)!;
      reads.push((e, item, env) => {
        const coll = e[f.gql];
        const scope = nestedScope(env.ctx, list.child);
        // A collection known to be empty (a new object's, or one read whole) needs no query.
        if (!scope || (coll?.isInitialized?.() && coll.count() === 0)) { item[f.gql] = []; return; }
        return env.ctx.loaders.nested(e, list, {}, { paginateCount: env.ctx.config.paginateCount, maxPageSize: env.ctx.config.maxPageSize }, scope.rows)
          .then(async (rows) => { item[f.gql] = await Promise.all(rows.map((r) => inner.read(r, env))); });
      });
    } else if (f.kind === 'computed') {
      const c = d.computed![f.gql];
      const value = fieldReader(d, f);
      reads.push((e, item, env) => then(c.resolve(e, env.ctx.loaders.load), (v) => { item[f.gql] = value(v, env); }));
    } else if ((f.kind === 'scalar' || f.kind === 'choice') && load(f)) {
      const value = fieldReader(d, f);
      reads.push((e, item, env) => { item[f.gql] = value(e[f.gql], env); });
    }
    switch (f.kind) {
      case 'id':
        steps.push((item, out) => { out[name] = Number(item.id); });
        break;
      case 'url':
        steps.push((item, out, urls) => { out[name] = urls.api(d, Number(item.id)); });
        break;
      case 'display_url':
        steps.push((item, out, urls) => { out[name] = urls.ui(d, Number(item.id)); });
        break;
      case 'fk': case 'm2m': {
        const inner = nested(f.target!, depth + 1);
        select.add(`${f.gql} ${inner.selection}`);
        if (f.kind === 'fk') steps.push((item, out, urls) => { const v = item[f.gql]; out[name] = v ? inner.render(v, urls) : null; });
        else steps.push((item, out, urls) => { out[name] = ((item[f.gql] ?? []) as Item[]).map((v) => inner.render(v, urls)); });
        break;
      }
      case 'choice': {
        if (!load(f)) { steps.push((_i, out) => { out[name] = null; }); break; }
        select.add(f.gql);
        const set = f.meta!.choices!;
        // GraphQL carries every choice as a string; numeric sets (address families) are numbers in REST.
        const numeric = typeof set.values[0]?.value === 'number';
        const value = (v: unknown) => (v === null || v === undefined ? null : numeric && v !== '' ? Number(v) : v);
        if (objectChoices && f.meta!.choiceStyle !== 'plain') {
          steps.push((item, out) => {
            const v = value(item[f.gql]);
            out[name] = v === null ? null : { value: v, label: choiceLabel(set, v) ?? String(v) };
          });
        } else {
          steps.push((item, out) => { out[name] = value(item[f.gql]); });
        }
        break;
      }
      default:
        if (!load(f)) { steps.push((_i, out) => { out[name] = null; }); break; }
        select.add(f.gql);
        steps.push((item, out) => { const v = item[f.gql]; out[name] = v === undefined ? null : v; });
    }
  }
  return {
    selection: `{ ${[...select].join(' ')} }`,
    render: (item, urls) => {
      const out: Record<string, unknown> = {};
      for (const s of steps) s(item, out, urls);
      return out;
    },
    read: (e, env) => {
      const item: Item = {};
      let pending: Promise<void>[] | undefined;
      for (const r of reads) {
        const p = r(e, item, env);
        if (p) (pending ??= []).push(p);
      }
      return pending ? Promise.all(pending).then(() => item) : item;
    },
  };
}
