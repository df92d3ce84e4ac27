// Depth and complexity limits, checked while validating a document, before anything runs.
import {
  GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValueNode,
} from 'graphql';

function intArg(value: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

export interface Limits { maxDepth: number; maxComplexity: number; defaultPage: number; maxPage: number }

/**
 * Cost: one per field; a list field with a `limit` argument multiplies what it
 * contains by that limit (or by the default page size). Aliases count each time.
 * Each list also costs LIST_QUERY_COST once, not multiplied: it is at least one SQL
 * round trip (nested lists are batched by loaders), so a document of hundreds of
 * aliased lists is refused even when each asks for little.
 */
export const LIST_QUERY_COST = 100;

export function limitRules(limits: Limits, variables: () => Record<string, unknown>) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

    const measure = (set: SelectionSetNode | undefined, depth: number, seen: Set<string>): { cost: number; lists: number; depth: number } => {
      let cost = 0;
      let lists = 0;
      let deepest = depth;
      for (const sel of set?.selections ?? []) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith('__')) continue;
          const limitArg = sel.arguments?.find((a) => a.name.value === 'limit');
          // Our paginated lists are the fields that take `limit` or select `items` or `totalCount`.
          const isList = !!limitArg || !!sel.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === 'items' || s.name.value === 'totalCount'));
          let mult = 1;
          if (isList) {
            const n = intArg(limitArg?.value, variables());
            mult = n === undefined ? limits.defaultPage : n === 0 ? limits.maxPage || 10_000 : n;
          }
          const inner = measure(sel.selectionSet, depth + 1, seen);
          cost += 1 + mult * inner.cost;
          lists += inner.lists + (isList ? 1 : 0);
          deepest = Math.max(deepest, inner.depth);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const inner = measure(sel.selectionSet, depth, seen);
          cost += inner.cost; lists += inner.lists; deepest = Math.max(deepest, inner.depth);
        } else {
          const name = sel.name.value;
          if (seen.has(name)) continue; // fragment cycles are reported by graphql's own rules
          const inner = measure(fragments.get(name)?.selectionSet, depth, new Set([...seen, name]));
          cost += inner.cost; lists += inner.lists; deepest = Math.max(deepest, inner.depth);
        }
      }
      return { cost, lists, depth: deepest };
    };

    return {
      OperationDefinition(node) {
        const measured = measure(node.selectionSet, 0, new Set());
        const depth = measured.depth;
        const cost = measured.cost + measured.lists * LIST_QUERY_COST;
        if (depth > limits.maxDepth) {
          context.reportError(new GraphQLError(`Query depth ${depth} exceeds the maximum of ${limits.maxDepth}.`, { nodes: [node], extensions: { code: 'QUERY_TOO_DEEP' } }));
        }
        if (cost > limits.maxComplexity) {
          context.reportError(new GraphQLError(`Query complexity ${cost} exceeds the maximum of ${limits.maxComplexity}.`, { nodes: [node], extensions: { code: 'QUERY_TOO_COMPLEX' } }));
        }
      },
    };
  };
}
