// Writes that change what a credential stands for: a token deleted or changed, a user changed
// (active flag, roles) or deleted (its tokens go with it). Tokens are not in the change log, so a
// flush subscriber watches both entities; the gateway (src/http/app.ts) forgets its cached token
// lookups and tells the other gateways over the event bus.
//
// It tells them once the change is committed, not when it is flushed: a gateway that checks its
// subscribers' credentials again before the commit would still read the old rows (and on the
// embedded database, whose one connection the transaction holds, that check would queue behind it).
import { ChangeSetType, type ChangeSet, type EntityManager, type EventSubscriber, type FlushEventArgs, type TransactionEventArgs } from '@mikro-orm/core';
import { Token } from './token';
import { User } from './user';

/** A token deleted or changed, a user changed or deleted (callers carry their user's row, e-mail and all). */
function changesCredential(cs: ChangeSet<object>): boolean {
  return cs.type !== ChangeSetType.CREATE && (cs.entity instanceof Token || cs.entity instanceof User);
}

export class CredentialChanges implements EventSubscriber {
  /** Entity managers that flushed a credential change not yet committed. */
  private changed = new WeakSet<EntityManager>();

  constructor(private readonly onChange: () => void) {}

  /** Declared so that writes of other models may skip the flush (src/db/direct-insert.ts insertsDirectly). */
  getSubscribedEntities() {
    return [Token, User];
  }

  /** The change sets are gone once written, so they are looked at here. */
  async onFlush({ em, uow }: FlushEventArgs): Promise<void> {
    if (uow.getChangeSets().some(changesCredential)) this.changed.add(em);
  }

  /** A flush outside a transaction committed its own: done. Inside one, wait for its commit. */
  async afterFlush({ em }: FlushEventArgs): Promise<void> {
    if (!em.isInTransaction() && this.changed.delete(em)) this.onChange();
  }

  async afterTransactionCommit({ em }: TransactionEventArgs): Promise<void> {
    if (this.changed.delete(em)) this.onChange();
  }

  async afterTransactionRollback({ em }: TransactionEventArgs): Promise<void> {
    this.changed.delete(em);
  }
}
