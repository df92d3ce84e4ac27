// Secret fields (session passwords, API secrets) are shown only to callers that may write.
import type { MiddlewareFn } from 'type-graphql';
import type { GqlContext } from './context';

export const hideSecretFromReaders: MiddlewareFn<GqlContext> = async ({ context }, next) =>
  (context?.caller?.canWrite ? next() : null);
