// GraphQL documents for REST operations, one text per (operation, model, selection), built here
// for every dialect. The texts are cached here and the executor caches their parsed, validated
// form, so a REST request costs no parsing or validation after the first of its shape.
import type { ModelDescriptor } from '../../src/domain/model';
import { fieldName } from '../../src/graphql/resolvers';

/**
 * `list` counts (a page with totalCount); `listItems` only lists (every page of a full list);
 * `export` renders the whole filtered list through an export template (`$t`, its name).
 */
export type Operation = 'list' | 'listItems' | 'export' | 'detail' | 'create' | 'createMany' | 'update' | 'replace' | 'updateMany' | 'delete' | 'deleteMany';

export interface Doc { text: string; root: string }

const docs = new Map<string, Doc>();
/** Selections follow clients' projections (`fields=`, `omit=`): past this many shapes the cache starts over. */
const MAX_CACHED = 5000;

function cached(key: string, build: () => Doc): Doc {
  let doc = docs.get(key);
  if (!doc) {
    if (docs.size >= MAX_CACHED) docs.clear();
    doc = build();
    docs.set(key, doc);
  }
  return doc;
}

function build(op: Operation, d: ModelDescriptor, sel: string): Doc {
  const one = fieldName(d.name);
  const many = fieldName(d.plural);
  switch (op) {
    case 'list': case 'listItems':
      return { root: many, text: `query($filter: ${d.name}Filter, $ordering: [String!], $limit: Int, $offset: Int) {
  ${many}(filter: $filter, ordering: $ordering, limit: $limit, offset: $offset) { ${op === 'list' ? 'totalCount ' : ''}items ${sel} } }` };
    case 'export':
      return { root: `export${d.plural}`, text: `query($t: String!, $filter: ${d.name}Filter, $ordering: [String!]) { export${d.plural}(template: $t, filter: $filter, ordering: $ordering) }` };
    case 'detail':
      return { root: one, text: `query($id: ID!) { ${one}(id: $id) ${sel} }` };
    case 'create':
      return { root: `create${d.name}`, text: `mutation($input: ${d.name}CreateInput!) { create${d.name}(input: $input) ${sel} }` };
    case 'createMany':
      return { root: `create${d.plural}`, text: `mutation($inputs: [${d.name}CreateInput!]!) { create${d.plural}(inputs: $inputs) ${sel} }` };
    case 'update':
      return { root: `update${d.name}`, text: `mutation($id: ID!, $input: ${d.name}UpdateInput!) { update${d.name}(id: $id, input: $input) ${sel} }` };
    case 'replace':
      return { root: `replace${d.name}`, text: `mutation($id: ID!, $input: ${d.name}CreateInput!) { replace${d.name}(id: $id, input: $input) ${sel} }` };
    case 'updateMany':
      return { root: `update${d.plural}`, text: `mutation($inputs: [${d.name}BulkUpdateInput!]!) { update${d.plural}(inputs: $inputs) ${sel} }` };
    case 'delete':
      return { root: `delete${d.name}`, text: `mutation($id: ID!) { delete${d.name}(id: $id) }` };
    case 'deleteMany':
      return { root: `delete${d.plural}`, text: `mutation($ids: [ID!]!) { delete${d.plural}(ids: $ids) }` };
  }
}

/** The document of a model operation selecting `selection` (`{ id name }`; none for deletes). */
export function documentFor(op: Operation, d: ModelDescriptor, selection = ''): Doc {
  return cached(`${op}|${d.name}|${selection}`, () => build(op, d, selection));
}

/** `mutation($id: ID!) { <mutation>(id: $id) { id } }`: an action on one object, answering its id. */
export function actionDocument(mutation: string): Doc {
  return cached(`action|${mutation}`, () => ({ root: mutation, text: `mutation($id: ID!) { ${mutation}(id: $id) { id } }` }));
}
