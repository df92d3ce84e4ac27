// Who is calling, as the core sees it: every surface's authentication ends in one of these
// (src/http/auth.ts for tokens), and every rule of the core (src/domain/access.ts) reads it.
// Plain data, not entities: a token check reused from the cache hands the same frozen values
// to every request, with nothing to attach to the request's EntityManager. A resolver that
// needs the user's row (e.g. `me`) loads it by id.
import type { User } from './user';

/** What the rules read of the calling user; a User entity is one too. */
export type CallerUser = Readonly<Pick<User, 'id' | 'username' | 'isActive' | 'isStaff' | 'isSuperuser'>>;

/** What a request needs of the token it presented. */
export interface CallerToken {
  readonly id: number;
  /** Epoch milliseconds, or null for never. */
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
  readonly writeEnabled: boolean;
  readonly allowedIps: readonly string[] | null;
  readonly user: CallerUser;
}

export interface Caller {
  user: CallerUser | null;
  token: CallerToken | null;
  /** Set when credentials were sent but refused; the text is Peering Manager's. */
  error: string | null;
  canWrite: boolean;
}

export const anonymous = (): Caller => ({ user: null, token: null, error: null, canWrite: false });

/** The plain, frozen copy of a user row that a caller carries. */
export const callerUserOf = (u: CallerUser): CallerUser =>
  Object.freeze({ id: u.id, username: u.username, isActive: u.isActive, isStaff: u.isStaff, isSuperuser: u.isSuperuser });
