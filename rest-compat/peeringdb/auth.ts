// PeeringDB's credentials on PeerGate's users and tokens: `Api-Key <key>` and
// `Token <key>` name a token; HTTP Basic carries a username and either one of that
// user's tokens or the password (the core's password login, under the failed-login
// limits: 429 with Retry-After when spent). Anything else is PeeringDB's "Unknown authorization method".
import type { Request } from 'express';
import type { RunningApp } from '../../src/http/app';
import type { GqlContext } from '../../src/graphql/context';
import type { RequestContext } from '../../src/db/context';
import { decodeBasic, passwordLogin } from '../../src/http/basic';
import { throttledMessage } from '../../src/http/login-limit';
import { PdbError } from './errors';

export async function pdbContext(req: Request, running: RunningApp): Promise<GqlContext> {
  const header = req.headers.authorization?.trim();
  if (!header) return running.contextFor(req);
  const [scheme, ...rest] = header.split(/\s+/);
  const s = scheme.toLowerCase();
  if (s === 'token' || s === 'bearer') return checked(await running.contextFor(req));
  if (s === 'api-key') {
    req.headers.authorization = `Token ${rest.join(' ')}`;
    return checked(await running.contextFor(req));
  }
  if (s !== 'basic' || rest.length !== 1) throw new PdbError(400, 'Unknown authorization method');
  delete req.headers.authorization;
  const ctx = await running.contextFor(req);
  const creds = decodeBasic(rest[0]);
  if (!creds) throw new PdbError(401, 'Invalid username/password.');
  const login = await passwordLogin(req, ctx.em, ctx.config, creds);
  if (!login.ok) throw login.retryAfter === null ? new PdbError(401, 'Invalid username/password.') : new PdbError(429, throttledMessage(login.retryAfter));
  ctx.caller = login.caller;
  const user = login.caller.user!;
  const store = req.res!.locals.store as RequestContext;
  store.userId = user.id;
  store.userName = user.username;
  return ctx;
}

/** A refused token is refused at once, for reads too (PeeringDB answers 401 for a bad key). */
function checked(ctx: GqlContext): GqlContext {
  if (ctx.caller.error) throw new PdbError(401, ctx.caller.error);
  return ctx;
}
