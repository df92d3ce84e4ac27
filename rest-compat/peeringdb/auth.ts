// PeeringDB's credentials on PeerGate's users and tokens: `Api-Key <key>` and `Token <key>`
// name a token; HTTP Basic carries a username and either one of that user's tokens or the
// password (the core's password login, under the failed-login limits: 429 with Retry-After when
// spent). Anything else is PeeringDB's "Unknown authorization method". The chain is the core's
// (rest-compat/core/auth.ts); the words and statuses are PeeringDB's.
import type { Request } from 'express';
import type { RunningApp } from '../../src/http/app';
import type { GqlContext } from '../../src/graphql/context';
import { throttledMessage } from '../../src/http/login-limit';
import { authenticateRequest } from '../core/auth';
import { PdbError } from './errors';

export async function pdbContext(req: Request, running: RunningApp): Promise<GqlContext> {
  const { ctx, refused } = await authenticateRequest(req, running, { tokenAliases: ['api-key'], basic: true });
  if (!refused) return ctx;
  switch (refused.kind) {
    // A refused token is refused at once, for reads too (PeeringDB answers 401 for a bad key).
    case 'token': throw new PdbError(401, refused.message);
    case 'password': throw refused.retryAfter === null ? new PdbError(401, 'Invalid username/password.') : new PdbError(429, throttledMessage(refused.retryAfter));
    case 'scheme': throw new PdbError(400, 'Unknown authorization method');
  }
}
