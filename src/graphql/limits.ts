// Bounded work per request: document size, parser tokens, depth, complexity and
// LOGIN_REQUIRED, checked before anything runs, the same on every transport (HTTP,
// graphql-ws and the in-process executor of the REST dialects).
import {
  GraphQLError, Kind, parse, specifiedRules, isObjectType, isInterfaceType, isInputObjectType, isEnumType, isAbstractType, isWrappingType,
  type ASTVisitor, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type GraphQLType, type OperationDefinitionNode,
  type SelectionSetNode, type ValidationContext, type ValidationRule, type ValueNode, type ParseOptions,
} from 'graphql';
import type { Config } from '../config';

export interface Limits {
  maxDepth: number;
  maxComplexity: number;
  defaultPage: number;
  maxPage: number;
  /** Lexer tokens per document (graphql's `maxTokens`); 0: no limit. */
  maxTokens: number;
  /** Bytes of document text (UTF-8); 0: no limit. */
  maxDocumentBytes: number;
}

export function limitsFrom(config: Config): Limits {
  return {
    maxDepth: config.graphqlMaxDepth, maxComplexity: config.graphqlMaxComplexity, defaultPage: config.paginateCount,
    maxPage: config.maxPageSize, maxTokens: config.graphqlMaxTokens, maxDocumentBytes: config.graphqlMaxDocumentBytes,
  };
}

/** Options for graphql's parse(): the lexer stops after maxTokens, so a huge document costs little. */
export function parseOptions(limits: Limits): ParseOptions {
  return limits.maxTokens > 0 ? { maxTokens: limits.maxTokens } : {};
}

/** A document over the byte limit, refused before the lexer sees it; null when it fits. */
export function documentTooLarge(source: string, limits: Limits): GraphQLError | null {
  // Bytes are never fewer than UTF-16 units, so the length is a cheap lower bound first.
  if (limits.maxDocumentBytes <= 0 || source.length <= limits.maxDocumentBytes / 3) return null;
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes <= limits.maxDocumentBytes) return null;
  return new GraphQLError(`Document of ${bytes} bytes exceeds the maximum of ${limits.maxDocumentBytes}.`, { extensions: { code: 'QUERY_TOO_LARGE' } });
}

/** Parses under the byte and token limits; a refusal is a GraphQLError with code QUERY_TOO_LARGE. */
export function parseLimited(source: string, limits: Limits): DocumentNode {
  const tooLarge = documentTooLarge(source, limits);
  if (tooLarge) throw tooLarge;
  try {
    return parse(source, parseOptions(limits));
  } catch (e) {
    if (e instanceof GraphQLError && isTokenLimit(e.message)) {
      throw new GraphQLError(tokenLimitMessage(limits), { extensions: { code: 'QUERY_TOO_LARGE' } });
    }
    throw e;
  }
}

/** The codes Apollo gives parse and validation errors, for transports that run graphql themselves. */
export function withCode(errors: readonly GraphQLError[], code: string): GraphQLError[] {
  return errors.map((e) => (e.extensions?.code ? e : new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, originalError: e.originalError, extensions: { ...e.extensions, code } })));
}

/** graphql's own message for maxTokens ("Document contains more that N tokens", sic). */
export function isTokenLimit(message: string): boolean {
  return /^Syntax Error: Document contains more tha[nt] \d+ tokens/.test(message);
}

export function tokenLimitMessage(limits: Limits): string {
  return `Document exceeds the maximum of ${limits.maxTokens} tokens.`;
}

function intArg(value: ValueNode | undefined, variables: Record<string, unknown>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables[value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

/**
 * Cost: one per field; a list field with a `limit` argument multiplies what it
 * contains by that limit (or by the default page size). Aliases count each time.
 * Each list also costs LIST_QUERY_COST once, not multiplied: it is at least one SQL
 * round trip (nested lists are batched by loaders), so a document of hundreds of
 * aliased lists is refused even when each asks for little.
 */
export const LIST_QUERY_COST = 100;

/**
 * Introspection answers come from the schema, so their lists are costed at this
 * schema's real sizes: `types` at the number of types; a type's fields, input
 * fields, enum values, interfaces and possible types at their mean over all types
 * (their sum is then exact for `types { ... }`, which is how GraphiQL asks), or at
 * their maximum under one named type (`__type(name:)`, `queryType`, ...), which may
 * be the largest; `ofType` at the share of type references wrapped that deep (a
 * deeper `ofType` is null). No list costs LIST_QUERY_COST: nothing reaches SQL.
 */
interface SchemaSizes {
  types: number; directives: number;
  mean: Record<string, number>; max: Record<string, number>;
  /** wrapped[k]: share of type references wrapped at least k deep (k >= 1). */
  wrapped: number[];
}

const sizesCache = new WeakMap<GraphQLSchema, SchemaSizes>();

function schemaSizes(schema: GraphQLSchema): SchemaSizes {
  let s = sizesCache.get(schema);
  if (s) return s;
  const types = Object.values(schema.getTypeMap());
  const sum: Record<string, number> = { fields: 0, inputFields: 0, enumValues: 0, interfaces: 0, possibleTypes: 0, args: 0 };
  const max: Record<string, number> = { fields: 0, inputFields: 0, enumValues: 0, interfaces: 0, possibleTypes: 0, args: 0 };
  const add = (k: string, n: number) => { sum[k] += n; max[k] = Math.max(max[k], n); };
  const wrapCounts: number[] = [];
  let refs = 0;
  let fieldCount = 0;
  const ref = (t: GraphQLType) => {
    refs++;
    let d = 0;
    for (let u: GraphQLType = t; isWrappingType(u); u = u.ofType) wrapCounts[++d] = (wrapCounts[d] ?? 0) + 1;
  };
  for (const t of types) {
    if (isObjectType(t) || isInterfaceType(t)) {
      const fields = Object.values(t.getFields());
      add('fields', fields.length);
      add('interfaces', t.getInterfaces().length);
      for (const f of fields) { fieldCount++; add('args', f.args.length); ref(f.type); for (const a of f.args) ref(a.type); }
    }
    if (isInputObjectType(t)) {
      const fields = Object.values(t.getFields());
      add('inputFields', fields.length);
      for (const f of fields) ref(f.type);
    }
    if (isEnumType(t)) add('enumValues', t.getValues().length);
    if (isAbstractType(t)) add('possibleTypes', schema.getPossibleTypes(t).length);
  }
  for (const d of schema.getDirectives()) { max.args = Math.max(max.args, d.args.length); for (const a of d.args) ref(a.type); }
  const mean: Record<string, number> = {};
  for (const k of Object.keys(sum)) mean[k] = sum[k] / Math.max(1, k === 'args' ? fieldCount : types.length);
  const wrapped = wrapCounts.map((n) => (n ?? 0) / Math.max(1, refs));
  s = { types: types.length, directives: schema.getDirectives().length, mean, max, wrapped };
  sizesCache.set(schema, s);
  return s;
}

/** Introspection fields that return a named type (whose `ofType` is null) or one chosen by name. */
const NAMED_ROOTS = new Set(['__type', 'queryType', 'mutationType', 'subscriptionType']);
const NAMED_REFS = new Set(['types', 'interfaces', 'possibleTypes']);
const INTROSPECTION_LISTS = new Set(['fields', 'inputFields', 'enumValues', 'interfaces', 'possibleTypes', 'args']);
/** Beyond any real wrapping depth: `ofType` there is null. */
const NAMED = 99;

interface Measure { cost: number; lists: number; depth: number }

/**
 * Where a selection set sits: ordinary fields, or inside introspection, where the
 * cost of a list depends on whether its owner is one named type (`one`) and how
 * deep in an `ofType` chain it is (`chain`).
 */
interface Where { intro: boolean; one: boolean; chain: number }
const ORDINARY: Where = { intro: false, one: false, chain: 0 };

export interface OperationCost { depth: number; complexity: number }

/**
 * Depth and complexity of every operation of a document, in one pass over it:
 * each fragment is measured once per place kind (memoized), so a fragment spread
 * twice at each of 23 levels costs 23 measurements, not 2^23. Cycles are refused by
 * graphql's NoFragmentCyclesRule; here they only stop the recursion.
 */
export function measureDocument(schema: GraphQLSchema, document: DocumentNode, limits: Limits, variables: Record<string, unknown>): Map<OperationDefinitionNode, OperationCost> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const memo = new Map<string, Measure>();
  const pending = new Set<string>();
  let sizes: SchemaSizes | null = null;
  const zero: Measure = { cost: 0, lists: 0, depth: 0 };

  // Does this selection set (through fragments) select `items` or `totalCount`: a paginated list.
  const pageMemo = new Map<string, boolean>();
  const selectsPage = (set: SelectionSetNode | undefined, seen: Set<string>): boolean => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) { if (sel.name.value === 'items' || sel.name.value === 'totalCount') return true; }
      else if (sel.kind === Kind.INLINE_FRAGMENT) { if (selectsPage(sel.selectionSet, seen)) return true; }
      else {
        const name = sel.name.value;
        let v = pageMemo.get(name);
        if (v === undefined) {
          if (seen.has(name)) continue;
          seen.add(name);
          v = selectsPage(fragments.get(name)?.selectionSet, seen);
          pageMemo.set(name, v);
        }
        if (v) return true;
      }
    }
    return false;
  };

  const introField = (name: string, where: Where): { mult: number; inner: Where } => {
    sizes ??= schemaSizes(schema);
    if (name === 'types') return { mult: sizes.types, inner: { intro: true, one: false, chain: NAMED } };
    if (name === 'directives') return { mult: sizes.directives, inner: { intro: true, one: false, chain: NAMED } };
    if (NAMED_ROOTS.has(name)) return { mult: 1, inner: { intro: true, one: true, chain: NAMED } };
    if (name === 'type') return { mult: 1, inner: { intro: true, one: false, chain: 0 } };
    if (name === 'ofType') return { mult: sizes.wrapped[where.chain + 1] ?? 0, inner: { intro: true, one: false, chain: where.chain + 1 } };
    if (INTROSPECTION_LISTS.has(name)) {
      const mult = where.one ? sizes.max[name] : sizes.mean[name];
      // Fields of one named type keep `one` for their args; a referenced type is any type.
      return { mult, inner: { intro: true, one: where.one && !NAMED_REFS.has(name), chain: NAMED } };
    }
    return { mult: 1, inner: where };
  };

  const measure = (set: SelectionSetNode | undefined, where: Where): Measure => {
    let cost = 0;
    let lists = 0;
    let depth = 0;
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (name === '__typename') { cost += 1; depth = Math.max(depth, 1); continue; }
        if (where.intro || name === '__schema' || name === '__type') {
          const { mult, inner } = introField(name, where.intro ? where : { intro: true, one: false, chain: NAMED });
          const m = sel.selectionSet && mult > 0 ? measure(sel.selectionSet, inner) : zero;
          cost += 1 + mult * m.cost;
          // Depth stops at the introspection root: its fan-out is costed above, and
          // getIntrospectionQuery() nests `ofType` deeper than any ordinary limit.
          depth = Math.max(depth, 1);
          continue;
        }
        const limitArg = sel.arguments?.find((a) => a.name.value === 'limit');
        // Our paginated lists are the fields that take `limit` or select `items` or `totalCount`.
        const isList = !!limitArg || selectsPage(sel.selectionSet, new Set());
        let mult = 1;
        if (isList) {
          const n = intArg(limitArg?.value, variables);
          mult = n === undefined ? limits.defaultPage : n <= 0 ? limits.maxPage || 10_000 : n;
        }
        const m = sel.selectionSet ? measure(sel.selectionSet, ORDINARY) : zero;
        cost += 1 + mult * m.cost;
        lists += m.lists + (isList ? 1 : 0);
        depth = Math.max(depth, 1 + m.depth);
      } else {
        let m: Measure;
        if (sel.kind === Kind.INLINE_FRAGMENT) m = measure(sel.selectionSet, where);
        else {
          const name = sel.name.value;
          const key = `${name}\u0000${where.intro ? 1 : 0}${where.one ? 1 : 0}${where.chain}`;
          const known = memo.get(key);
          if (known) m = known;
          else if (pending.has(key)) m = zero; // a cycle: reported by NoFragmentCyclesRule
          else {
            pending.add(key);
            m = measure(fragments.get(name)?.selectionSet, where);
            pending.delete(key);
            memo.set(key, m);
          }
        }
        cost += m.cost; lists += m.lists; depth = Math.max(depth, m.depth);
      }
    }
    return { cost, lists, depth };
  };

  const out = new Map<OperationDefinitionNode, OperationCost>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const m = measure(def.selectionSet, ORDINARY);
    out.set(def, { depth: m.depth, complexity: Math.ceil(m.cost + m.lists * LIST_QUERY_COST) });
  }
  return out;
}

/** Depth and complexity refusals for a document, with the request's variables. */
export function checkCost(schema: GraphQLSchema, document: DocumentNode, limits: Limits, variables: Record<string, unknown>): GraphQLError[] {
  const errors: GraphQLError[] = [];
  for (const [node, { depth, complexity }] of measureDocument(schema, document, limits, variables)) {
    if (depth > limits.maxDepth) {
      errors.push(new GraphQLError(`Query depth ${depth} exceeds the maximum of ${limits.maxDepth}.`, { nodes: [node], extensions: { code: 'QUERY_TOO_DEEP' } }));
    }
    if (complexity > limits.maxComplexity) {
      errors.push(new GraphQLError(`Query complexity ${complexity} exceeds the maximum of ${limits.maxComplexity}.`, { nodes: [node], extensions: { code: 'QUERY_TOO_COMPLEX' } }));
    }
  }
  return errors;
}

export const LOGIN_REQUIRED_MESSAGE = 'Authentication credentials were not provided.';

/**
 * With LOGIN_REQUIRED, an anonymous caller may not introspect either: root `__schema`,
 * `__type` and `__typename` never reach a resolver, so the resolvers' guard cannot
 * refuse them. Ordinary root fields are refused by their resolvers as before.
 */
export function checkLogin(document: DocumentNode, anonymousRefused: boolean): GraphQLError[] {
  if (!anonymousRefused) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const seen = new Set<string>();
  const meta = (set: SelectionSetNode | undefined): boolean => (set?.selections ?? []).some((sel) => {
    if (sel.kind === Kind.FIELD) return sel.name.value.startsWith('__');
    if (sel.kind === Kind.INLINE_FRAGMENT) return meta(sel.selectionSet);
    if (seen.has(sel.name.value)) return false;
    seen.add(sel.name.value);
    return meta(fragments.get(sel.name.value)?.selectionSet);
  });
  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION && meta(def.selectionSet)) {
      return [new GraphQLError(LOGIN_REQUIRED_MESSAGE, { nodes: [def], extensions: { code: 'UNAUTHENTICATED' } })];
    }
  }
  return [];
}

export interface RequestLimits {
  limits: Limits;
  variables: Record<string, unknown>;
  /** LOGIN_REQUIRED is on and the caller is anonymous. */
  anonymousRefused: boolean;
}

/**
 * The per-request rules (they read the request's variables and caller), as validation
 * rules. Every transport takes its rules from here or from validationRules() below.
 */
export function requestRules(r: RequestLimits): ValidationRule[] {
  return [(context: ValidationContext): ASTVisitor => ({
    Document(node) {
      for (const e of checkLogin(node, r.anonymousRefused)) context.reportError(e);
      for (const e of checkCost(context.getSchema(), node, r.limits, r.variables)) context.reportError(e);
    },
  })];
}

/** graphql's specified rules and the per-request rules: all a transport that validates itself needs. */
export function validationRules(r: RequestLimits): ValidationRule[] {
  return [...specifiedRules, ...requestRules(r)];
}
