// The GraphQL side of the permission model (src/domain/access.ts): whether a request may read at
// all (LOGIN_REQUIRED), which rows of a model it reads, and whether it may write.
import { AuthError } from '../domain/errors';
import { NO_CREDENTIALS, NO_PERMISSION, readGrant, requireReadGrant, requireWriter, hasRole, toWhere, writeGrant, type WriteAction } from '../domain/access';
import type { ModelDescriptor } from '../domain/model';
import type { GqlContext } from './context';

export { NO_CREDENTIALS, NO_PERMISSION };

export function requireRead(ctx: GqlContext): void {
  if (ctx.caller.error) throw new AuthError('UNAUTHENTICATED', ctx.caller.error);
  if (ctx.config.loginRequired && !ctx.caller.user) throw new AuthError('UNAUTHENTICATED', NO_CREDENTIALS);
}

/** The MikroORM condition on the rows of `d` this request reads (null: all); refuses a caller who reads none. */
export function readScope(ctx: GqlContext, d: ModelDescriptor): Record<string, unknown> | null {
  requireRead(ctx);
  return toWhere(requireReadGrant(ctx.caller, d));
}

/**
 * The rows of `d` a list inside another object shows: the same grant as its root list, but a
 * caller who reads none of them sees an empty list (the object itself was readable).
 */
export function nestedScope(ctx: GqlContext, d: ModelDescriptor): { rows: Record<string, unknown> | null } | null {
  requireRead(ctx);
  const g = readGrant(ctx.caller, d);
  return g.allowed ? { rows: toWhere(g.rows) } : null;
}

export function requireWrite(ctx: GqlContext): void {
  requireWriter(ctx.caller);
}

/** Writes that do not go through the generic store (custom mutations) check the model's rule here. */
export function requireModelWrite(ctx: GqlContext, d: ModelDescriptor, action: WriteAction): void {
  const grant = writeGrant(ctx.caller, d, action);
  if (grant.ownRows.length || grant.fields) throw new AuthError('FORBIDDEN', NO_PERMISSION);
}

/** Staff-only operations (sync jobs). */
export function requireStaff(ctx: GqlContext): void {
  requireWrite(ctx);
  if (!hasRole(ctx.caller, 'staff')) throw new AuthError('FORBIDDEN', NO_PERMISSION);
}
