// GraphQL operations of the PeeringDB mirror beyond the generated lists: writes with
// PeeringDB's semantics (the /pdb/api/ dialect runs these), keyed by reftag.
import { Arg, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import type { EntityManager } from '@mikro-orm/core';
import type { GqlContext } from '../../graphql/context';
import { requireWrite } from '../../graphql/guards';
import { ValidationError } from '../../graphql/errors';
import { mapDbError } from '../crud';
import { pdbType, type PdbTag } from './tags';
import { pdbCreate, pdbDelete, pdbUpdate } from './writes';

function tagArg(tag: string): PdbTag {
  const t = pdbType(tag);
  if (!t) throw new ValidationError({ tag: [`Unknown PeeringDB object type "${tag}".`] });
  return t.tag;
}

function idArg(id: string): number {
  if (!/^\d+$/.test(id) || Number(id) > 2147483647) throw new ValidationError({ id: ['Invalid id'] });
  return Number(id);
}

async function write<T>(ctx: GqlContext, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  requireWrite(ctx);
  try {
    return await ctx.em.transactional((tem) => fn(tem));
  } catch (e) {
    throw mapDbError(e);
  }
}

@Resolver()
export class PeeringDBResolver {
  @Mutation(() => Int, { description: 'Creates a PeeringDB object (PeeringDB field names in `data`); returns its id.' })
  async peeringdbCreate(@Arg('tag', () => String) tag: string, @Arg('data', () => GraphQLJSON) data: unknown, @Ctx() ctx: GqlContext): Promise<number> {
    const t = tagArg(tag);
    return write(ctx, (em) => pdbCreate(em, t, data));
  }

  @Mutation(() => Int, { description: 'Updates a PeeringDB object with the fields given; returns its id.' })
  async peeringdbUpdate(@Arg('tag', () => String) tag: string, @Arg('id', () => ID) id: string, @Arg('data', () => GraphQLJSON) data: unknown, @Ctx() ctx: GqlContext): Promise<number> {
    const t = tagArg(tag);
    return write(ctx, (em) => pdbUpdate(em, t, idArg(id), data));
  }

  @Mutation(() => Int, { description: 'Soft-deletes a PeeringDB object and its dependents (PeeringDB\'s cascade); returns how many rows were marked deleted.' })
  async peeringdbDelete(@Arg('tag', () => String) tag: string, @Arg('id', () => ID) id: string, @Ctx() ctx: GqlContext): Promise<number> {
    const t = tagArg(tag);
    return write(ctx, (em) => pdbDelete(em, t, [idArg(id)]));
  }
}
