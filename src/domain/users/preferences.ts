// User preferences (spec pm-workflows §7): one JSON object per user, read and deep-merged by
// its owner only. Not a generic model: no list, no other user's row, not in the change log.
import { Entity, OneToOne, PrimaryKey, Property, type EntityManager, type Rel } from '@mikro-orm/core';
import { User } from './user';
import { describe } from '../model';
import { ValidationError } from '../errors';
import { jsonDepthExceeds, jsonTooDeep } from '../values';
import { transaction } from '../../db/transaction';
import { sqlConnection } from '../../db/context';

@Entity({ tableName: 'users_userpreferences' })
export class UserPreferences {
  @PrimaryKey({ type: 'integer', autoincrement: true }) id!: number;
  @OneToOne(() => User, { owner: true, unique: true, deleteRule: 'cascade', fieldName: 'user_id' }) user!: Rel<User>;
  @Property({ type: 'json' }) data: Record<string, unknown> = {};
}

/** A user's preferences are small settings, not a store: the merged object is held to this many bytes of JSON. */
export const MAX_PREFERENCES_BYTES = 64 * 1024;

export type Preferences = Record<string, unknown>;

const isObject = (v: unknown): v is Preferences => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Objects merge key by key, recursively; lists and scalars replace; nothing is deleted (PM's deep merge). */
export function deepMerge(into: Preferences, patch: Preferences): Preferences {
  const out: Preferences = { ...into };
  for (const [k, v] of Object.entries(patch)) {
    // Own data properties only: a key named __proto__ must stay a plain key.
    const prev = Object.hasOwn(out, k) ? out[k] : undefined;
    const value = isObject(v) && isObject(prev) ? deepMerge(prev, v) : v;
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export async function preferencesOf(em: EntityManager, userId: number): Promise<Preferences> {
  const row = await em.fork().findOne(UserPreferences, { user: userId });
  return row?.data ?? {};
}

/** Merges `patch` into the user's preferences under a row lock (two merges never lose each other's keys). */
export async function mergePreferences(em: EntityManager, userId: number, patch: unknown): Promise<Preferences> {
  if (!isObject(patch)) {
    const got = patch === null ? 'null' : Array.isArray(patch) ? 'list' : typeof patch === 'string' ? 'str' : typeof patch;
    throw new ValidationError({ nonFieldErrors: [`Invalid data. Expected a dictionary, but got ${got}.`] });
  }
  return transaction(em.fork(), async (tem) => {
    await sqlConnection(tem).execute(`select id from "${describe(User).table}" where id = ? for update`, [userId], 'all', tem.getTransactionContext(), tem.getLoggerContext());
    let row = await tem.findOne(UserPreferences, { user: userId });
    const merged = deepMerge(row?.data ?? {}, patch);
    if (jsonDepthExceeds(merged)) throw new ValidationError({ nonFieldErrors: [jsonTooDeep()] });
    if (Buffer.byteLength(JSON.stringify(merged)) > MAX_PREFERENCES_BYTES) throw new ValidationError({ nonFieldErrors: [`Preferences are limited to ${MAX_PREFERENCES_BYTES} bytes of JSON.`] });
    if (!row) row = tem.create(UserPreferences, { user: tem.getReference(User, userId), data: merged });
    else row.data = merged;
    await tem.flush();
    return merged;
  });
}
