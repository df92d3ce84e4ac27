// Read scopes for account data: no anonymous reads; tokens are the owner's or staff's business.
import { AuthError } from '../../graphql/errors';
import { NO_CREDENTIALS } from '../../graphql/guards';
import type { Caller } from '../../http/auth';

export function authenticatedOnly(caller: Caller): null {
  if (!caller.user) throw new AuthError('UNAUTHENTICATED', NO_CREDENTIALS);
  return null;
}

/** Staff see every row; others only rows whose `field` is themselves. */
export function staffOrOwn(caller: Caller, field: string): Record<string, unknown> | null {
  authenticatedOnly(caller);
  const u = caller.user!;
  return u.isStaff || u.isSuperuser ? null : { [field]: u.id };
}
