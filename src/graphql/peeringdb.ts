// GraphQL operations of the PeeringDB mirror beyond the generated lists: writes with
// PeeringDB's semantics (the /pdb/api/ dialect runs these), keyed by reftag.
import { Arg, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { Job } from '../domain/core/job';
import { requireStaff } from './guards';
import { awaitJob, enqueueSyncJob, SYNC_TIMEOUT_MS } from '../domain/peeringdb/sync-job';
import { JSONScalar } from './scalars';
import type { EntityManager } from '@mikro-orm/core';
import type { GqlContext } from './context';
import { requireWrite } from './guards';
import { ValidationError } from '../domain/errors';
import { mapDbError } from '../domain/crud';
import { pdbType, type PdbTag } from '../domain/peeringdb/tags';
import { pdbCreate, pdbDelete, pdbUpdate } from '../domain/peeringdb/writes';
import { transaction } from '../db/transaction';

function tagArg(tag: string): PdbTag {
  const t = pdbType(tag);
  if (!t) throw new ValidationError({ tag: [`Unknown PeeringDB object type "${tag}".`] });
  return t.tag;
}

function idArg(id: string): number {
  if (!/^\d+$/.test(id) || Number(id) > 2147483647) throw new ValidationError({ id: ['Invalid id'] });
  return Number(id);
}

/** Permission first (arguments are checked inside `fn`): a caller who may not write learns nothing else. */
async function write<T>(ctx: GqlContext, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  requireWrite(ctx);
  try {
    return await transaction(ctx.em, (tem) => fn(tem));
  } catch (e) {
    throw mapDbError(e);
  }
}

@Resolver()
export class PeeringDBResolver {
  @Mutation(() => Int, { description: 'Creates a PeeringDB object (PeeringDB field names in `data`); returns its id.' })
  async peeringdbCreate(@Arg('tag', () => String, { description: 'PeeringDB object type: org, fac, net, ix, ixlan, ixpfx, netixlan, netfac, ixfac, poc, carrier, carrierfac, campus' }) tag: string, @Arg('data', () => JSONScalar, { description: 'Fields by their PeeringDB names' }) data: unknown, @Ctx() ctx: GqlContext): Promise<number> {
    return write(ctx, (em) => pdbCreate(em, tagArg(tag), data));
  }

  @Mutation(() => Int, { description: 'Updates a PeeringDB object with the fields given; returns its id.' })
  async peeringdbUpdate(@Arg('tag', () => String, { description: 'PeeringDB object type: org, fac, net, ix, ixlan, ixpfx, netixlan, netfac, ixfac, poc, carrier, carrierfac, campus' }) tag: string, @Arg('id', () => ID, { description: 'Its PeeringDB id' }) id: string, @Arg('data', () => JSONScalar, { description: 'Fields by their PeeringDB names' }) data: unknown, @Ctx() ctx: GqlContext): Promise<number> {
    return write(ctx, (em) => pdbUpdate(em, tagArg(tag), idArg(id), data));
  }

  @Mutation(() => Int, { description: 'Soft-deletes a PeeringDB object and its dependents (PeeringDB\'s cascade); returns how many rows were marked deleted.' })
  async peeringdbDelete(@Arg('tag', () => String, { description: 'PeeringDB object type: org, fac, net, ix, ixlan, ixpfx, netixlan, netfac, ixfac, poc, carrier, carrierfac, campus' }) tag: string, @Arg('id', () => ID, { description: 'Its PeeringDB id' }) id: string, @Ctx() ctx: GqlContext): Promise<number> {
    return write(ctx, (em) => pdbDelete(em, tagArg(tag), [idArg(id)]));
  }

  @Mutation(() => Job, { description: 'Queues a PeeringDB sync (job peeringdb.synchronise: full load first, then since-based increments); its `data` shows progress, `output` the summary. With wait: true, returns when done.' })
  async syncPeeringdb(
    @Arg('url', () => String, { nullable: true, description: 'Upstream API URL (default: PEERINGDB_URL)' }) url: string | null,
    @Arg('full', () => Boolean, { nullable: true, description: 'Load everything again instead of the changes since the last sync' }) full: boolean | null,
    @Arg('wait', () => Boolean, { nullable: true, description: 'Answer when the sync is done instead of when it starts' }) wait: boolean | null,
    @Arg('apiKey', () => String, { nullable: true, description: 'Upstream API key (default: PEERINGDB_API_KEY); without one, non-public contacts are not mirrored' }) apiKey: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<Job> {
    requireStaff(ctx);
    // Defaults (PEERINGDB_URL, PEERINGDB_API_KEY) are read where the job runs.
    const job = await enqueueSyncJob(ctx.em, ctx.caller.user!.id, { url, full: !!full, apiKey });
    return wait ? awaitJob(ctx.em, job.id, SYNC_TIMEOUT_MS) : job;
  }
}
