// Who may read and write what: the one permission model of PeerGate. Each model declares its
// rule (`access` on @Model); this module turns a rule and a Caller into decisions and into row
// conditions that every surface compiles the same way: MikroORM conditions for the generic reads,
// SQL for the PeeringDB reader, a predicate for subscription events and loaded relations.
import type { Caller } from './users/caller';
import { AuthError } from './errors';
import type { ModelDescriptor } from './model';

/** Roles in increasing order of rights. */
export const ROLES = ['anonymous', 'user', 'staff', 'superuser'] as const;
export type Role = (typeof ROLES)[number];

export const NO_CREDENTIALS = 'Authentication credentials were not provided.';
export const NO_PERMISSION = 'You do not have permission to perform this action.';

export interface AccessRule {
  /** The least role that reads the model at all (default: anonymous, when LOGIN_REQUIRED lets it in). */
  read?: Role;
  /** The least role that writes it, always with a write-enabled credential (default: user). */
  write?: Role;
  /**
   * Rows belong to a user: 'id' (the row is the user) or a foreign key to User. Callers below
   * `ownerExempt` read and write only their own rows.
   */
  owner?: string;
  /** The role from which `owner` no longer limits reads and writes (default: superuser). */
  ownerExempt?: Role;
  /** Owners below `write` may still update these fields of their own row (their password). */
  ownerWritable?: string[];
  /** Rows visible by the value of a field, per role; a role not listed (and those above it) sees every row. */
  visibleBy?: { field: string; values: Partial<Record<Role, string[]>> };
  /** The row describes an object of the model named by this content-type field, and is visible with it (the change log). */
  readableVia?: string;
}

export type ResolvedAccess = Required<Pick<AccessRule, 'read' | 'write' | 'ownerExempt'>> & AccessRule;

export function resolveAccess(rule: AccessRule | undefined): ResolvedAccess {
  return { read: 'anonymous', write: 'user', ownerExempt: 'superuser', ...rule };
}

const rank = (r: Role): number => ROLES.indexOf(r);
const atLeast = (have: Role, need: Role): boolean => rank(have) >= rank(need);

/** Whether the caller holds `role` or one above it (operations that are not a model's, such as the PeeringDB sync). */
export function hasRole(caller: Caller, role: Role): boolean {
  return atLeast(roleOf(caller), role);
}

export function roleOf(caller: Caller): Role {
  const u = caller.user;
  if (!u || caller.error) return 'anonymous';
  if (u.isSuperuser) return 'superuser';
  if (u.isStaff) return 'staff';
  return 'user';
}

/** A row condition: `field` (a model field name) is one of `in`, or none of `notIn`. */
export type RowCondition = { field: string; in: unknown[] } | { field: string; notIn: unknown[] };

/** What a caller may read of a model: nothing, or the rows matching every condition. */
export type ReadGrant = { allowed: false } | { allowed: true; rows: RowCondition[] };

type ModelLookup = (contentType: string) => ModelDescriptor | undefined;
let lookupModel: ModelLookup = () => undefined;
let allDescriptors: () => ModelDescriptor[] = () => [];
/** The registry hands itself over here (access must not import the registry it is part of). */
export function setModelLookup(fn: ModelLookup, all: () => ModelDescriptor[]): void {
  lookupModel = fn;
  allDescriptors = all;
}

function canReadModel(caller: Caller, d: ModelDescriptor): boolean {
  return atLeast(roleOf(caller), d.access.read);
}

export function readGrant(caller: Caller, d: ModelDescriptor): ReadGrant {
  if (!canReadModel(caller, d)) return { allowed: false };
  const role = roleOf(caller);
  const rows: RowCondition[] = [];
  const a = d.access;
  if (a.owner && !atLeast(role, a.ownerExempt)) {
    if (!caller.user) return { allowed: false };
    rows.push({ field: a.owner, in: [caller.user.id] });
  }
  if (a.visibleBy) {
    // A role the rule does not list sees every row.
    const values = a.visibleBy.values[role];
    if (values) rows.push({ field: a.visibleBy.field, in: values });
  }
  if (a.readableVia) {
    const hidden = allDescriptors().filter((m) => m.changeLogged && !readsEveryRow(caller, m)).map((m) => m.contentType);
    if (hidden.length) rows.push({ field: a.readableVia, notIn: hidden });
  }
  return { allowed: true, rows };
}

/** The read grant of a root list or detail: refused callers get the error their role calls for. */
export function requireReadGrant(caller: Caller, d: ModelDescriptor): RowCondition[] {
  const g = readGrant(caller, d);
  if (!g.allowed) throw refusal(caller);
  return g.rows;
}

function refusal(caller: Caller): AuthError {
  return caller.user && !caller.error ? new AuthError('FORBIDDEN', NO_PERMISSION) : new AuthError('UNAUTHENTICATED', caller.error ?? NO_CREDENTIALS);
}

/** Row conditions as a MikroORM condition (null: every row). */
export function toWhere(rows: RowCondition[]): Record<string, unknown> | null {
  if (!rows.length) return null;
  return { $and: rows.map((c) => ('in' in c ? { [c.field]: { $in: c.in } } : { [c.field]: { $nin: c.notIn } })) };
}

/** Row conditions as SQL over `alias`, for readers that write their own SQL; columns are named by `column`. */
export function toSql(rows: RowCondition[], alias: string, column: (field: string) => string): { sql: string[]; args: unknown[] } {
  const sql: string[] = [];
  const args: unknown[] = [];
  for (const c of rows) {
    const list = 'in' in c ? c.in : c.notIn;
    if (!list.length) { sql.push('in' in c ? 'false' : 'true'); continue; }
    sql.push(`${alias}.${column(c.field)} ${'in' in c ? 'in' : 'not in'} (${list.map(() => '?').join(', ')})`);
    args.push(...list);
  }
  return { sql, args };
}

/** Whether a row (an entity, or a change-log snapshot keyed by REST names) meets the conditions. */
export function rowMatches(rows: RowCondition[], d: ModelDescriptor, row: Record<string, unknown>): boolean {
  return rows.every((c) => {
    const f = d.field(c.field);
    let v = c.field in row ? row[c.field] : f ? row[f.restName] : undefined;
    if (v && typeof v === 'object' && 'id' in (v as object)) v = (v as { id: unknown }).id;
    const hit = ('in' in c ? c.in : c.notIn).some((x) => String(x) === String(v));
    return 'in' in c ? hit : !hit;
  });
}

/** Whether the caller may read this one row of the model (loaded relations, subscription events). */
export function canReadRow(caller: Caller, d: ModelDescriptor, row: Record<string, unknown>): boolean {
  const g = readGrant(caller, d);
  return g.allowed && rowMatches(g.rows, d, row);
}

/**
 * Whether the caller reads every row of a model. Change records carry a copy of the row in JSON,
 * which row conditions do not reach, so only such callers see a model's change records.
 */
function readsEveryRow(caller: Caller, d: ModelDescriptor): boolean {
  const g = readGrant(caller, d);
  return g.allowed && !g.rows.length;
}

/** Whether the caller may see change records of this content type (the change log, its subscription). */
export function canReadChangesOf(caller: Caller, contentType: string): boolean {
  const d = lookupModel(contentType);
  return d ? readsEveryRow(caller, d) : atLeast(roleOf(caller), 'superuser');
}

/**
 * Callers with the same key get the same answer from every rule in this module: the same role
 * (read and write roles, visibleBy, readableVia), the same refusal, the same write-enabled
 * credential (secrets) and, for a role an owner rule limits on some model, the same user. What
 * was read for one caller may then be handed to another with the key (subscription fan-out).
 */
export function visibilityKey(caller: Caller): string {
  const role = roleOf(caller);
  // No models registered yet: nothing to decide by, so each user keeps its own key.
  const models = allDescriptors();
  const ownerLimited = !models.length || models.some((d) => !!d.access.owner && !atLeast(role, d.access.ownerExempt));
  return JSON.stringify([role, caller.canWrite, caller.error, ownerLimited ? (caller.user?.id ?? null) : null]);
}

/** Credentials that may write at all: a user, not refused, with a write-enabled credential. */
export function requireWriter(caller: Caller): void {
  if (caller.error) throw new AuthError('UNAUTHENTICATED', caller.error);
  if (!caller.user) throw new AuthError('UNAUTHENTICATED', NO_CREDENTIALS);
  if (!caller.canWrite) throw new AuthError('FORBIDDEN', NO_PERMISSION);
}

export type WriteAction = 'create' | 'update' | 'delete';

/**
 * How a caller may write a model: refused (throws), everywhere, or only rows it owns and, below
 * the model's write role, only `fields`. The store applies `ownRows` to the rows it touches.
 */
export interface WriteGrant { ownRows: RowCondition[]; fields: Set<string> | null }

export function writeGrant(caller: Caller, d: ModelDescriptor, action: WriteAction): WriteGrant {
  requireWriter(caller);
  const role = roleOf(caller);
  const a = d.access;
  const own: RowCondition[] = a.owner && !atLeast(role, a.ownerExempt) ? [{ field: a.owner, in: [caller.user!.id] }] : [];
  if (atLeast(role, a.write)) return { ownRows: own, fields: null };
  if (action === 'update' && a.owner && a.ownerWritable?.length) {
    return { ownRows: [{ field: a.owner, in: [caller.user!.id] }], fields: new Set(a.ownerWritable) };
  }
  throw new AuthError('FORBIDDEN', NO_PERMISSION);
}

/** Whether a caller may write the model at large (not only some fields of its own row): what OPTIONS offers. */
export function mayWrite(caller: Caller, d: ModelDescriptor, action: WriteAction): boolean {
  try { return !writeGrant(caller, d, action).fields; } catch { return false; }
}

/** Whether a caller may see a secret field's value: only those who may write the model. */
export function canSeeSecrets(caller: Caller, d: ModelDescriptor): boolean {
  return !caller.error && !!caller.user && caller.canWrite && atLeast(roleOf(caller), d.access.write);
}
