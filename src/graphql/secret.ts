// Secret fields (session passwords, API secrets) are shown only to callers that may write their model.
import type { MiddlewareFn } from 'type-graphql';
import { canSeeSecrets } from '../domain/access';
import { describe } from '../domain/model';
import type { GqlContext } from './context';

export const hideSecretFromReaders: MiddlewareFn<GqlContext> = async ({ root, context }, next) =>
  (context?.caller && root && canSeeSecrets(context.caller, describe(root.constructor)) ? next() : null);
