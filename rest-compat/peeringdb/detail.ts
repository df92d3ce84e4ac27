// One PeeringDB object by id (`/api/<tag>/<id>`) as a GraphQL document on the read-compiled path:
// the type's list field filtered to the id and to live or pending rows, its sets to `depth` and
// its parents selected by ./shape.ts. The caller's read grant of every model reached is the
// executor's (private contacts stay hidden as GraphQL hides them).
import { fieldName } from '../../src/graphql/resolvers';
import type { GqlContext } from '../../src/graphql/context';
import type { RunningApp } from '../../src/http/app';
import { pdbDescriptor, type PdbTag } from '../../src/domain/peeringdb/tags';
import { objectSelection, renderObject } from './shape';
import { fromGraphql } from './graphql-errors';

/** A PeeringDB object's sets are never cut: each set lists every live child. */
const WHOLE_SETS = 2147483647;

const documents = new Map<string, { text: string; root: string }>();

function documentFor(tag: PdbTag, depth: number): { text: string; root: string } {
  const key = `${tag}|${depth}`;
  let doc = documents.get(key);
  if (!doc) {
    const d = pdbDescriptor(tag);
    const root = fieldName(d.plural);
    doc = { root, text: `query($filter: ${d.name}Filter) { ${root}(filter: $filter, limit: 1) { items ${objectSelection(tag, depth, depth >= 1)} } }` };
    documents.set(key, doc);
  }
  return doc;
}

/** The context a dialect read runs in: sets read whole (the nested lists' cap is the page size's). */
export function setsWhole(ctx: GqlContext): GqlContext {
  return { ...ctx, config: { ...ctx.config, maxPageSize: WHOLE_SETS } };
}

/** The object (ok or pending) with its sets to `depth` and, at depth >= 1, its parents; null when none the caller may read. */
export async function detail(running: RunningApp, ctx: GqlContext, tag: PdbTag, id: number, depth: number): Promise<Record<string, unknown> | null> {
  const doc = documentFor(tag, depth);
  const r = await running.executor.run(doc.text, { filter: { id: { exact: [id] }, status: { exact: ['ok', 'pending'] } } }, setsWhole(ctx));
  if (r.errors?.length) throw fromGraphql(r.errors[0]);
  const item = (r.data as any)[doc.root].items[0];
  return item ? renderObject(tag, item, depth, depth >= 1) : null;
}
