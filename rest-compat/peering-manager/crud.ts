// List, detail and write handlers shared by every model endpoint. Each request
// is one GraphQL document from the shape cache plus variables; nothing here
// knows any particular model.
import type { ModelDescriptor } from '../../src/domain/model';
import type { GqlContext } from '../../src/graphql/context';
import { shapeFor, type Projection } from '../core/projection';
import { documentFor } from '../core/documents';
import { filterFromQuery, invalidChoice, orderingFromQuery, type ChoiceIds, type ParamErrors } from '../core/query';
import { pageFromQuery, gqlLimit, pageLinks } from '../core/pagination';
import { toInput, itemId, type FieldErrors, type Mode } from '../core/body';
import { RestError, detail } from '../core/errors';
import { body, readable, run, writable, type Call } from './call';

const list = (s: string | null) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

/** `brief`, `fields` (wins over brief) and `exclude` from the query string; GET only. */
export function projection(call: Call): Projection {
  if (call.req.method !== 'GET' && call.req.method !== 'HEAD') return {};
  const brief = call.params.get('brief');
  return {
    brief: !!brief && !['0', 'false', 'False', 'no'].includes(brief),
    fields: list(call.params.get('fields')),
    exclude: list(call.params.get('exclude')),
  };
}

const absolute = (call: Call) => `${call.base}${call.req.originalUrl}`;
const notFound = (d: ModelDescriptor) => detail(404, `No ${d.className} matches the given query.`);

/** `<fk>_id` values naming no object are a 400, as Peering Manager's filters answer (not an empty list). */
async function unknownChoices(ctx: GqlContext, choices: ChoiceIds[]): Promise<ParamErrors> {
  const errors: ParamErrors = {};
  // A fork: ids-only rows must not sit in the request's identity map as if they were whole.
  const em = ctx.em.fork();
  for (const c of choices) {
    const found = await em.find(c.target as any, { id: { $in: c.ids.map(Number) } } as any, { fields: ['id'] as any });
    const known = new Set(found.map((o: any) => String(o.id)));
    const missing = c.ids.find((id) => !known.has(id));
    if (missing !== undefined) errors[c.param] = [invalidChoice(missing)];
  }
  return errors;
}

/** The list's filter from the query string; bad parameters are a 400 per parameter. */
export async function listFilter(call: Call, ctx: GqlContext, d: ModelDescriptor): Promise<Record<string, unknown> | null> {
  const { filter, errors, choices } = filterFromQuery(d, call.params);
  Object.assign(errors, await unknownChoices(ctx, choices));
  if (Object.keys(errors).length) throw new RestError(400, errors);
  return filter;
}

export async function listObjects(call: Call, d: ModelDescriptor): Promise<void> {
  const ctx = await readable(call);
  const filter = await listFilter(call, ctx, d);
  const shape = shapeFor(d, projection(call));
  const page = pageFromQuery(call.params, ctx.config);
  const data = await run<{ totalCount: number; items: any[] }>(call, ctx, documentFor('list', d, shape.selection), {
    filter, ordering: orderingFromQuery(d, call.params), limit: gqlLimit(page), offset: page.offset,
  }, { d });
  const { next, previous } = pageLinks(absolute(call), page, data.totalCount);
  call.reply.send(200, { count: data.totalCount, next, previous, results: data.items.map((i) => shape.render(i, call.urls)) });
}

/** One object, or a 404 in Peering Manager's words. */
async function fetchOne(call: Call, ctx: GqlContext, d: ModelDescriptor, id: string, p: Projection): Promise<Record<string, unknown>> {
  const shape = shapeFor(d, p);
  // Rows outside the caller's read scope (the model's readScope) come back null: a 404 too.
  const item = await run(call, ctx, documentFor('detail', d, shape.selection), { id }, { d });
  if (!item) throw notFound(d);
  return shape.render(item, call.urls);
}

export async function getObject(call: Call, d: ModelDescriptor, id: string): Promise<void> {
  const ctx = await readable(call);
  call.reply.send(200, await fetchOne(call, ctx, d, id, projection(call)));
}

/** Checks an object exists (for custom actions) and returns the fields asked for. */
export async function loadObject(call: Call, ctx: GqlContext, d: ModelDescriptor, id: string, fields: string[]): Promise<Record<string, unknown>> {
  return fetchOne(call, ctx, d, id, { fields });
}

function reject(errors: FieldErrors[], asList: boolean): void {
  if (!errors.some((e) => Object.keys(e).length)) return;
  throw new RestError(400, asList ? errors : errors.find((e) => Object.keys(e).length));
}

/** What a write mutation selects: the full representation, which the mutation compiles inside its transaction. */
const full = (d: ModelDescriptor) => shapeFor(d, {});

/** POST on a list: one object, or a list of them created all-or-none. */
export async function createObjects(call: Call, d: ModelDescriptor): Promise<void> {
  const ctx = await writable(call);
  const data = (await body(call)) ?? {};
  const shape = full(d);
  if (Array.isArray(data)) {
    const translated = data.map((item) => toInput(d, item, 'create'));
    reject(translated.map((t) => t.errors), true);
    const made = await run<any[]>(call, ctx, documentFor('createMany', d, shape.selection), { inputs: translated.map((t) => t.input) }, { d, bulkShape: 'list', bulkSize: data.length });
    call.reply.send(201, made.map((i) => shape.render(i, call.urls)));
    return;
  }
  const { input, errors } = toInput(d, data, 'create');
  reject([errors], false);
  call.reply.send(201, shape.render(await run(call, ctx, documentFor('create', d, shape.selection), { input }, { d }), call.urls));
}

/** PUT/PATCH on a detail URL. */
export async function updateObject(call: Call, d: ModelDescriptor, id: string, mode: Mode): Promise<void> {
  const ctx = await writable(call);
  const { input, errors } = toInput(d, (await body(call)) ?? {}, mode);
  reject([errors], false);
  const shape = full(d);
  call.reply.send(200, shape.render(await run(call, ctx, documentFor(mode === 'patch' ? 'update' : 'replace', d, shape.selection), { id, input }, { d }), call.urls));
}

/** The `[{id, ...}]` body of bulk update and delete; a missing or non-integer id is a 400 per item. */
async function bulkItems(call: Call): Promise<{ items: Record<string, unknown>[]; ids: number[] }> {
  const data = await body(call);
  if (!Array.isArray(data)) {
    throw new RestError(400, { non_field_errors: [`Expected a list of items but got type "${data === undefined || data === null ? 'NoneType' : typeof data === 'object' ? 'dict' : typeof data}".`] });
  }
  const ids = data.map(itemId);
  if (ids.some((x) => x === null)) throw new RestError(400, ids.map((x) => (x === null ? { id: ['This field is required.'] } : {})));
  return { items: data as Record<string, unknown>[], ids: ids as number[] };
}

/** PUT/PATCH on a list: all-or-none; unknown ids are skipped as Peering Manager does. */
export async function updateObjects(call: Call, d: ModelDescriptor, mode: Mode): Promise<void> {
  const ctx = await writable(call);
  const { items, ids } = await bulkItems(call);
  const translated = items.map(({ id: _id, ...rest }) => toInput(d, rest, mode));
  reject(translated.map((t) => t.errors), false);
  const shape = full(d);
  const updated = await run<any[]>(call, ctx, documentFor('updateMany', d, shape.selection), { inputs: translated.map((t, i) => ({ id: String(ids[i]), ...t.input })) }, { d, bulkShape: 'first', bulkSize: items.length });
  call.reply.send(200, updated.map((i) => shape.render(i, call.urls)));
}

export async function deleteObject(call: Call, d: ModelDescriptor, id: string): Promise<void> {
  const ctx = await writable(call);
  await run(call, ctx, documentFor('delete', d), { id }, { d });
  call.reply.send(204);
}

export async function deleteObjects(call: Call, d: ModelDescriptor): Promise<void> {
  const ctx = await writable(call);
  const { ids } = await bulkItems(call);
  await run(call, ctx, documentFor('deleteMany', d), { ids: ids.map(String) }, { d });
  call.reply.send(204);
}
