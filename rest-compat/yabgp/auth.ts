// Who calls /v1/peer/...: yabgp uses HTTP Basic; PeerGate accepts Basic with a username
// and either one of that user's API tokens or the password, and `Authorization: Token`.
// Every peer route needs credentials (yabgp's login_required); writes need write rights.
import type { Request } from 'express';
import type { EntityManager } from '@mikro-orm/core';
import type { RunningApp } from '../../src/http/app';
import type { Caller } from '../../src/http/auth';
import type { RequestContext } from '../../src/db/context';
import { User } from '../../src/domain/users/user';
import { findToken } from '../../src/domain/users/tokens';
import { checkPassword } from '../../src/domain/users/passwords';
import { CODES, YabgpError } from './errors';

export type Access = 'read' | 'write';

async function basicCaller(em: EntityManager, encoded: string): Promise<Caller | null> {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) return null;
  const username = decoded.slice(0, i);
  const secret = decoded.slice(i + 1);
  const user = await em.findOne(User, { username });
  if (!user || !user.isActive) return null;
  const token = await findToken(em, secret);
  if (token && (token.user as User).id === user.id && (!token.expires || token.expires.getTime() > Date.now())) {
    return { user, token, error: null, canWrite: token.writeEnabled };
  }
  // A password login is a full user session, as in Peering Manager's UI.
  if (user.password && checkPassword(secret, user.password)) return { user, token: null, error: null, canWrite: true };
  return null;
}

/** The authenticated caller, or a 401/403 YabgpError. */
export async function yabgpCaller(req: Request, running: RunningApp, access: Access): Promise<Caller> {
  const header = req.headers.authorization?.trim() ?? '';
  const [scheme = '', ...rest] = header.split(/\s+/);
  let caller: Caller | null = null;
  if (scheme.toLowerCase() === 'basic' && rest.length === 1) {
    const copy = { ...req.headers };
    delete req.headers.authorization;
    const ctx = await running.contextFor(req);
    req.headers = copy;
    caller = await basicCaller(ctx.em, rest[0]);
    if (caller) {
      const store = req.res!.locals.store as RequestContext;
      store.userId = caller.user!.id;
      store.userName = caller.user!.username;
    }
  } else if (header) {
    const ctx = await running.contextFor(req);
    caller = ctx.caller.user && !ctx.caller.error ? ctx.caller : null;
  }
  if (!caller) throw new YabgpError(401, CODES.unauthorized);
  if (access === 'write' && !caller.canWrite) throw new YabgpError(403, CODES.forbidden);
  return caller;
}
