// Who calls /v1/peer/...: yabgp uses HTTP Basic; PeerGate accepts Basic with a username
// and either one of that user's API tokens or the password (the core's password login,
// under the failed-login limits), and `Authorization: Token`. Every peer route needs
// credentials (yabgp's login_required); writes need write rights.
import type { Request } from 'express';
import type { RunningApp } from '../../src/http/app';
import type { Caller } from '../../src/http/auth';
import type { RequestContext } from '../../src/db/context';
import type { Config } from '../../src/config';
import type { GqlContext } from '../../src/graphql/context';
import { decodeBasic, passwordLogin } from '../../src/http/basic';
import { CODES, YabgpError, throttled } from './errors';

export type Access = 'read' | 'write';

/** The authenticated caller's GraphQL context (its configuration gives the body limits), or a 401/403/429 YabgpError. */
export async function yabgpCaller(req: Request, running: RunningApp, access: Access): Promise<{ caller: Caller; config: Config; ctx: GqlContext }> {
  const header = req.headers.authorization?.trim() ?? '';
  const [scheme = '', ...rest] = header.split(/\s+/);
  if (!header) throw new YabgpError(401, CODES.unauthorized);
  let caller: Caller | null = null;
  let ctx: GqlContext;
  if (scheme.toLowerCase() === 'basic' && rest.length === 1) {
    const copy = { ...req.headers };
    delete req.headers.authorization;
    ctx = await running.contextFor(req);
    req.headers = copy;
    const creds = decodeBasic(rest[0]);
    if (creds) {
      const login = await passwordLogin(req, ctx.em, ctx.config, creds);
      if (!login.ok && login.retryAfter !== null) throw throttled(login.retryAfter);
      if (login.ok) {
        caller = login.caller;
        ctx.caller = caller;
        const store = req.res!.locals.store as RequestContext;
        store.userId = caller.user!.id;
        store.userName = caller.user!.username;
      }
    }
  } else {
    ctx = await running.contextFor(req);
    caller = ctx.caller.user && !ctx.caller.error ? ctx.caller : null;
  }
  if (!caller) throw new YabgpError(401, CODES.unauthorized);
  if (access === 'write' && !caller.canWrite) throw new YabgpError(403, CODES.forbidden);
  return { caller, config: ctx.config, ctx };
}
