// The OpenAPI 3 document of /api/, generated from the same descriptors and REST
// field lists the handlers use, so it cannot drift from what they serve.
import type { FieldMeta, ModelDescriptor } from '../../src/domain/model';
import { writableFields } from '../../src/graphql/inputs';
import { API_VERSION } from '../../src/http/version';
import { briefFields, fullFields, type RestField } from '../core/fields';
import { filterParams } from '../core/query';
import { endpoints } from './registry';
import { ACTIONS } from './actions';
import { isRequired, titleCase } from './options';

type Schema = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function scalarSchema(m: FieldMeta, write: boolean): Schema {
  let s: Schema;
  switch (m.kind) {
    case 'int': s = { type: 'integer' }; break;
    case 'bigint': case 'asn': s = { type: 'integer', format: 'int64' }; break;
    case 'float': s = { type: 'number' }; break;
    case 'bool': s = { type: 'boolean' }; break;
    case 'json': s = {}; break;
    case 'datetime': s = { type: 'string', format: 'date-time' }; break;
    case 'uuid': s = { type: 'string', format: 'uuid' }; break;
    case 'choice': {
      const values = m.choices!.values.map((c) => c.value);
      const plain: Schema = { type: typeof values[0] === 'number' ? 'integer' : 'string', enum: m.blank ? [...values, ''] : values };
      s = write || m.choiceStyle === 'plain' ? plain : { type: 'object', properties: { value: plain, label: { type: 'string' } } };
      break;
    }
    default: s = { type: 'string', ...(m.maxLength ? { maxLength: m.maxLength } : {}) };
  }
  if (m.min !== undefined) s.minimum = m.min;
  if (m.max !== undefined) s.maximum = m.max;
  if (m.nullable) s.nullable = true;
  if (m.help) s.description = m.help;
  return s;
}

function readSchema(f: RestField, nestedChoices: boolean): Schema {
  switch (f.kind) {
    case 'id': return { type: 'integer', readOnly: true };
    case 'url': case 'display_url': return { type: 'string', format: 'uri', readOnly: true };
    case 'display': case 'computed': return { readOnly: true };
    case 'fk': return { allOf: [ref(`Nested${f.target!.name}`)], nullable: !!f.meta!.nullable };
    case 'm2m': return { type: 'array', items: ref(`Nested${f.target!.name}`) };
  }
  const s = scalarSchema({ ...f.meta!, ...(nestedChoices ? { choiceStyle: 'plain' as const } : {}) }, false);
  if (f.readOnly) s.readOnly = true;
  return s;
}

function objectSchema(fields: RestField[], nested: boolean): Schema {
  return { type: 'object', properties: Object.fromEntries(fields.map((f) => [f.rest, readSchema(f, nested)])) };
}

function writeSchema(d: ModelDescriptor, partial: boolean): Schema {
  const props: Record<string, Schema> = {};
  const required: string[] = [];
  for (const m of writableFields(d)) {
    if (m.kind === 'fk') props[m.restName] = { oneOf: [{ type: 'integer' }, { type: 'object', description: "Attributes matching exactly one object" }], nullable: !!m.nullable };
    else if (m.kind === 'm2m') props[m.restName] = { type: 'array', items: { oneOf: [{ type: 'integer' }, { type: 'object' }] } };
    else props[m.restName] = scalarSchema(m, true);
    if (!partial && isRequired(d, m)) required.push(m.restName);
  }
  return { type: 'object', properties: props, ...(required.length ? { required } : {}) };
}

const json = (schema: Schema) => ({ content: { 'application/json': { schema } } });
const errorResponses = {
  400: { description: 'Validation error: {"field": ["message"]}' },
  403: { description: 'Authentication or permission failure: {"detail": "..."}' },
};

function listParameters(d: ModelDescriptor): Schema[] {
  const base = [
    { name: 'limit', in: 'query', schema: { type: 'integer' }, description: 'Page size; 0 = the maximum page size' },
    { name: 'offset', in: 'query', schema: { type: 'integer' } },
    { name: 'ordering', in: 'query', schema: { type: 'string' }, description: 'Comma-separated field names, "-" for descending' },
    { name: 'brief', in: 'query', schema: { type: 'boolean' } },
    { name: 'fields', in: 'query', schema: { type: 'string' }, description: 'Comma-separated fields to return (wins over brief)' },
    { name: 'exclude', in: 'query', schema: { type: 'string' }, description: 'Comma-separated fields to leave out' },
  ];
  const filters = filterParams(d).map((p) => ({
    name: p.name, in: 'query', required: false, explode: true,
    schema: p.kind === 'bool' ? { type: 'boolean' } : { type: 'array', items: { type: p.kind === 'numeric' || p.kind === 'id' || p.kind === 'int' ? 'integer' : 'string' } },
  }));
  return [...base, ...filters];
}

let cached: Schema | null = null;

export function openApiDocument(): Schema {
  if (cached) return cached;
  const paths: Record<string, Schema> = {};
  const schemas: Record<string, Schema> = {};
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };
  for (const e of endpoints()) {
    const d = e.d;
    const tag = e.app;
    const title = titleCase(d.verboseName);
    schemas[d.name] = objectSchema(fullFields(d), false);
    schemas[`Nested${d.name}`] = objectSchema(briefFields(d), true);
    schemas[`Paginated${d.name}List`] = { type: 'object', properties: { count: { type: 'integer' }, next: { type: 'string', nullable: true }, previous: { type: 'string', nullable: true }, results: { type: 'array', items: ref(d.name) } } };
    const op = (id: string, summary: string, extra: Schema) => ({ operationId: `${e.app}_${e.path.replace(/-/g, '_')}_${id}${e.alias ? '_alias' : ''}`, tags: [tag], summary, ...extra });
    const list: Schema = { get: op('list', `List ${d.verboseNamePlural}`, { parameters: listParameters(d), responses: { 200: { description: 'A page', ...json(ref(`Paginated${d.name}List`)) }, ...errorResponses } }) };
    const detail: Schema = { get: op('retrieve', `One ${d.verboseName}`, { parameters: [idParam], responses: { 200: { description: title, ...json(ref(d.name)) }, 404: { description: 'Not found' } } }) };
    if (!d.readOnly) {
      schemas[`Writable${d.name}Request`] = writeSchema(d, false);
      schemas[`Patched${d.name}Request`] = writeSchema(d, true);
      const w = ref(`Writable${d.name}Request`);
      const p = ref(`Patched${d.name}Request`);
      const withId = (s: Schema) => ({ type: 'array', items: { allOf: [s, { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } }] } });
      list.post = op('create', `Create one ${d.verboseName} or a list of them (all or none)`, { requestBody: { required: true, ...json({ oneOf: [w, { type: 'array', items: w }] }) }, responses: { 201: { description: 'Created', ...json(ref(d.name)) }, ...errorResponses } });
      list.put = op('bulk_update', 'Bulk replace (all or none)', { requestBody: { required: true, ...json(withId(w)) }, responses: { 200: { description: 'Updated', ...json({ type: 'array', items: ref(d.name) }) }, ...errorResponses } });
      list.patch = op('bulk_partial_update', 'Bulk partial update (all or none)', { requestBody: { required: true, ...json(withId(p)) }, responses: { 200: { description: 'Updated', ...json({ type: 'array', items: ref(d.name) }) }, ...errorResponses } });
      list.delete = op('bulk_destroy', 'Bulk delete (all or none)', { requestBody: { required: true, ...json({ type: 'array', items: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } } }) }, responses: { 204: { description: 'Deleted' }, ...errorResponses } });
      detail.put = op('update', `Replace a ${d.verboseName}`, { parameters: [idParam], requestBody: { required: true, ...json(w) }, responses: { 200: { description: title, ...json(ref(d.name)) }, ...errorResponses, 404: { description: 'Not found' } } });
      detail.patch = op('partial_update', `Update a ${d.verboseName}`, { parameters: [idParam], requestBody: { required: true, ...json(p) }, responses: { 200: { description: title, ...json(ref(d.name)) }, ...errorResponses, 404: { description: 'Not found' } } });
      detail.delete = op('destroy', `Delete a ${d.verboseName}`, { parameters: [idParam], responses: { 204: { description: 'Deleted' }, 404: { description: 'Not found' }, 409: { description: 'Protected by dependent objects' } } });
    }
    paths[`/api/${e.app}/${e.path}/`] = list;
    paths[`/api/${e.app}/${e.path}/{id}/`] = detail;
    if (e.alias) continue;
    for (const a of ACTIONS.filter((x) => x.contentType === d.contentType)) {
      const path = a.detail ? `/api/${e.app}/${e.path}/{id}/${a.name}/` : `/api/${e.app}/${e.path}/${a.name}/`;
      paths[path] = {
        [a.method.toLowerCase()]: op(a.name.replace(/-/g, '_'), a.name, {
          ...(a.detail ? { parameters: [idParam] } : {}),
          description: a.unavailable ? `Not available in PeerGate (501): ${a.unavailable}` : undefined,
          responses: a.unavailable ? { 501: { description: a.unavailable } } : { 200: { description: 'OK' } },
        }),
      };
    }
  }
  paths['/api/status/'] = { get: { operationId: 'status', tags: ['status'], responses: { 200: { description: 'Versions and workers' } } } };
  cached = {
    openapi: '3.0.3',
    info: { title: 'PeerGate — Peering Manager compatible REST API', version: API_VERSION, description: 'Every request is translated to PeerGate\'s GraphQL API (/graphql).' },
    paths,
    components: { schemas, securitySchemes: { tokenAuth: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Token <40 hex characters>`' } } },
    security: [{ tokenAuth: [] }, {}],
  };
  return cached;
}
