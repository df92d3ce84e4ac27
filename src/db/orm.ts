// MikroORM setup for the two drivers: embedded PGlite (file or memory, see ./embedded) and a PostgreSQL server.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { MikroORM, type Options, type Logger, type LoggerNamespace, type LogContext } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entityClasses } from '../domain';
import { ChangeLogSubscriber } from './change-log';
import { InventorySubscriber } from '../domain/inventory/subscriber';
import { queryStats, requestOfLog } from './context';
import { PeerGateNamingStrategy } from './naming';
import { EmbeddedDatabase, EmbeddedDriver } from './embedded';
import { readUnprepared } from './prepared-reads';
import { quietFlushGuard } from './flush-guard';
import { indexPivotTargets } from './pivot-indexes';

export type Orm = MikroORM;

/** Counts SQL queries (per request and in total); prints nothing. */
class QueryCounter implements Logger {
  log(namespace: LoggerNamespace): void {
    if (namespace === 'query') queryStats.total += 1;
  }
  logQuery(context: LogContext): void {
    queryStats.total += 1;
    // The request's context rides in the entity manager's logger context (./context).
    const ctx = requestOfLog(context as Record<string, unknown>);
    if (!ctx) return;
    ctx.queryCount += 1;
    queryStats.inRequests += 1;
  }
  error(): void {}
  warn(): void {}
  setDebugMode(): void {}
  isEnabled(namespace: LoggerNamespace): boolean {
    return namespace === 'query';
  }
}

function baseOptions(): Partial<Options> {
  return {
    entities: entityClasses() as any,
    discovery: { requireEntitiesArray: true, afterDiscovered: indexPivotTargets },
    debug: ['query'],
    loggerFactory: () => new QueryCounter(),
    subscribers: [new InventorySubscriber(), new ChangeLogSubscriber()],
    extensions: [Migrator],
    migrations: { path: resolve(__dirname, 'migrations'), pathTs: resolve(__dirname, 'migrations'), glob: '!(*.d).{js,ts}', transactional: true, snapshot: false },
    namingStrategy: PeerGateNamingStrategy,
    forceUtcTimezone: true,
    allowGlobalContext: false,
    serialization: { forceObject: true },
  };
}

export interface OpenOptions {
  /** Connections to a PostgreSQL server (DATABASE_POOL_SIZE); 10 when not given. */
  poolSize?: number;
  /**
   * Brings a freshly opened database up to use (migrations, admin token). Given here so that an
   * in-memory embedded database, which an engine fault empties, is prepared again after its restart.
   */
  prepare?: (orm: Orm) => Promise<void>;
  /** Reads as named prepared statements on a PostgreSQL server (DATABASE_PREPARED_STATEMENTS); true when not given. */
  preparedStatements?: boolean;
}

/** Opens the database that DATABASE_URL names ('' = file-backed PGlite under ./var/). */
export async function openOrm(databaseUrl: string, opts: OpenOptions = {}): Promise<Orm> {
  if (databaseUrl.startsWith('postgres')) {
    const orm = await MikroORM.init({ ...baseOptions(), driver: PostgreSqlDriver, clientUrl: databaseUrl, pool: { min: 1, max: opts.poolSize ?? 10 } } as Options);
    if (opts.preparedStatements === false) readUnprepared(orm.em);
    await quietFlushGuard(orm.em);
    return orm;
  }
  const location = databaseUrl.replace(/^pglite:\/\//, '');
  let dataDir: string | null = null;
  if (location !== 'memory') {
    dataDir = resolve(location || 'var/pglite');
    mkdirSync(dataDir, { recursive: true });
  }
  // Locks a directory against a second process (DatabaseLockedError) before touching it.
  const embedded = await EmbeddedDatabase.open(dataDir);
  let orm: Orm;
  try {
    orm = await embeddedOrm(embedded);
  } catch (e) {
    await embedded.close();
    throw e;
  }
  const prepare = opts.prepare;
  if (prepare) {
    embedded.prepare = async (pglite) => {
      const fresh = await embeddedOrm(EmbeddedDatabase.borrow(pglite));
      try { await prepare(fresh); } finally { await fresh.close(true); }
    };
  }
  // The database is this ORM's: closed (and its directory unlocked) with it.
  const close = orm.close.bind(orm);
  orm.close = async (force?: boolean) => {
    try { await close(force); } finally { await embedded.close(); }
  };
  await quietFlushGuard(orm.em);
  return orm;
}

function embeddedOrm(embedded: EmbeddedDatabase): Promise<Orm> {
  return MikroORM.init({ ...baseOptions(), driver: EmbeddedDriver, dbName: 'postgres', driverOptions: { embedded } } as Options);
}

/** The embedded database behind `orm`, or null for a PostgreSQL server. */
export function embeddedDatabase(orm: Orm): EmbeddedDatabase | null {
  if (!isEmbedded(orm)) return null;
  return (orm.config.get('driverOptions') as { embedded: EmbeddedDatabase }).embedded;
}

/** 'ok' or why the database cannot serve requests now (readiness). */
export async function databaseHealth(orm: Orm): Promise<string> {
  const embedded = embeddedDatabase(orm);
  if (embedded && embedded.health() !== 'ok') return embedded.health();
  try {
    await orm.em.fork().getConnection().execute('select 1');
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

export function isEmbedded(orm: Orm): boolean {
  return orm.config.get('driver') !== PostgreSqlDriver;
}

/** Applies pending migrations (a PostgreSQL server). */
export async function migrate(orm: Orm): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}
