import { Collection } from '@mikro-orm/core';
import { Model, F, IdField } from '../model';

@Model<Group>({
  app: 'users',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name'],
  ordering: ['name'],
  q: ['name'],
  naturalKeys: ['name'],
  access: { read: 'user', write: 'superuser' },
})
export class Group {
  @IdField() id!: number;
  @F.string({ maxLength: 150, required: true, unique: true }) name!: string;
}

@Model<User>({
  app: 'users',
  display: (o) => {
    const full = `${o.firstName} ${o.lastName}`.trim();
    return full ? `${o.username} (${full})` : o.username;
  },
  brief: ['id', 'url', 'display', 'username'],
  ordering: ['username'],
  q: ['username', 'firstName', 'lastName', 'email'],
  naturalKeys: ['username'],
  // Administration is the superuser's; staff read every account, others their own, and anyone
  // signed in may change their own password.
  access: { read: 'user', write: 'superuser', owner: 'id', ownerExempt: 'staff', ownerWritable: ['password'] },
})
export class User {
  @IdField() id!: number;
  @F.string({ maxLength: 150, required: true, unique: true, pattern: [/^[\w.@+-]+$/, 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'] })
  username!: string;
  /** scrypt hash, never shown; written through the API as a plain password. */
  @F.string({ maxLength: 256, default: '', writeOnly: true, secret: true, filter: false }) password: string = '';
  @F.string({ maxLength: 150, default: '' }) firstName: string = '';
  @F.string({ maxLength: 150, default: '' }) lastName: string = '';
  @F.string({ maxLength: 254, default: '' }) email: string = '';
  @F.bool({ default: false }) isStaff: boolean = false;
  @F.bool({ default: false }) isSuperuser: boolean = false;
  @F.bool({ default: true }) isActive: boolean = true;
  @F.datetime({ readOnly: true, auto: 'create', nullable: true, filter: false }) dateJoined?: Date | null;
  @F.m2m(() => Group) groups = new Collection<Group>(this);
}
