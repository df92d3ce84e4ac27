// Which fields a query selects, so heavy columns and counts are only read when asked.
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

function collect(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: Set<string>, deep: boolean): void {
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD) {
      out.add(sel.name.value);
      if (deep && sel.name.value === 'items') collect(sel.selectionSet, info, out, false);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      collect(sel.selectionSet, info, out, deep);
    } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      collect(info.fragments[sel.name.value]?.selectionSet, info, out, deep);
    }
  }
}

/** Field names selected under the current field (and under its `items` when deep). */
export function selectedFields(info: GraphQLResolveInfo, deep = true): Set<string> {
  const out = new Set<string>();
  for (const node of info.fieldNodes) collect(node.selectionSet, info, out, deep);
  return out;
}
