import { type Rel } from '@mikro-orm/core';
import { Model, F, IdField } from '../model';
import { ObjectChangeAction } from '../choices';
import { User } from '../users/user';

/** The change log: one row per create/update/delete, written by the flush subscriber. */
@Model<ObjectChange>({
  app: 'extras',
  table: 'core_object_change',
  modelName: 'objectchange',
  display: (o) => `${o.changedObjectType} ${o.objectRepr} ${o.action === 'create' ? 'created' : o.action === 'update' ? 'updated' : 'deleted'} by ${o.userName}`,
  brief: ['id', 'url', 'display', 'action', 'changedObjectType', 'changedObjectId', 'requestId', 'time'],
  ordering: ['-time', '-id'],
  q: ['userName', 'objectRepr'],
  changeLogged: false,
  readOnly: true,
  // A change record is visible to those who may read the model it records (user accounts: not anonymously).
  access: { readableVia: 'changedObjectType' },
})
export class ObjectChange {
  @IdField() id!: number;
  @F.datetime({ readOnly: true }) time!: Date;
  @F.fk(() => User, { nullable: true, deleteRule: 'set null', checkedPerStatement: true, via: ['username'], restVia: 'username' }) user?: Rel<User> | null;
  @F.string({ maxLength: 150, default: '' }) userName: string = '';
  @F.uuid({ readOnly: true }) requestId!: string;
  @F.choice(ObjectChangeAction, { maxLength: 10 }) action!: string;
  @F.string({ maxLength: 100, label: 'Changed object type' }) changedObjectType!: string;
  @F.bigint({ min: 0 }) changedObjectId!: number;
  @F.string({ maxLength: 200, default: '' }) objectRepr: string = '';
  // json, not jsonb: kept as written and never queried inside (no filter, ordering or comparison
  // uses them); parsing jsonb cost a bulk write's COPY ~45 ms per 10,000 records. Read back, their
  // keys keep the snapshot's order, as the write's answer and the live events give them.
  @F.json({ readOnly: true, columnType: 'json' }) prechangeData?: unknown;
  @F.json({ readOnly: true, columnType: 'json' }) postchangeData?: unknown;
}
