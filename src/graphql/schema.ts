// Builds the one executable schema every surface runs against.
import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import { printSchema, lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import '../domain';
import { allModels } from '../domain/model';
import { modelResolver } from './resolvers';
import { SystemResolver } from './system';
import { InventoryResolver } from '../domain/inventory/resolver';
import { PeeringDBResolver } from '../domain/peeringdb/resolver';
import { ASPeeringDBResolver, IXPeeringDBResolver, SessionPeeringDBResolver } from '../domain/peeringdb/peering-manager';
import { BgpResolver } from '../bgp/resolvers';
import type { EventBus } from '../events/bus';
import { InProcessBus } from '../events/bus';

let resolvers: Function[] | null = null;

/** Resolver classes are generated once per process; schemas may be built many times. */
function allResolvers(): Function[] {
  resolvers ??= [...allModels().map(modelResolver), SystemResolver, BgpResolver, PeeringDBResolver, ASPeeringDBResolver, IXPeeringDBResolver, SessionPeeringDBResolver, InventoryResolver];
  return resolvers;
}

export async function makeSchema(bus: EventBus): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: allResolvers() as any,
    pubSub: bus.pubSub as any,
    validate: false,
    emitSchemaFile: false,
  });
}

/** The SDL checked in at schema/schema.graphql. */
export async function schemaSdl(): Promise<string> {
  const schema = await makeSchema(new InProcessBus());
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
