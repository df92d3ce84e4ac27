// Who calls /v1/peer/...: yabgp uses HTTP Basic; PeerGate accepts Basic with a username
// and either one of that user's API tokens or the password (the core's password login,
// under the failed-login limits), and `Authorization: Token`. Every peer route needs
// credentials (yabgp's login_required); writes need write rights. The chain is the core's
// (rest-compat/core/auth.ts); the codes are yabgp's.
import type { Request } from 'express';
import type { RunningApp } from '../../src/http/app';
import type { Caller } from '../../src/http/auth';
import type { Config } from '../../src/config';
import type { GqlContext } from '../../src/graphql/context';
import { authenticateRequest } from '../core/auth';
import { CODES, YabgpError, throttled } from './errors';

export type Access = 'read' | 'write';

/** The authenticated caller's GraphQL context (its configuration gives the body limits), or a 401/403/429 YabgpError. */
export async function yabgpCaller(req: Request, running: RunningApp, access: Access): Promise<{ caller: Caller; config: Config; ctx: GqlContext }> {
  if (!req.headers.authorization?.trim()) throw new YabgpError(401, CODES.unauthorized);
  const { ctx, refused } = await authenticateRequest(req, running, { basic: true });
  if (refused?.kind === 'password' && refused.retryAfter !== null) throw throttled(refused.retryAfter);
  if (refused || !ctx.caller.user) throw new YabgpError(401, CODES.unauthorized);
  if (access === 'write' && !ctx.caller.canWrite) throw new YabgpError(403, CODES.forbidden);
  return { caller: ctx.caller, config: ctx.config, ctx };
}
