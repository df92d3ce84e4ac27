// The caller's own preferences as GraphQL operations (spec pm-workflows §7); the store and its
// deep merge are in src/domain/users/preferences.ts.
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { GqlContext } from './context';
import { AuthError } from '../domain/errors';
import type { CallerUser } from '../domain/users/caller';
import { mergePreferences, preferencesOf, type Preferences } from '../domain/users/preferences';
import { requireRead, requireWrite, NO_CREDENTIALS } from './guards';
import { JSONScalar } from './scalars';

/** The signed-in user; preferences belong to a person, so anonymous callers have none. */
function signedIn(ctx: GqlContext): CallerUser {
  requireRead(ctx);
  const user = ctx.caller.user;
  if (!user) throw new AuthError('UNAUTHENTICATED', NO_CREDENTIALS);
  return user;
}

@Resolver()
export class PreferencesResolver {
  @Query(() => JSONScalar, { description: 'The caller\'s own preferences (Peering Manager\'s userpref), e.g. {"context": {"as": 3}, "pagination": {"per_page": 50}}' })
  async myPreferences(@Ctx() ctx: GqlContext): Promise<Preferences> {
    return preferencesOf(ctx.em, signedIn(ctx).id);
  }

  @Mutation(() => JSONScalar, { description: 'Deep-merges an object into the caller\'s own preferences (objects merge, lists and scalars replace, nothing is deleted); returns the whole result.' })
  async updateMyPreferences(@Arg('preferences', () => JSONScalar, { description: 'The keys to set, as an object' }) preferences: unknown, @Ctx() ctx: GqlContext): Promise<Preferences> {
    const user = signedIn(ctx);
    requireWrite(ctx);
    return mergePreferences(ctx.em, user.id, preferences);
  }
}
