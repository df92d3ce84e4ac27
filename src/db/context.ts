// Per-request context: who, which request, how many SQL queries. It travels on the request's
// EntityManager (in its logger context, which every fork and transaction copies by reference and
// MikroORM hands to the query logger), not in an AsyncLocalStorage: once one is entered, Node keeps
// per-promise hooks on for the whole process, several percent of a busy server's CPU.
import type { EntityManager } from '@mikro-orm/core';
import type { AbstractSqlConnection } from '@mikro-orm/knex';
import type { ObjectChange } from '../domain/extras/object-change';

/** A class, not a plain object: MikroORM deep-copies plain objects in a fork's logger context. */
export class RequestContext {
  userId: number | null = null;
  userName = '';
  queryCount = 0;
  /** Change records written by this request, published once its transaction commits. */
  changes?: ObjectChange[];
  constructor(readonly requestId: string) {}
}

const KEY = 'peergateRequest';

/** Makes `store` the request of `em` and of every fork and transaction made from it from now on. */
export function bindRequest(em: EntityManager, store: RequestContext): void {
  em.setLoggerContext({ ...em.getLoggerContext(), [KEY]: store });
}

/** The request `em` serves, if any. */
export function requestOf(em: EntityManager): RequestContext | undefined {
  return em.getLoggerContext()[KEY] as RequestContext | undefined;
}

/** The request a query's log context belongs to (see QueryCounter). */
export function requestOfLog(context: Record<string, unknown> | undefined): RequestContext | undefined {
  return context?.[KEY] as RequestContext | undefined;
}

/** Totals across the process, for tests and metrics: all queries, and those run for a request. */
export const queryStats = { total: 0, inRequests: 0 };

/** The SQL connection of `em`, whose execute takes the logger context that carries the request. */
export function sqlConnection(em: EntityManager): AbstractSqlConnection {
  return em.getConnection() as unknown as AbstractSqlConnection;
}
