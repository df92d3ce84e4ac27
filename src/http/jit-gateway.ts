// Apollo Server runs operations itself unless a gateway supplies the executor; this "gateway"
// is the one local schema and ../graphql/compiled-execution. Apollo still parses, validates,
// runs every plugin hook (limits, metrics) and formats errors; only execution is ours.
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { CompiledExecution } from '../graphql/compiled-execution';
import type { GqlContext } from '../graphql/context';

type Gateway = ApolloServerOptionsWithGateway<GqlContext>['gateway'];
type SchemaListener = Parameters<Gateway['onSchemaLoadOrUpdate']>[0];

export function localGateway(schema: GraphQLSchema, execution: CompiledExecution): Gateway {
  const listeners = new Set<SchemaListener>();
  return {
    onSchemaLoadOrUpdate(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    async load() {
      // The schema never changes while the process runs: Apollo hears of it once.
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl: '' });
      return {
        executor: (rc) => execution.execute({
          document: rc.document, source: rc.source, operationName: rc.request.operationName,
          variableValues: rc.request.variables, contextValue: rc.context,
        }),
      };
    },
    async stop() { listeners.clear(); },
  };
}
