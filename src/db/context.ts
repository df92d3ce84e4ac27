// Per-request context carried through async calls: who, which request, how many SQL queries.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  userId: number | null;
  userName: string;
  queryCount: number;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequest(): RequestContext | undefined {
  return requestContext.getStore();
}

/** Totals across the process, for tests and metrics: all queries, and those run for a request. */
export const queryStats = { total: 0, inRequests: 0 };
