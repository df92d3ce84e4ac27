// Writes: NSoT bodies -> the models' GraphQL inputs and mutations. Bulk create,
// bulk update and bulk delete are each one mutation, so one transaction.
import { NsotError, badRequest } from './errors';
import { run, send, jsonBody, writable, type Call } from './call';
import { fetchAll, lookupId, scoped } from './read';
import { shapeFor, projectionFrom } from './shape';
import type { InField, Resource } from './resources';
import { documentFor } from '../core/documents';

type Input = Record<string, unknown>;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function refInput(f: Extract<InField, { kind: 'ref' }>, value: unknown, input: Input): void {
  if (value === null) input[`${f.gql}Id`] = null;
  else if ((typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\d+$/.test(value))) input[`${f.gql}Id`] = String(value);
  else if (typeof value === 'string') input[f.gql] = { [f.refKey]: value };
  else throw badRequest({ [f.name]: 'Expected an id or a natural key.' });
}

/** One NSoT object -> GraphQL input. Unknown and read-only keys are ignored, as DRF does. */
export function toInput(call: Call, r: Resource, body: unknown, fields: InField[], required: string[]): Input {
  if (!isObj(body)) throw badRequest({ non_field_errors: 'Invalid data. Expected a dictionary.' });
  const obj: Obj = { ...body };
  if (r.key === 'networks' && obj.cidr === undefined && obj.network_address !== undefined) {
    obj.cidr = `${obj.network_address}/${obj.prefix_length ?? ''}`;
  }
  if (call.siteId !== null && r.siteScoped && fields.some((f) => f.name === 'site_id')) obj.site_id = call.siteId;
  const missing = required.filter((n) => obj[n] === undefined);
  if (missing.length) throw badRequest(Object.fromEntries(missing.map((n) => [n, 'This field is required.'])));
  const input: Input = {};
  for (const f of fields) {
    if (obj[f.name] === undefined) continue;
    if (f.kind === 'ref') refInput(f, obj[f.name], input);
    else input[f.gql] = obj[f.name];
  }
  return input;
}

const createRequired = (r: Resource): string[] => {
  const req: Record<string, string[]> = {
    sites: ['name'], attributes: ['name', 'resource_name', 'site_id'], devices: ['hostname', 'site_id'],
    networks: ['cidr', 'site_id'], interfaces: ['device', 'name'], circuits: ['endpoint_a'],
  };
  return req[r.key] ?? [];
};

/** POST on a list: one object (201 + Location) or a JSON array (bulk, all or none). */
export async function create(call: Call, r: Resource): Promise<void> {
  await writable(call);
  const body = await jsonBody(call);
  const shape = shapeFor(r, projectionFrom(call.params));
  if (Array.isArray(body)) {
    const inputs = body.map((b) => toInput(call, r, b, r.create, createRequired(r)));
    const doc = documentFor('createMany', r.d, shape.selection);
    const rows = (await run(call, doc.text, { inputs }, r))[doc.root] as unknown as Obj[];
    send(call, 201, rows.map(shape.render));
    return;
  }
  const doc = documentFor('create', r.d, `{ id ${shape.selection.slice(1, -1)} }`);
  const row = (await run(call, doc.text, { input: toInput(call, r, body, r.create, createRequired(r)) }, r))[doc.root] as unknown as Obj;
  send(call, 201, shape.render(row), { Location: `${call.path}${row.id}/` });
}

async function updateInputs(call: Call, r: Resource, items: { id: number; body: unknown }[], partial: boolean): Promise<Input[]> {
  const inputs: (Input & { id: number })[] = items.map((it) => ({ id: it.id, ...toInput(call, r, it.body, r.update, partial ? [] : r.putRequired) }));
  if (partial && r.attributes) {
    // PATCH semantics of the seed docs (a key with a value sets it, null removes it), merged by
    // the update itself under a row lock, so concurrent PATCHes of one object lose nothing.
    for (const i of inputs) {
      if (i.attributes === undefined) continue;
      i.attributesPatch = i.attributes;
      delete i.attributes;
    }
  }
  return inputs;
}

export async function update(call: Call, r: Resource, key: string, partial: boolean): Promise<void> {
  await writable(call);
  const id = await lookupId(call, r, key);
  const body = await jsonBody(call);
  const [{ id: _id, ...input }] = await updateInputs(call, r, [{ id, body }], partial);
  const shape = shapeFor(r, projectionFrom(call.params));
  const doc = documentFor('update', r.d, shape.selection);
  const row = (await run(call, doc.text, { id: String(id), input }, r))[doc.root] as unknown as Obj;
  send(call, 200, shape.render(row));
}

/** PUT/PATCH on a list: an array of objects with ids, all or none. */
export async function bulkUpdate(call: Call, r: Resource, partial: boolean): Promise<void> {
  await writable(call);
  const body = await jsonBody(call);
  if (!Array.isArray(body)) throw badRequest({ non_field_errors: 'Expected a list of items.' });
  const items: { id: number; body: unknown }[] = [];
  for (const b of body) {
    const raw = isObj(b) ? b.id : undefined;
    if (!(typeof raw === 'number' && Number.isInteger(raw) && raw > 0)) throw badRequest({ id: 'Each object must include an integer id.' });
    items.push({ id: await lookupId(call, r, String(raw)), body: b });
  }
  const inputs = (await updateInputs(call, r, items, partial)).map((i) => ({ ...i, id: String(i.id) }));
  const shape = shapeFor(r, projectionFrom(call.params));
  const doc = documentFor('updateMany', r.d, shape.selection);
  const rows = (await run(call, doc.text, { inputs }, r))[doc.root] as unknown as Obj[];
  send(call, 200, rows.map(shape.render));
}

export async function remove(call: Call, r: Resource, key: string): Promise<void> {
  await writable(call);
  const id = await lookupId(call, r, key);
  if (r.key === 'networks' && /^(1|true|yes)$/i.test(call.params.get('force_delete') ?? '')) {
    await run(call, 'mutation($id: ID!) { forceDeleteNetwork(id: $id) }', { id: String(id) }, r);
  } else {
    const doc = documentFor('delete', r.d);
    await run(call, doc.text, { id: String(id) }, r);
  }
  send(call, 204);
}

/**
 * DELETE on a list with a JSON list of integer ids (the seed docs): duplicates
 * dropped, every id checked before anything is deleted, one bad id fails all.
 */
export async function bulkRemove(call: Call, r: Resource): Promise<void> {
  await writable(call);
  const body = await jsonBody(call);
  if (!Array.isArray(body) || !body.length) throw badRequest('Bulk delete expects a non-empty JSON list of integer ids.');
  const bad = body.filter((x) => !(typeof x === 'number' && Number.isInteger(x) && x > 0 && x <= 2147483647));
  if (bad.length) throw badRequest(`Invalid ids (integers expected): ${bad.map((x) => JSON.stringify(x)).join(', ')}`);
  const ids = [...new Set(body as number[])];
  const found = await fetchAll(call, r, scoped(call, r, { id: { exact: ids } }), '{ id }');
  const have = new Set(found.map((x) => Number(x.id)));
  const missing = ids.filter((i) => !have.has(i));
  if (missing.length) {
    const at = call.siteId !== null && r.siteScoped ? `(site_id, id) = (${call.siteId}, ${missing[0]})` : `(id) = (${missing[0]})`;
    throw new NsotError(404, `No such ${r.label} found at ${at}`);
  }
  const doc = documentFor('deleteMany', r.d);
  await run(call, doc.text, { ids: ids.map(String) }, r);
  send(call, 204);
}

