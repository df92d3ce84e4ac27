// GET /<resource>/query/?query=...&unique=true: the set query runs in SQL as the
// models' `setQuery` filter; here only NSoT's checks and error texts are added.
import { setQueryNames } from '../../src/domain/inventory/set-query';
import { ValidationError } from '../../src/domain/errors';
import { badRequest } from './errors';
import { run, send, type Call } from './call';
import { fetchPage, listFilter, scoped, sendList } from './read';
import { resource, type Resource } from './resources';
import { parseBool } from '../core/query';

const ATTRS_DOC = `query($filter: AttributeFilter) { attributes(filter: $filter, limit: 0) { items { name } } }`;

export async function setQuery(call: Call, r: Resource): Promise<void> {
  const query = call.params.get('query') ?? '';
  let unique = false;
  try { unique = parseBool(call.params.get('unique') ?? 'false'); } catch { throw badRequest({ unique: 'Must be a valid boolean.' }); }
  let names: string[];
  try { names = setQueryNames(query); } catch (e) {
    if (e instanceof ValidationError) throw badRequest({ query: e.fields.query?.[0] ?? e.message });
    throw e;
  }
  if (!names.length) {
    if (unique) throw badRequest({ query: `Query empty, unable to provide ${r.label}` });
    send(call, 200, call.params.get('limit') !== null ? { count: 0, next: null, previous: null, results: [] } : []);
    return;
  }
  // Every attribute named must exist for this resource type (in the site, when nested).
  const attrs = resource('attributes')!;
  const data = await run(call, ATTRS_DOC, { filter: scoped(call, attrs, { resourceName: { exact: [r.label] }, name: { exact: names } }) }, attrs);
  const known = new Set((data.attributes as any).items.map((a: { name: string }) => a.name));
  const unknown = names.find((n) => !known.has(n));
  if (unknown !== undefined) throw badRequest({ query: `Attribute matching query does not exist: '${unknown}'` });
  const filter = listFilter(call, r, query);
  if (unique) {
    const { count } = await fetchPage(call, r, filter, '{ id }', 1, 0);
    if (count !== 1) throw badRequest({ query: `Query returned ${count} results, but exactly 1 expected` });
  }
  send(call, 200, await sendList(call, r, filter));
}
