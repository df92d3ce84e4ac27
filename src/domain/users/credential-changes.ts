// Writes that change what a credential stands for: a token deleted or changed, a user changed
// (active flag, roles) or deleted (its tokens go with it). Tokens are not in the change log, so a
// flush subscriber watches both entities; the gateway (src/http/app.ts) forgets its cached token
// lookups and tells the other gateways over the event bus.
import { ChangeSetType, type ChangeSet, type EntityManager, type EventSubscriber, type FlushEventArgs } from '@mikro-orm/core';
import { Token } from './token';
import { User } from './user';

/** A token deleted or changed, a user changed or deleted (callers carry their user's row, e-mail and all). */
function changesCredential(cs: ChangeSet<object>): boolean {
  return cs.type !== ChangeSetType.CREATE && (cs.entity instanceof Token || cs.entity instanceof User);
}

export class CredentialChanges implements EventSubscriber {
  private changed = new WeakSet<EntityManager>();

  constructor(private readonly onChange: () => void) {}

  /** The change sets are gone once written, so they are looked at here. */
  async onFlush({ em, uow }: FlushEventArgs): Promise<void> {
    if (uow.getChangeSets().some(changesCredential)) this.changed.add(em);
  }

  async afterFlush({ em }: FlushEventArgs): Promise<void> {
    if (!this.changed.delete(em)) return;
    this.onChange();
  }
}
