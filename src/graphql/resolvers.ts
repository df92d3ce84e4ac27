// The GraphQL API of every model, generated from its descriptor: detail and list
// queries and the answers of single and bulk mutations (read by the read compiler,
// src/graphql/read-compiler), and field resolvers that hand compiled values through, or, on
// objects a custom mutation answers with, follow relations through the request's DataLoaders.
import { Arg, Ctx, Field, FieldResolver, ID, Info, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { JSONScalar } from './scalars';
import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type { AnyEntity } from '@mikro-orm/core';
import { fieldDescription, sentence, words, type ModelDescriptor } from '../domain/model';
import * as crud from '../domain/crud';
import { filterInput } from './filters';
import { modelInput } from './inputs';
import { nestedScope, requireRead, requireWrite } from './guards';
import type { Answer } from '../domain/crud';
import { nestedLists, type NestedList } from '../domain/nested';
import type { GqlContext } from './context';
import { compiledDetail, compiledList, compiledValue, compiledWritten, handThrough, isCompiled } from './read-compiler';

/** 'BGPGroup' -> 'bgpGroup', 'AutonomousSystem' -> 'autonomousSystem', all-capital 'BFD'/'BFDs' -> 'bfd'/'bfds'. */
export const fieldName = (s: string) => s.replace(/^[A-Z]+s?$|^[A-Z]+(?=[A-Z][a-z])|^[A-Z]/, (m) => m.toLowerCase());

type Method = (...args: any[]) => unknown;

function define(proto: any, key: string, fn: Method, decorate: (proto: any, key: string, desc: PropertyDescriptor) => void): void {
  Object.defineProperty(proto, key, { value: fn, writable: true, configurable: true });
  decorate(proto, key, Object.getOwnPropertyDescriptor(proto, key)!);
}

const listTypes = new Map<ModelDescriptor, Function>();

export function listType(d: ModelDescriptor): Function {
  const existing = listTypes.get(d);
  if (existing) return existing;
  const name = `${d.name}List`;
  const cls = { [name]: class {} }[name];
  Field(() => Int, { description: 'Matching objects, ignoring limit and offset' })(cls.prototype, 'totalCount');
  Field(() => [d.cls], { description: 'This page of them' })(cls.prototype, 'items');
  ObjectType(name, { description: `A page of ${d.verboseNamePlural} and how many match` })(cls);
  listTypes.set(d, cls);
  return cls;
}

function publisher(ctx: GqlContext) {
  return (changes: any[]) => ctx.bus.publishObjectChanges(changes);
}

const ID_ARG = 'Its id';

type Direct = (args: Record<string, any>, ctx: GqlContext, info: GraphQLResolveInfo) => Promise<unknown>;
/** Bulk write mutations by name, each as a function of the field's coerced arguments. */
const bulkWrites = new Map<string, Direct>();
/** Root list queries by name, each as a function of the field's coerced arguments. */
const rootLists = new Map<string, Direct>();

/**
 * Resolves the bulk write mutations and the root lists with their arguments as graphql-js coerced
 * them, ahead of type-graphql's wrapper: it copies each input object into an instance of its input
 * class, looking the class's fields up again per object, and the type of each field of a filter
 * again among all input types (a REST page's empty filter: ~0.1 ms under the profiler); 10,000 bulk
 * inputs cost more than their validation. The writes and the read compiler read plain values
 * (a nested list's filter always came so), and the schema validates nothing more (validate: false).
 */
export function resolveDirectly(schema: GraphQLSchema): void {
  for (const [type, fns] of [[schema.getMutationType(), bulkWrites], [schema.getQueryType(), rootLists]] as const) {
    const fields = type?.getFields() ?? {};
    for (const [name, fn] of fns) {
      const field = fields[name];
      if (field) field.resolve = (_root, args, ctx, info) => fn(args, ctx as GqlContext, info);
    }
  }
}

/**
 * A list inside an object (many-to-many or reverse foreign key): the root list's filter, ordering
 * and limit, within the caller's scope of the listed model; compiled into a read's statement, or,
 * on an object that is not a compiled row (a custom mutation's answer), read by one for it.
 */
function nestedListField(proto: any, list: NestedList, paging: (ctx: GqlContext) => { paginateCount: number; maxPageSize: number }): void {
  const Filter = filterInput(list.child);
  define(proto, `nested_${list.name}`, async (obj: AnyEntity, filter: any, ordering: string[] | undefined, limit: number | undefined, ctx: GqlContext, info: GraphQLResolveInfo) => {
    if (isCompiled(obj)) return compiledValue(obj, info);
    return nestedScope(ctx, list.child) ? handThrough(obj, ctx, info) : [];
  }, (p, k, desc) => {
    const description = list.via === 'm2m' ? fieldDescription(list.field) : `${sentence(list.child.verboseNamePlural)} whose ${words(list.field.name)} is this ${list.owner.verboseName}`;
    FieldResolver(() => [list.child.cls], { name: list.name, description })(p, k, desc);
    Root()(p, k, 0);
    Arg('filter', () => Filter, { nullable: true, description: 'Only those matching; as the root list filters' })(p, k, 1);
    Arg('ordering', () => [String], { nullable: true, description: `Field names, '-' for descending; default ${list.child.ordering.join(', ')}` })(p, k, 2);
    Arg('limit', () => Int, { nullable: true, description: 'At most this many per object; default the page size, 0 the maximum page size' })(p, k, 3);
    Ctx()(p, k, 4); Info()(p, k, 5);
  });
}

/** Builds the resolver class of one model. */
export function modelResolver(d: ModelDescriptor): Function {
  const one = fieldName(d.name);
  const many = fieldName(d.plural);
  const cls = { [`${d.name}Resolver`]: class {} }[`${d.name}Resolver`];
  const proto = cls.prototype;
  // Types must exist before the schema is generated, so create them now, not in thunks.
  const List = listType(d);
  const Filter = filterInput(d);
  const paging = (ctx: GqlContext) => ({ paginateCount: ctx.config.paginateCount, maxPageSize: ctx.config.maxPageSize });

  define(proto, one, async (id: string, ctx: GqlContext, info: GraphQLResolveInfo) => {
    requireRead(ctx);
    return compiledDetail(ctx, info, d, id, paging(ctx));
  }, (p, k, desc) => {
    Query(() => d.cls, { nullable: true, name: one, description: `One ${d.verboseName} by id` })(p, k, desc);
    Arg('id', () => ID, { description: ID_ARG })(p, k, 0); Ctx()(p, k, 1); Info()(p, k, 2);
  });

  const list = async (filter: any, ordering: string[] | undefined, limit: number | undefined, offset: number | undefined, ctx: GqlContext, info: GraphQLResolveInfo) => {
    requireRead(ctx);
    return compiledList(ctx, info, d, { filter, ordering, limit, offset }, paging(ctx));
  };
  rootLists.set(many, (args, ctx, info) => list(args.filter, args.ordering, args.limit, args.offset, ctx, info));
  define(proto, many, list, (p, k, desc) => {
    Query(() => List, { name: many, description: `${d.verboseNamePlural}, filtered, ordered and paginated` })(p, k, desc);
    Arg('filter', () => Filter, { nullable: true, description: 'Only those matching every condition given' })(p, k, 0);
    Arg('ordering', () => [String], { nullable: true, description: `Field names, '-' for descending; default ${d.ordering.join(', ')}` })(p, k, 1);
    Arg('limit', () => Int, { nullable: true, description: 'Page size; default the configured page size, 0 the maximum page size' })(p, k, 2);
    Arg('offset', () => Int, { nullable: true, description: 'How many matching objects to skip' })(p, k, 3);
    Ctx()(p, k, 4); Info()(p, k, 5);
  });

  if (!d.readOnly) {
    // The objects a write returns, compiled by id inside its transaction as the mutation's selection asks.
    const answer = (ctx: GqlContext, info: GraphQLResolveInfo): Answer<Record<string, unknown>> => (tem, ids) => compiledWritten(ctx, tem, info, d, ids, paging(ctx));
    const Create = modelInput(d, 'Create');
    const Update = modelInput(d, 'Update');
    const BulkUpdate = modelInput(d, 'BulkUpdate');
    define(proto, `create${d.name}`, async (input: any, ctx: GqlContext, info: GraphQLResolveInfo) => {
      requireWrite(ctx);
      return (await crud.create(ctx.em, d, [input], ctx.caller, publisher(ctx), false, answer(ctx, info)))[0];
    }, (p, k, desc) => {
      Mutation(() => d.cls, { name: `create${d.name}`, description: `Creates a ${d.verboseName}` })(p, k, desc);
      Arg('input', () => Create, { description: `The new ${d.verboseName}` })(p, k, 0); Ctx()(p, k, 1); Info()(p, k, 2);
    });
    const createMany = async (inputs: any[], ctx: GqlContext, info: GraphQLResolveInfo) => {
      requireWrite(ctx);
      return crud.create(ctx.em, d, inputs, ctx.caller, publisher(ctx), true, answer(ctx, info));
    };
    bulkWrites.set(`create${d.plural}`, (args, ctx, info) => createMany(args.inputs, ctx, info));
    define(proto, `create${d.plural}`, createMany, (p, k, desc) => {
      Mutation(() => [d.cls], { name: `create${d.plural}`, description: `Creates ${d.verboseNamePlural}, all or none` })(p, k, desc);
      Arg('inputs', () => [Create], { description: `The new ${d.verboseNamePlural}` })(p, k, 0); Ctx()(p, k, 1); Info()(p, k, 2);
    });
    define(proto, `update${d.name}`, async (id: string, input: any, ctx: GqlContext, info: GraphQLResolveInfo) => {
      requireWrite(ctx);
      return (await crud.update(ctx.em, d, [{ id, input }], true, ctx.caller, publisher(ctx), false, answer(ctx, info)))[0];
    }, (p, k, desc) => {
      Mutation(() => d.cls, { name: `update${d.name}`, description: `Changes the given fields of a ${d.verboseName} (PATCH)` })(p, k, desc);
      Arg('id', () => ID, { description: ID_ARG })(p, k, 0); Arg('input', () => Update, { description: 'The fields to change' })(p, k, 1); Ctx()(p, k, 2); Info()(p, k, 3);
    });
    define(proto, `replace${d.name}`, async (id: string, input: any, ctx: GqlContext, info: GraphQLResolveInfo) => {
      requireWrite(ctx);
      return (await crud.update(ctx.em, d, [{ id, input }], false, ctx.caller, publisher(ctx), false, answer(ctx, info)))[0];
    }, (p, k, desc) => {
      Mutation(() => d.cls, { name: `replace${d.name}`, description: `Replaces a ${d.verboseName} (PUT): required fields must be given` })(p, k, desc);
      Arg('id', () => ID, { description: ID_ARG })(p, k, 0); Arg('input', () => Create, { description: `The ${d.verboseName} as it becomes` })(p, k, 1); Ctx()(p, k, 2); Info()(p, k, 3);
    });
    const updateMany = async (inputs: any[], ctx: GqlContext, info: GraphQLResolveInfo) => {
      requireWrite(ctx);
      return crud.update(ctx.em, d, inputs.map(({ id, ...input }) => ({ id, input })), true, ctx.caller, publisher(ctx), true, answer(ctx, info));
    };
    bulkWrites.set(`update${d.plural}`, (args, ctx, info) => updateMany(args.inputs, ctx, info));
    define(proto, `update${d.plural}`, updateMany, (p, k, desc) => {
      Mutation(() => [d.cls], { name: `update${d.plural}`, description: `Changes ${d.verboseNamePlural}, all or none; unknown ids are skipped` })(p, k, desc);
      Arg('inputs', () => [BulkUpdate], { description: 'Each with its id and the fields to change' })(p, k, 0); Ctx()(p, k, 1); Info()(p, k, 2);
    });
    define(proto, `delete${d.name}`, async (id: string, ctx: GqlContext) => {
      requireWrite(ctx);
      return (await crud.remove(ctx.em, d, [id], ctx.caller, publisher(ctx))) > 0;
    }, (p, k, desc) => {
      Mutation(() => Boolean, { name: `delete${d.name}`, description: `Deletes a ${d.verboseName}; false when there was none` })(p, k, desc);
      Arg('id', () => ID, { description: ID_ARG })(p, k, 0); Ctx()(p, k, 1);
    });
    define(proto, `delete${d.plural}`, async (ids: string[], ctx: GqlContext) => {
      requireWrite(ctx);
      return crud.remove(ctx.em, d, ids, ctx.caller, publisher(ctx), true);
    }, (p, k, desc) => {
      Mutation(() => Int, { name: `delete${d.plural}`, description: 'All or none; unknown ids are ignored. Returns how many were deleted.' })(p, k, desc);
      Arg('ids', () => [ID], { description: `Ids of the ${d.verboseNamePlural}` })(p, k, 0); Ctx()(p, k, 1);
    });
  }

  // Field resolvers: display, relations through loaders, computed values; a compiled object's
  // value is under the response key (src/graphql/read-compiler).
  define(proto, 'display', async (obj: AnyEntity, ctx: GqlContext, info: GraphQLResolveInfo) => (isCompiled(obj) ? compiledValue(obj, info) : String(await d.display(obj, ctx.loaders.load))), (p, k, desc) => {
    FieldResolver(() => String, { name: 'display', description: 'The object as text' })(p, k, desc);
    Root()(p, k, 0); Ctx()(p, k, 1); Info()(p, k, 2);
  });
  for (const f of d.fields) {
    if (f.kind === 'fk') {
      const target = f.target!;
      define(proto, `resolve_${f.name}`, (obj: AnyEntity, ctx: GqlContext, info: GraphQLResolveInfo) => (isCompiled(obj) ? compiledValue(obj, info) : ctx.loaders.related(obj, f.name)), (p, k, desc) => {
        FieldResolver(() => target(), { name: f.name, nullable: true, description: fieldDescription(f) })(p, k, desc);
        Root()(p, k, 0); Ctx()(p, k, 1); Info()(p, k, 2);
      });
    }
  }
  for (const list of nestedLists(d)) nestedListField(proto, list, paging);
  for (const [name, c] of Object.entries(d.computed ?? {})) {
    const type = c.type === 'string' ? String : c.type === 'bool' ? Boolean : c.type === 'int' ? Int : JSONScalar;
    define(proto, `computed_${name}`, (obj: AnyEntity, ctx: GqlContext, info: GraphQLResolveInfo) => (isCompiled(obj) ? compiledValue(obj, info) : c.resolve(obj, ctx.loaders.load)), (p, k, desc) => {
      FieldResolver(() => type, { name, nullable: c.nullable ?? true, description: c.description ?? fieldDescription({ name }) })(p, k, desc);
      Root()(p, k, 0); Ctx()(p, k, 1); Info()(p, k, 2);
    });
  }
  Resolver(() => d.cls)(cls);
  return cls;
}
