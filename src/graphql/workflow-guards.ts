// What every workflow resolver (renders, e-mails, polling, configure) checks before acting on a row:
// the GraphQL ID is a row id, the row is within the caller's read scope, and a queued job has an owner.
import type { GqlContext } from './context';
import { readScope, requireWrite } from './guards';
import { AuthError, NotFoundError } from '../domain/errors';
import { NO_CREDENTIALS } from '../domain/access';
import { describe } from '../domain/model';
import * as crud from '../domain/crud';

/** A GraphQL ID as a row id; anything else cannot name a row, so it is not found. */
export function rowId(id: string): number {
  const n = Number(id);
  if (!/^\d+$/.test(id.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 2147483647) throw new NotFoundError('Not found.');
  return n;
}

/** The row must exist within the caller's read scope (else NOT_FOUND, as for a row that does not exist). */
export async function requireReadable(ctx: GqlContext, cls: Function, id: number): Promise<void> {
  const d = describe(cls);
  if (!(await crud.get(ctx.em, d, id, undefined, readScope(ctx, d)))) throw new NotFoundError(`No ${d.className} matches the given query.`);
}

/**
 * Jobs belong to a user: an anonymous reader could never see the one it started. Queueing one is a
 * mutation, and every mutation needs write credentials (REST's GET actions queue with read ones).
 */
export function requireJobOwner(ctx: GqlContext): void {
  requireWrite(ctx);
  if (!ctx.caller.user) throw new AuthError('UNAUTHENTICATED', NO_CREDENTIALS);
}

/** Which of `ids` name rows of `cls` within the caller's read scope, in id order (one query). */
export async function readableIds(ctx: GqlContext, cls: Function, ids: number[]): Promise<number[]> {
  if (!ids.length) return [];
  const scope = readScope(ctx, describe(cls));
  const where = { id: { $in: [...new Set(ids)] } };
  const rows = await ctx.em.find(cls as any, (scope ? { $and: [scope, where] } : where) as any, { fields: ['id'] as any, orderBy: { id: 'asc' } as any });
  return rows.map((r: any) => r.id as number);
}
