// The OpenAPI 3 document of /api/, generated from the same descriptors and REST
// field lists the handlers use, so it cannot drift from what they serve.
import { modelByContentType, type FieldMeta, type ModelDescriptor } from '../../src/domain/model';
import { writableFields } from '../../src/domain/inputs';
import { API_VERSION } from '../../src/http/version';
import { EXPORT_RESPONSES } from './rendering';
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
  // OpenAPI 3.0: `nullable` only counts beside a `type`; an untyped (JSON) value takes null anyway.
  if (m.nullable && s.type) s.nullable = true;
  if (m.help) s.description = m.help;
  return s;
}

function readSchema(f: RestField, nestedChoices: boolean): Schema {
  switch (f.kind) {
    case 'id': return { type: 'integer', readOnly: true };
    case 'url': case 'display_url': return { type: 'string', format: 'uri', readOnly: true };
    case 'display': case 'computed': return { readOnly: true };
    // A nullable relation: `nullable` needs a `type` beside it in OpenAPI 3.0 (a $ref takes no siblings).
    case 'fk': return f.meta!.nullable ? { type: 'object', nullable: true, allOf: [ref(`Nested${f.target!.className}`)] } : ref(`Nested${f.target!.className}`);
    case 'm2m': return { type: 'array', items: ref(`Nested${f.target!.className}`) };
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
    // null matches the integer branch only, so `oneOf` still picks exactly one.
    if (m.kind === 'fk') props[m.restName] = { oneOf: [{ type: 'integer', ...(m.nullable ? { nullable: true } : {}) }, { type: 'object', description: 'Attributes matching exactly one object' }] };
    else if (m.kind === 'm2m') props[m.restName] = { type: 'array', items: { oneOf: [{ type: 'integer' }, { type: 'object' }] } };
    else props[m.restName] = scalarSchema(m, true);
    if (!partial && isRequired(d, m)) required.push(m.restName);
  }
  return { type: 'object', properties: props, ...(required.length ? { required } : {}) };
}

const json = (schema: Schema) => ({ content: { 'application/json': { schema } } });
const errorSchemas: Record<string, Schema> = {
  Error: { type: 'object', required: ['detail'], properties: { detail: { type: 'string' } }, description: "DRF's error body" },
  ValidationError: {
    description: 'Field errors: {"field": ["message"]} (for a bulk write, a list of those, one per item), or {"detail": "..."}',
    oneOf: [
      { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
      { type: 'array', items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
    ],
  },
};
const problem = (description: string, schema = 'Error') => ({ description, ...json(ref(schema)) });
const denied = { 403: problem('Authentication or permission failure') };
const notFound = { 404: problem('Not found') };
const errorResponses = { 400: problem('Validation error', 'ValidationError'), ...denied };

/** A page as JSON, or with `?export=` the rendered text (rendering.ts EXPORT_RESPONSES). */
function listResponses(d: ModelDescriptor): Schema {
  const page = json(ref(`Paginated${d.className}List`)) as { content: Schema };
  return {
    200: { description: `A page; ${EXPORT_RESPONSES[200]}`, content: { ...page.content, 'text/plain': { schema: { type: 'string' } } } },
    400: problem(`Validation error. ${EXPORT_RESPONSES[400]}`, 'ValidationError'),
    ...denied,
    404: problem(EXPORT_RESPONSES[404]),
  };
}

function listParameters(d: ModelDescriptor): Schema[] {
  const base = [
    { name: 'limit', in: 'query', schema: { type: 'integer' }, description: 'Page size; 0 = the maximum page size' },
    { name: 'offset', in: 'query', schema: { type: 'integer' } },
    { name: 'ordering', in: 'query', schema: { type: 'string' }, description: 'Comma-separated field names, "-" for descending' },
    { name: 'brief', in: 'query', schema: { type: 'boolean' } },
    { name: 'fields', in: 'query', schema: { type: 'string' }, description: 'Comma-separated fields to return (wins over brief)' },
    { name: 'exclude', in: 'query', schema: { type: 'string' }, description: 'Comma-separated fields to leave out' },
    { name: 'export', in: 'query', schema: { type: 'string' }, description: 'Name of an export template of this model: answers the list (filters and ordering applied, every page, at most EXPORT_MAX_ROWS objects) rendered through it, as text/plain' },
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
    schemas[d.className] = objectSchema(fullFields(d), false);
    schemas[`Nested${d.className}`] = objectSchema(briefFields(d), true);
    schemas[`Paginated${d.className}List`] = { type: 'object', properties: { count: { type: 'integer' }, next: { type: 'string', nullable: true }, previous: { type: 'string', nullable: true }, results: { type: 'array', items: ref(d.className) } } };
    const op = (id: string, summary: string, extra: Schema) => ({ operationId: `${e.app}_${e.path.replace(/-/g, '_')}_${id}${e.alias ? '_alias' : ''}`, tags: [tag], summary, ...extra });
    const list: Schema = { get: op('list', `List ${d.verboseNamePlural}`, { parameters: listParameters(d), responses: listResponses(d) }) };
    const detail: Schema = { get: op('retrieve', `One ${d.verboseName}`, { parameters: [idParam], responses: { 200: { description: title, ...json(ref(d.className)) }, ...denied, ...notFound } }) };
    if (!d.readOnly) {
      schemas[`Writable${d.className}Request`] = writeSchema(d, false);
      schemas[`Patched${d.className}Request`] = writeSchema(d, true);
      const w = ref(`Writable${d.className}Request`);
      const p = ref(`Patched${d.className}Request`);
      const withId = (s: Schema) => ({ type: 'array', items: { allOf: [s, { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } }] } });
      list.post = op('create', `Create one ${d.verboseName} or a list of them (all or none)`, { requestBody: { required: true, ...json({ oneOf: [w, { type: 'array', items: w }] }) }, responses: { 201: { description: 'Created', ...json(ref(d.className)) }, ...errorResponses } });
      list.put = op('bulk_update', 'Bulk replace (all or none)', { requestBody: { required: true, ...json(withId(w)) }, responses: { 200: { description: 'Updated', ...json({ type: 'array', items: ref(d.className) }) }, ...errorResponses } });
      list.patch = op('bulk_partial_update', 'Bulk partial update (all or none)', { requestBody: { required: true, ...json(withId(p)) }, responses: { 200: { description: 'Updated', ...json({ type: 'array', items: ref(d.className) }) }, ...errorResponses } });
      list.delete = op('bulk_destroy', 'Bulk delete (all or none)', { requestBody: { required: true, ...json({ type: 'array', items: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } } }) }, responses: { 204: { description: 'Deleted' }, ...errorResponses } });
      detail.put = op('update', `Replace a ${d.verboseName}`, { parameters: [idParam], requestBody: { required: true, ...json(w) }, responses: { 200: { description: title, ...json(ref(d.className)) }, ...errorResponses, ...notFound } });
      detail.patch = op('partial_update', `Update a ${d.verboseName}`, { parameters: [idParam], requestBody: { required: true, ...json(p) }, responses: { 200: { description: title, ...json(ref(d.className)) }, ...errorResponses, ...notFound } });
      detail.delete = op('destroy', `Delete a ${d.verboseName}`, { parameters: [idParam], responses: { 204: { description: 'Deleted' }, ...denied, ...notFound, 409: problem('Protected by dependent objects') } });
    }
    paths[`/api/${e.app}/${e.path}/`] = list;
    paths[`/api/${e.app}/${e.path}/{id}/`] = detail;
    if (e.alias) continue;
    // Actions that only answer 501 (they need NAPALM, IRR, Jinja2, ...) are left out; see the description.
    for (const a of ACTIONS.filter((x) => x.contentType === d.contentType && x.run)) {
      const path = a.detail ? `/api/${e.app}/${e.path}/{id}/${a.name}/` : `/api/${e.app}/${e.path}/${a.name}/`;
      paths[path] = {
        [a.method.toLowerCase()]: op(a.name.replace(/-/g, '_'), `${titleCase(a.name.replace(/-/g, ' '))} of a ${d.verboseName}`, {
          ...(a.detail ? { parameters: [idParam] } : {}),
          responses: a.responses
            ? { ...Object.fromEntries(Object.entries(a.responses).map(([code, text]) => [code, Number(code) < 300 ? { description: text, ...(code === '204' ? {} : json({})) } : problem(text)])), ...denied, ...(a.detail ? notFound : {}) }
            : { 200: { description: 'OK', ...json({}) }, ...denied, ...(a.detail ? notFound : {}), 501: problem('Needs a system PeerGate does not run') },
        }),
      };
    }
  }
  paths['/api/status/'] = { get: { operationId: 'status', tags: ['status'], summary: 'Versions and workers', responses: { 200: { description: 'Versions and workers', ...json({ type: 'object' }) }, ...denied } } };
  // Only the nested shapes some relation uses (a model nothing points at has none).
  const text = JSON.stringify(paths) + JSON.stringify(schemas);
  for (const name of Object.keys(schemas)) if (name.startsWith('Nested') && !text.includes(`"#/components/schemas/${name}"`)) delete schemas[name];
  const unavailable = ACTIONS.filter((a) => !a.run).map((a) => `\`${a.method} …/${a.detail ? '{id}/' : ''}${a.name}/\` (${modelByContentType(a.contentType)?.verboseNamePlural ?? a.contentType})`);
  cached = {
    openapi: '3.0.3',
    info: {
      title: 'PeerGate — Peering Manager compatible REST API',
      version: API_VERSION,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      description: 'Every request is translated to PeerGate\'s GraphQL API (/graphql).\n\n'
        + 'Peering Manager actions that need systems PeerGate does not run (NAPALM, IRR queries, IX-API, NetBox, data sources; the PeeringDB cache beyond update-local) '
        + `answer 501 with a detail saying why and are not listed here: ${unavailable.join(', ')}.`,
    },
    paths,
    components: { schemas: { ...schemas, ...errorSchemas }, securitySchemes: { tokenAuth: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Token <40 hex characters>`' } } },
    security: [{ tokenAuth: [] }, {}],
  };
  return cached;
}

/** The document as served: `servers` names the origin the client reached. */
export function servedOpenApiDocument(origin: string): Schema {
  const doc = openApiDocument();
  return { openapi: doc.openapi, info: doc.info, servers: [{ url: origin, description: 'This PeerGate' }], ...doc };
}
