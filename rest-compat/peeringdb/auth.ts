// PeeringDB's credentials on PeerGate's users and tokens: `Api-Key <key>` and
// `Token <key>` name a token; HTTP Basic carries a username and either one of that
// user's tokens or the password. Anything else is PeeringDB's "Unknown authorization method".
import type { Request } from 'express';
import type { RunningApp } from '../../src/http/app';
import type { GqlContext } from '../../src/graphql/context';
import type { RequestContext } from '../../src/db/context';
import { User } from '../../src/domain/users/user';
import { findToken } from '../../src/domain/users/tokens';
import { checkPassword } from '../../src/domain/users/passwords';
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
  const decoded = Buffer.from(rest[0], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  const username = i >= 0 ? decoded.slice(0, i) : decoded;
  const secret = i >= 0 ? decoded.slice(i + 1) : '';
  const user = username ? await ctx.em.findOne(User, { username }) : null;
  if (!user || !user.isActive) throw new PdbError(401, 'Invalid username/password.');
  const token = await findToken(ctx.em, secret);
  if (token && (token.user as User).id === user.id && (!token.expires || token.expires.getTime() > Date.now())) {
    ctx.caller = { user, token, error: null, canWrite: token.writeEnabled };
  } else if (user.password && checkPassword(secret, user.password)) {
    ctx.caller = { user, token: null, error: null, canWrite: true };
  } else {
    throw new PdbError(401, 'Invalid username/password.');
  }
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
