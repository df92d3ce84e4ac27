// Secret fields (session passwords, API secrets) are shown only to callers that may write their model.
import type { MiddlewareFn } from 'type-graphql';
import { canSeeSecrets } from '../domain/access';
import { describe, modelByTypeName } from '../domain/model';
import type { GqlContext } from './context';

/** An entity names its model by its class; a compiled row (plain JSON) by its GraphQL type. */
const modelOf = (root: object, typeName: string) => (Object.getPrototypeOf(root) === Object.prototype ? modelByTypeName(typeName) : describe(root.constructor));

export const hideSecretFromReaders: MiddlewareFn<GqlContext> = async ({ root, context, info }, next) => {
  const d = context?.caller && root ? modelOf(root, info.parentType.name) : undefined;
  return d && canSeeSecrets(context.caller, d) ? next() : null;
};
