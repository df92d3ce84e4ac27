// em.transactional without its AsyncLocalStorage: MikroORM's TransactionManager enters one
// (TransactionContext) for every transaction, which turns Node's per-promise hooks on for the whole
// process. Our forks never resolve their context through it (they are made with useContext false),
// so the transaction only needs to be explicit on the fork handed to the callback.
import { ChangeSetType, TransactionEventBroadcaster, helper, type EntityManager, type EventSubscriber, type FlushEventArgs, type FlushMode, type Transaction } from '@mikro-orm/core';
import { retriesAfterDrop, sessionDropped } from './dropped-session';

export interface TransactionOptions {
  flushMode?: FlushMode;
}

/**
 * Runs `fn` in a transaction on a fork of `em`, flushes it and commits; rolls back if it throws.
 * Called inside another transaction, it nests in a savepoint, as em.transactional does. Entities
 * the fork managed are then managed by `em`, and those it deleted leave `em`'s identity map.
 */
export async function transaction<T>(em: EntityManager, fn: (tem: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const outer = em.getTransactionContext();
  const fork = em.fork({ clear: false, flushMode: options.flushMode, cloneEventManager: true });
  const deleted = new DeletedObjects();
  fork.getEventManager().registerSubscriber(deleted);
  const eventBroadcaster = new TransactionEventBroadcaster(fork, undefined, { topLevelTransaction: !outer });
  const loggerContext = fork.getLoggerContext();
  const conn = fork.getConnection();
  const trx = await begin(conn, { ctx: outer, eventBroadcaster, loggerContext }, outer ? 0 : retriesAfterDrop(em));
  try {
    fork.setTransactionContext(trx);
    const result = await fn(fork);
    await fork.flush();
    adopt(em, fork, deleted.entities);
    await conn.commit(trx, eventBroadcaster, loggerContext);
    return result;
  } catch (e) {
    await conn.rollback(trx, eventBroadcaster, loggerContext);
    throw e;
  }
}

type Connection = ReturnType<EntityManager['getConnection']>;
type BeginOptions = Parameters<Connection['begin']>[0];

/**
 * BEGIN on a pooled connection. knex reports a failed BEGIN only through the transaction's
 * execution promise and hands out the dead transaction anyway, whose first statement then fails as
 * "already complete". An idle connection may have been ended by the server before the pool heard
 * of it; a BEGIN that failed that way did nothing, so it runs again on another connection
 * (retriesAfterDrop).
 */
async function begin(conn: Connection, options: BeginOptions, retries: number): Promise<Transaction> {
  for (let attempt = 0; ; attempt++) {
    const trx = await conn.begin(options) as Transaction & { isCompleted(): boolean; executionPromise: Promise<unknown> };
    if (!trx.isCompleted()) return trx;
    const error = await trx.executionPromise.then(() => new Error('BEGIN did not start a transaction'), (e: unknown) => e);
    if (!sessionDropped(error) || attempt >= retries) throw error;
  }
}

/**
 * The objects a transaction's flushes deleted, which then leave the parent's identity map. It looks
 * at deletions of every model and at nothing else: src/db/direct-insert.ts knows it sees no creates.
 */
export class DeletedObjects implements EventSubscriber {
  readonly entities: object[] = [];
  afterFlush(args: FlushEventArgs): void {
    for (const cs of args.uow.getChangeSets()) if (cs.type === ChangeSetType.DELETE || cs.type === ChangeSetType.DELETE_EARLY) this.entities.push(cs.entity);
  }
}

/** Hands the fork's entities to the parent: the caller keeps using what the transaction wrote. */
function adopt(parent: EntityManager, fork: EntityManager, deleted: object[]): void {
  const uow = parent.getUnitOfWork(false);
  for (const entity of deleted) uow.unsetIdentity(entity as any);
  for (const entity of fork.getUnitOfWork(false).getIdentityMap()) {
    const w = helper(entity);
    const existing = uow.getById(w.__meta.className, w.getPrimaryKey() as any, (parent as any)._schema, true);
    if (existing && existing !== entity) {
      // An uninitialised reference must not replace a loaded object.
      if (!w.__initialized && helper(existing).__initialized) continue;
      helper(existing).__data = w.__data;
      helper(existing).__originalEntityData = w.__originalEntityData;
    } else {
      uow.merge(entity, new Set([entity]));
    }
  }
}
