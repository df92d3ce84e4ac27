// PeeringDB lists (`/api/<tag>?...`) as GraphQL documents on the read-compiled path: the query
// string becomes the list field's filter, ordering and paging (./query.ts), `depth` the selection
// (./shape.ts).
import { pdbDescriptor, type PdbTag } from '../../src/domain/peeringdb/tags';
import { fieldName } from '../../src/graphql/resolvers';
import type { GqlContext } from '../../src/graphql/context';
import type { RunningApp } from '../../src/http/app';
import { objectSelection, renderObject } from './shape';
import { setsWhole } from './detail';
import { fromGraphql } from './graphql-errors';
import { PdbError } from './errors';
import { DEPTH_ROW_LIMIT, translate } from './query';

export { DEPTH_ROW_LIMIT, refuseNul } from './query';

type Obj = Record<string, unknown>;

/** `meta.pagination` of a page-based list (`page`, `per_page`). */
export interface Pagination {
  count: number; has_next: boolean; has_previous: boolean; next: number | null; previous: number | null;
  page: number; per_page: number; total_pages: number;
}

export interface ListResult { data: Obj[]; truncated?: string; pagination?: Pagination }

const documents = new Map<string, { text: string; root: string }>();

function documentFor(tag: PdbTag, depth: number, count: boolean): { text: string; root: string } {
  const key = `${tag}|${depth}|${count}`;
  let doc = documents.get(key);
  if (!doc) {
    const d = pdbDescriptor(tag);
    const root = fieldName(d.plural);
    doc = {
      root,
      text: `query($filter: ${d.name}Filter, $ordering: [String!], $limit: Int, $offset: Int) {
  ${root}(filter: $filter, ordering: $ordering, limit: $limit, offset: $offset) { ${count ? 'totalCount ' : ''}items ${objectSelection(tag, depth, false)} } }`,
    };
    documents.set(key, doc);
  }
  return doc;
}

/** Django's paginator: at least one (possibly empty) page; a page past the last is a 404. */
export function pagination(count: number, at: { page: number; perPage: number }): Pagination {
  const totalPages = Math.max(1, Math.ceil(count / at.perPage));
  if (at.page > totalPages) throw new PdbError(404, 'Invalid page.');
  const hasNext = at.page < totalPages;
  const hasPrevious = at.page > 1;
  return {
    count, has_next: hasNext, has_previous: hasPrevious, next: hasNext ? at.page + 1 : null, previous: hasPrevious ? at.page - 1 : null,
    page: at.page, per_page: at.perPage, total_pages: totalPages,
  };
}

/** The list through GraphQL. */
export async function compiledList(running: RunningApp, ctx: GqlContext, tag: PdbTag, params: URLSearchParams): Promise<ListResult> {
  const q = translate(tag, params);
  const doc = documentFor(tag, q.depth, !!q.page);
  // limit 0 is PeeringDB's "no limit": GraphQL's "the largest page", which the dialect's context leaves unbounded.
  const r = await running.executor.run(doc.text, { filter: q.filter, ordering: q.ordering, limit: q.limit, offset: q.offset }, setsWhole(ctx));
  if (r.errors?.length) throw fromGraphql(r.errors[0]);
  const page = (r.data as any)[doc.root] as { totalCount?: number; items: Obj[] };
  let items = page.items;
  let truncated: string | undefined;
  if (q.depth > 0 && !q.page && items.length > DEPTH_ROW_LIMIT) {
    items = items.slice(0, DEPTH_ROW_LIMIT);
    truncated = `Your search query (with depth ${q.depth}) returned more than ${DEPTH_ROW_LIMIT} rows and has been truncated. Please be more specific in your filter settings or use depth=0 instead`;
  }
  return {
    data: items.map((o) => renderObject(tag, o as Record<string, any>, q.depth, false)),
    truncated,
    pagination: q.page && pagination(page.totalCount ?? 0, q.page),
  };
}
