import { Collection, rel, type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { ChangeLogged } from '../base';
import { JournalEntryKind, choiceLabel } from '../choices';
import { User } from '../users/user';
import { Tag } from './tag';
import { checkContentTypes } from './content-type';

const pad = (n: number) => String(n).padStart(2, '0');

/** "YYYY-MM-DD HH:MM" in UTC. */
function stamp(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** A dated note attached to any object ("app.model" + id). */
@Model<JournalEntry>({
  app: 'extras',
  plural: 'JournalEntries',
  verboseNamePlural: 'journal entries',
  display: (o) => `${stamp(o.created ?? new Date())} (${choiceLabel(JournalEntryKind, o.kind) ?? o.kind})`,
  brief: ['id', 'url', 'display', 'created'],
  ordering: ['-created'],
  q: ['comments'],
  // The author defaults to the caller, as Peering Manager's serializer does.
  compute: (o, request) => {
    const userId = request?.userId;
    if (o.id === undefined && o.createdBy === undefined && userId) o.createdBy = rel(User, userId);
  },
  validate: (o) => checkContentTypes({ assignedObjectType: o.assignedObjectType }),
})
export class JournalEntry extends ChangeLogged {
  @F.string({ maxLength: 100, required: true, help: '"app_label.model" of the object the entry is about' }) assignedObjectType!: string;
  @F.bigint({ min: 0, required: true }) assignedObjectId!: number;
  @F.fk(() => User, { nullable: true, deleteRule: 'set null', via: ['username'] }) createdBy?: Rel<User> | null;
  @F.choice(JournalEntryKind, { maxLength: 30, default: 'info' }) kind: string = 'info';
  @F.text({ required: true, default: undefined, filter: false }) comments!: string;
  @F.m2m(() => Tag, { filter: false }) tags = new Collection<Tag>(this);
}
