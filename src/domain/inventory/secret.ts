import { type Rel } from '@mikro-orm/core';
import { Model, F, IdField } from '../model';
import { User } from '../users/user';

/**
 * A user's NSoT secret_key. NSoT must show the key again on request
 * (GET /users/0/?with_secret_key=true), so it cannot be hashed: it is stored
 * encrypted with AES-256-GCM under the server's NSoT key (see secrets.ts).
 */
@Model<UserSecret>({
  app: 'inventory',
  display: (o) => `secret of user #${(o.user as any)?.id ?? '?'}`,
  brief: ['id'],
  ordering: ['id'],
  changeLogged: false,
  readOnly: true,
  access: { read: 'user', owner: 'user' },
})
export class UserSecret {
  @IdField() id!: number;
  @F.fk(() => User, { required: true, unique: true, deleteRule: 'cascade' }) user!: Rel<User>;
  @F.string({ maxLength: 255, readOnly: true, writeOnly: true, secret: true, filter: false }) secretEnc!: string;
}
