// Builds the one executable schema every surface runs against.
import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import { printSchema, lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import '../domain';
import { allModels } from '../domain/model';
import { modelResolver, resolveDirectly } from './resolvers';
import { exposeModelTypes } from './model-types';
import { SystemResolver } from './system';
import { InventoryResolver } from './inventory';
import { PeeringDBResolver } from './peeringdb';
import { ASPeeringDBResolver, IXPeeringDBResolver, SessionPeeringDBResolver } from './peeringdb-features';
import { BgpResolver } from '../bgp/resolvers';
import { TemplateRenderResolver } from '../workflows/templates/resolver';
import { exportListResolver } from '../workflows/templates/export-list';
import { NetworkEmailResolver } from '../workflows/templates/network-email';
import { SessionPasswordResolver } from '../workflows/session-passwords';
import { PollingResolver } from '../workflows/polling/resolver';
import { ImportSessionsResolver } from '../workflows/import-sessions/resolver';
import { PreferencesResolver } from './preferences';
import { refuseNulInArguments } from './nul-arguments';
import { handCompiledValuesThrough } from './read-compiler';
import { InternetExchangePeeringDBActionsResolver, SharedWithAffiliatedResolver } from '../workflows/peeringdb-actions';
import type { EventBus } from '../events/bus';
import { InProcessBus } from '../events/bus';

let resolvers: Function[] | null = null;

/** Resolver classes are generated once per process; schemas may be built many times. */
function allResolvers(): Function[] {
  resolvers ??= [...allModels().map(modelResolver), ...allModels().map(exportListResolver), SystemResolver, BgpResolver, PeeringDBResolver, ASPeeringDBResolver, IXPeeringDBResolver, SessionPeeringDBResolver, InventoryResolver, SessionPasswordResolver, PreferencesResolver, TemplateRenderResolver, NetworkEmailResolver, SharedWithAffiliatedResolver, InternetExchangePeeringDBActionsResolver, PollingResolver, ImportSessionsResolver];
  return resolvers;
}

export async function makeSchema(bus: EventBus): Promise<GraphQLSchema> {
  exposeModelTypes();
  const schema = await buildSchema({
    resolvers: allResolvers() as any,
    pubSub: bus.pubSub as any,
    validate: false,
    emitSchemaFile: false,
  });
  // type-graphql names the root types but takes no description for them.
  for (const [type, description] of ROOT_DESCRIPTIONS) {
    const t = type === 'Query' ? schema.getQueryType() : type === 'Mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (t) t.description = description;
  }
  resolveDirectly(schema);
  // PostgreSQL text cannot hold U+0000: refused once here, for every surface (wrapping the resolvers above).
  refuseNulInArguments(schema);
  handCompiledValuesThrough(schema);
  return schema;
}

const ROOT_DESCRIPTIONS = [
  ['Query', 'Reads: one object by id, or a filtered, ordered page of a model; live BGP state'],
  ['Mutation', 'Writes: create, update, replace and delete per model (bulk forms all or none); BGP and PeeringDB operations'],
  ['Subscription', 'Live events over graphql-ws: object changes, BGP session states, jobs'],
] as const;

/** The SDL checked in at schema/schema.graphql. */
export async function schemaSdl(): Promise<string> {
  const schema = await makeSchema(new InProcessBus());
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
