// Runs GraphQL documents for callers inside the process (the REST dialects):
// parsed, validated and compiled (./compiled-execution) once per document text, then executed
// per request, with choices in the dialects' stored values (./dialect-values).
import { validate, specifiedRules, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { GqlContext } from './context';
import { CompiledExecution } from './compiled-execution';
import { checkCost, checkLogin, measureDocument, parseLimited, type Limits } from './limits';
import { fromDomainError, withDomainCodes } from './errors';
import { DomainError } from '../domain/errors';
import { storedValuesPlan, toStoredValues, variablesToEnumNames, type StoredValuesPlan } from './dialect-values';

/** `limits`: this document's, its complexity ceiling in place of GRAPHQL_MAX_COMPLEXITY (see cached()). */
interface Cached { document: DocumentNode; limits: Limits; storedValues: StoredValuesPlan | null }

/** Documents kept: the dialects' shapes follow clients' projections (NSoT `fields`, PeeringDB `depth`), so bounded. */
const MAX_DOCUMENTS = 5000;

export class Executor {
  /** Insertion order: the oldest document is dropped first once MAX_DOCUMENTS are kept. */
  private documents = new Map<string, Cached>();

  /** Without limits (tests, tools), documents are only parsed and validated. */
  constructor(
    readonly schema: GraphQLSchema,
    readonly limits: Limits | null = null,
    private readonly execution = new CompiledExecution(schema),
  ) {}

  /**
   * A parsed and validated document, cached by its text. The documents are PeerGate's
   * own, so errors here are programming errors, except a limit refusal (a GraphQLError
   * with a QUERY_TOO_* code), which run() answers as the client's error.
   */
  document(source: string): DocumentNode {
    return this.cached(source).document;
  }

  private cached(source: string): Cached {
    let c = this.documents.get(source);
    if (!c) {
      const limits = this.limits ?? NO_LIMITS;
      const document = parseLimited(source, limits);
      const errors = validate(this.schema, document, specifiedRules);
      if (errors.length) throw new Error(`Invalid internal GraphQL document: ${errors.map((e) => e.message).join('; ')}\n${source}`);
      // The shape is PeerGate's; what a client sets is the page size (`limit` variables), which
      // the dialects keep within MAX_PAGE_SIZE. So this document may cost what it costs with every
      // page at MAX_PAGE_SIZE (a Peering Manager page of 1,000 sessions is ~90,000), or
      // GRAPHQL_MAX_COMPLEXITY if larger, never more: a page size no dialect would pass is refused.
      const fullPage = limits.maxPage || 10_000;
      const everyPageFull = new Proxy({}, { get: () => fullPage }) as Record<string, unknown>;
      let ceiling = limits.maxComplexity;
      for (const cost of measureDocument(this.schema, document, { ...limits, maxComplexity: Infinity }, everyPageFull).values()) {
        if (cost.depth > limits.maxDepth) throw new GraphQLError(`Query depth ${cost.depth} exceeds the maximum of ${limits.maxDepth}.`, { extensions: { code: 'QUERY_TOO_DEEP' } });
        ceiling = Math.max(ceiling, cost.complexity);
      }
      c = { document, limits: { ...limits, maxComplexity: ceiling }, storedValues: storedValuesPlan(this.schema, document) };
      if (this.documents.size >= MAX_DOCUMENTS) this.documents.delete(this.documents.keys().next().value!);
      this.documents.set(source, c);
    }
    return c;
  }

  async run(source: string, variables: Record<string, unknown>, ctx: GqlContext): Promise<ExecutionResult> {
    let c: Cached;
    try {
      c = this.cached(source);
    } catch (e) {
      if (e instanceof GraphQLError) return { errors: [e] };
      throw e;
    }
    const { document } = c;
    if (this.limits) {
      // Per request: the dialects' `limit` variables come from their clients.
      const errors = [
        ...checkLogin(document, ctx.config.loginRequired && !ctx.caller.user),
        ...checkCost(this.schema, document, c.limits, variables),
      ];
      if (errors.length) return { errors };
    }
    let variableValues: Record<string, unknown>;
    try {
      variableValues = variablesToEnumNames(this.schema, document, variables);
    } catch (e) {
      if (e instanceof GraphQLError) return { errors: [e] };
      if (e instanceof DomainError) return { errors: [fromDomainError(e)] };
      throw e;
    }
    const result = withDomainCodes(await this.execution.execute({ document, source, variableValues, contextValue: ctx }));
    if (c.storedValues && result.data) toStoredValues(c.storedValues, result.data);
    return result;
  }
}

const NO_LIMITS: Limits = { maxDepth: Infinity, maxComplexity: Infinity, defaultPage: 50, maxPage: 1000, maxTokens: 0, maxDocumentBytes: 0 };
