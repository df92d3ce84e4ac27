// MikroORM's UnitOfWork runs every flush inside an AsyncLocalStorage of its own (a guard: no flush
// and no auto-flush from inside a flush). Once one is entered, Node 20 keeps its per-promise hooks
// on for the whole process, for every request, flush or not: about a tenth of the gateway's CPU
// per request (bench/load/per-op.ts, the hooks kept off against on). Serving enters no storage of
// its own (test/integration/no-async-context.test.ts), so once no flush is running, that storage is
// disabled again and the hooks go off until the next flush enters it. The guard still holds for
// every flush: while any runs, the storage stays enabled.
import { AsyncLocalStorage } from 'node:async_hooks';
import { UnitOfWork, type EntityManager } from '@mikro-orm/core';

let guard: AsyncLocalStorage<unknown> | null = null;
let running = 0;

/** The storage a flush enters, found by flushing an empty fork once while watching which storage runs. */
async function findGuard(em: EntityManager): Promise<AsyncLocalStorage<unknown> | null> {
  const run = AsyncLocalStorage.prototype.run;
  let found: AsyncLocalStorage<unknown> | null = null;
  AsyncLocalStorage.prototype.run = function (this: AsyncLocalStorage<unknown>, ...args: Parameters<typeof run>) {
    found ??= this;
    return run.apply(this, args as any);
  } as typeof run;
  try {
    await em.fork().flush();
  } finally {
    AsyncLocalStorage.prototype.run = run;
  }
  return found;
}

/** Keeps the per-promise hooks off between flushes (once per process; later calls do nothing). */
export async function quietFlushGuard(em: EntityManager): Promise<void> {
  if (guard) return;
  guard = await findGuard(em);
  if (!guard) return;
  guard.disable();
  const commit = UnitOfWork.prototype.commit;
  UnitOfWork.prototype.commit = async function (this: UnitOfWork) {
    running += 1;
    try {
      return await commit.call(this);
    } finally {
      running -= 1;
      if (running === 0) guard!.disable();
    }
  };
}

/** The storage MikroORM's flushes enter, once found (tests check it is disabled between flushes). */
export const flushGuard = (): AsyncLocalStorage<unknown> | null => guard;
