import { randomUUID } from 'node:crypto';
import { Property, type Rel } from '@mikro-orm/core';
import { Model, F, IdField } from '../model';
import { JobStatus } from '../choices';
import { User } from '../users/user';

/** A background task (configuration render or push, polling, synchronisation). Written only by PeerGate itself. */
@Model<Job>({
  app: 'core',
  display: (o) => o.jobId,
  brief: ['id', 'url', 'display', 'created', 'completed', 'user', 'status'],
  ordering: ['-created'],
  q: ['name'],
  changeLogged: false,
  readOnly: true,
  // A user reads their own jobs; staff and superusers read every job.
  access: { read: 'user', owner: 'user', ownerExempt: 'staff' },
})
export class Job {
  @IdField() id!: number;
  @F.string({ maxLength: 100, required: true, label: 'Object type', help: '"app_label.model" of the object the job applies to' }) objectType!: string;
  @F.bigint({ min: 0, nullable: true }) objectId?: number | null;
  @F.string({ maxLength: 200, required: true }) name!: string;
  @F.datetime({ nullable: true, readOnly: true, auto: 'create' }) created?: Date | null;
  @F.datetime({ nullable: true }) started?: Date | null;
  @F.datetime({ nullable: true }) completed?: Date | null;
  @F.fk(() => User, { nullable: true, deleteRule: 'set null', via: ['username'] }) user?: Rel<User> | null;
  @F.choice(JobStatus, { maxLength: 30, default: 'pending' }) status: string = 'pending';
  @F.json() data?: unknown;
  /**
   * What the job was queued with (ids, whether its request was read-only, retry bookkeeping; a
   * sync's API key). Not a model field: no API shows it, only the runner and the job's kind read it.
   */
  @Property({ type: 'json', nullable: true }) params?: Record<string, unknown> | null;
  @F.uuid({ unique: true, readOnly: true, label: 'job ID' }) jobId: string = randomUUID();
  @F.text({ readOnly: true, filter: false, help: 'The job\'s output, e.g. a rendered configuration' }) output: string = '';
}
