import { type Rel } from '@mikro-orm/core';
import { Model, F, IdField } from '../model';
import { User } from './user';

/**
 * An API token. Only a SHA-256 hash of the key is stored; the key itself is
 * shown once, when the token is created.
 */
@Model<Token>({
  app: 'users',
  display: (o) => `${o.keyPrefix}…`,
  brief: ['id', 'url', 'display', 'keyPrefix', 'writeEnabled'],
  ordering: ['-created'],
  q: ['description'],
  changeLogged: false,
  readOnly: true, // created and revoked through dedicated mutations: the key exists only then
  access: { read: 'user', write: 'user', owner: 'user' }, // one's own tokens; the superuser's all
})
export class Token {
  @IdField() id!: number;
  @F.datetime({ nullable: true, readOnly: true, auto: 'create' }) created?: Date | null;
  @F.fk(() => User, { required: true, deleteRule: 'cascade', via: ['username'], restVia: 'username' }) user!: Rel<User>;
  @F.string({ maxLength: 64, readOnly: true, unique: true, secret: true, filter: false, writeOnly: true }) keyHash!: string;
  @F.string({ maxLength: 8, readOnly: true, filter: false, help: 'First characters of the key, to recognise it' }) keyPrefix!: string;
  @F.datetime({ nullable: true }) expires?: Date | null;
  @F.datetime({ nullable: true, readOnly: true }) lastUsed?: Date | null;
  @F.bool({ default: true }) writeEnabled: boolean = true;
  @F.string({ maxLength: 100, default: '' }) description: string = '';
  @F.json({ help: 'CIDRs the token may be used from; empty or null for anywhere' }) allowedIps?: string[] | null;
}
