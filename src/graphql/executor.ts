// Runs GraphQL documents for callers inside the process (the REST dialects):
// parsed and validated once per document text, then executed per request.
import { execute, parse, validate, specifiedRules, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { GqlContext } from './context';

export class Executor {
  private documents = new Map<string, DocumentNode>();

  constructor(readonly schema: GraphQLSchema) {}

  /** A parsed and validated document, cached by its text. Errors here are programming errors. */
  document(source: string): DocumentNode {
    let doc = this.documents.get(source);
    if (!doc) {
      doc = parse(source);
      const errors = validate(this.schema, doc, specifiedRules);
      if (errors.length) throw new Error(`Invalid internal GraphQL document: ${errors.map((e) => e.message).join('; ')}\n${source}`);
      this.documents.set(source, doc);
    }
    return doc;
  }

  async run(source: string, variables: Record<string, unknown>, ctx: GqlContext): Promise<ExecutionResult> {
    return execute({ schema: this.schema, document: this.document(source), variableValues: variables, contextValue: ctx });
  }
}
