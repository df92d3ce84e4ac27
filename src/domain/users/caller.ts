// Who is calling, as the core sees it: every surface's authentication ends in one of these
// (src/http/auth.ts for tokens), and every rule of the core (src/domain/access.ts) reads it.
import type { Token } from './token';
import type { User } from './user';

export interface Caller {
  user: User | null;
  token: Token | null;
  /** Set when credentials were sent but refused; the text is Peering Manager's. */
  error: string | null;
  canWrite: boolean;
}

export const anonymous = (): Caller => ({ user: null, token: null, error: null, canWrite: false });
