// Queries and mutations run as functions graphql-jit compiles once per document (text and
// operation name), kept in a bounded LRU: graphql-js would walk the document, collect fields
// and look up resolvers again on every request. A document is compiled the second time it
// runs (the first runs on graphql-js), so one-off documents never pay for a compilation. Used by Apollo (./jit-gateway) and by the
// dialects' in-process executor (./executor), so both answer alike.
//
// Where graphql-jit would answer differently from graphql-js, the difference is closed here:
// variables graphql-jit refuses are coerced by graphql-js for its errors (its messages are what
// clients and coercionFields read; graphql-jit words some of them differently), graphql-jit's error objects become
// graphql-js GraphQLErrors (Apollo reads `extensions.code` of every error, and graphql-jit
// leaves `extensions` undefined), and documents graphql-jit cannot compile or would run otherwise (introspection,
// several operations without a name, mutations of several root fields) run on graphql-js.
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import {
  execute, getOperationAST, getVariableValues, GraphQLError, Kind, visit, BREAK,
  type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';

export interface ExecutionRequest {
  document: DocumentNode;
  /** The document's text: the cache key. Without it the request runs on graphql-js. */
  source?: string;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
  contextValue: unknown;
}

interface Compiled { query: CompiledQuery; operation: OperationDefinitionNode }
/** A cache entry: compiled; null, runs on graphql-js for good; SEEN_ONCE, not compiled yet. */
type Entry = Compiled | null | typeof SEEN_ONCE;
const SEEN_ONCE = 'seen once';

/** Distinct documents kept compiled: PeerGate's dialects use a few hundred; clients' ad-hoc ones come and go. */
const DEFAULT_CACHE_SIZE = 1000;

export class CompiledExecution {
  /** Insertion order is recency (a hit is moved to the end). */
  private readonly compiled = new Map<string, Entry>();

  constructor(readonly schema: GraphQLSchema, readonly jit = true, private readonly cacheSize = DEFAULT_CACHE_SIZE) {}

  async execute(request: ExecutionRequest): Promise<ExecutionResult> {
    const compiled = this.jit && request.source !== undefined ? this.compiledFor(request.source, request) : null;
    if (!compiled) {
      return execute({
        schema: this.schema, document: request.document, operationName: request.operationName,
        variableValues: request.variableValues, contextValue: request.contextValue,
      });
    }
    const variables = request.variableValues ?? {};
    const result = await compiled.query.query(undefined, request.contextValue, variables);
    if (!result.errors) return result;
    // No data: graphql-jit refused the variables (its coercion accepts nothing graphql-js refuses).
    // The answer is graphql-js's, with its messages and limit, as execute() gives it; coercing
    // every request twice cost a bulk write of 10,000 objects ~75 ms.
    if (!('data' in result) && compiled.operation.variableDefinitions?.length) {
      const coerced = getVariableValues(this.schema, compiled.operation.variableDefinitions, variables, { maxErrors: 50 });
      if (coerced.errors) return { errors: coerced.errors };
    }
    return { ...result, errors: result.errors.map(asGraphqlJsError) };
  }

  /** How many cached documents run compiled (the others fell back to graphql-js). */
  get compiledDocuments(): number {
    let n = 0;
    for (const c of this.compiled.values()) if (c && c !== SEEN_ONCE) n++;
    return n;
  }

  private compiledFor(source: string, request: ExecutionRequest): Compiled | null {
    const key = request.operationName ? `${request.operationName}\0${source}` : source;
    let entry = this.compiled.get(key);
    if (entry === undefined) {
      if (this.compiled.size >= this.cacheSize) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(key, SEEN_ONCE);
      return null;
    }
    if (entry === SEEN_ONCE) entry = this.compile(request.document, request.operationName ?? undefined);
    this.compiled.delete(key);
    this.compiled.set(key, entry);
    return entry;
  }

  private compile(document: DocumentNode, operationName: string | undefined): Compiled | null {
    const operation = getOperationAST(document, operationName);
    if (!operation || operation.operation === 'subscription' || introspects(document)) return null;
    // graphql-jit runs a mutation's later root fields after an earlier non-null one failed (the
    // data is null, yet their writes are done); graphql-js stops there. One root field is safe.
    if (operation.operation === 'mutation' && !singleField(operation)) return null;
    // Path-based @skip/@include: graphql-jit's older handling loses a fragment's fields when the
    // same fragment is spread under different conditions (test/unit/compiled-execution.test.ts).
    const query = compileQuery(this.schema, document, operationName, { useExperimentalPathBasedSkipInclude: true });
    return isCompiledQuery(query) ? { query, operation } : null;
  }
}

/** A selection of one field, not a fragment that may hold several. */
const singleField = (operation: OperationDefinitionNode): boolean =>
  operation.selectionSet.selections.length === 1 && operation.selectionSet.selections[0].kind === Kind.FIELD;

/** graphql-jit resolves fields of the schema's types only, not `__schema` and `__type`. */
function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === '__schema' || node.name.value === '__type') { found = true; return BREAK; }
      return undefined;
    },
  });
  return found;
}

/**
 * The error graphql-js's locatedError would have made: same message, path and locations, the
 * resolver's error as originalError and its extensions (a DomainError's code is found through it).
 */
export function asGraphqlJsError(error: GraphQLError): GraphQLError {
  if (error.constructor === GraphQLError) return error;
  const original = error.originalError;
  const extensions = original && typeof (original as { extensions?: unknown }).extensions === 'object'
    ? (original as GraphQLError).extensions
    : undefined;
  const located = new GraphQLError(error.message, { path: error.path, originalError: original ?? undefined, extensions });
  if (error.locations) (located as { locations?: unknown }).locations = error.locations;
  return located;
}
