// Read and write permission checks shared by every resolver.
import { AuthError } from './errors';
import type { GqlContext } from './context';

export const NO_CREDENTIALS = 'Authentication credentials were not provided.';
export const NO_PERMISSION = 'You do not have permission to perform this action.';

export function requireRead(ctx: GqlContext): void {
  if (ctx.caller.error) throw new AuthError('UNAUTHENTICATED', ctx.caller.error);
  if (ctx.config.loginRequired && !ctx.caller.user) throw new AuthError('UNAUTHENTICATED', NO_CREDENTIALS);
}

export function requireWrite(ctx: GqlContext): void {
  if (ctx.caller.error) throw new AuthError('UNAUTHENTICATED', ctx.caller.error);
  if (!ctx.caller.user) throw new AuthError('UNAUTHENTICATED', NO_CREDENTIALS);
  if (!ctx.caller.canWrite) throw new AuthError('FORBIDDEN', NO_PERMISSION);
}

/** Staff-only operations (token management of other users, sync jobs). */
export function requireStaff(ctx: GqlContext): void {
  requireWrite(ctx);
  if (!ctx.caller.user?.isStaff && !ctx.caller.user?.isSuperuser) throw new AuthError('FORBIDDEN', NO_PERMISSION);
}
