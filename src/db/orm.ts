// MikroORM setup for the two drivers: embedded PGlite (file or memory) and a PostgreSQL server.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { MikroORM, type Options, type Logger, type LoggerNamespace, type LogContext } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entityClasses } from '../domain';
import { ChangeLogSubscriber } from './change-log';
import { InventorySubscriber } from '../domain/inventory/subscriber';
import { currentRequest, queryStats } from './context';
import { PeerGateNamingStrategy } from './naming';

export type Orm = MikroORM;

/** Counts SQL queries (per request and in total); prints nothing. */
class QueryCounter implements Logger {
  log(namespace: LoggerNamespace): void {
    if (namespace !== 'query') return;
    queryStats.total += 1;
    const ctx = currentRequest();
    if (ctx) ctx.queryCount += 1;
  }
  error(): void {}
  warn(): void {}
  logQuery(_context: LogContext): void {
    this.log('query');
  }
  setDebugMode(): void {}
  isEnabled(namespace: LoggerNamespace): boolean {
    return namespace === 'query';
  }
}

function baseOptions(): Partial<Options> {
  return {
    entities: entityClasses() as any,
    discovery: { requireEntitiesArray: true },
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

/** Opens the database that DATABASE_URL names ('' = file-backed PGlite under ./var/). */
export async function openOrm(databaseUrl: string): Promise<Orm> {
  if (databaseUrl.startsWith('postgres')) {
    return MikroORM.init({ ...baseOptions(), driver: PostgreSqlDriver, clientUrl: databaseUrl, pool: { min: 1, max: 10 } } as Options);
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGliteDriver } = await import('mikro-orm-pglite');
  const location = databaseUrl.replace(/^pglite:\/\//, '');
  let dataDir: string | undefined;
  if (location !== 'memory') {
    dataDir = resolve(location || 'var/pglite');
    mkdirSync(dataDir, { recursive: true });
  }
  const pglite = dataDir ? new PGlite(dataDir) : new PGlite();
  const orm = await MikroORM.init({
    ...baseOptions(),
    driver: PGliteDriver,
    dbName: 'postgres',
    driverOptions: { connection: { pglite: () => pglite } },
  } as Options);
  // Borrowed instance: close it with the ORM.
  const close = orm.close.bind(orm);
  orm.close = async (force?: boolean) => { await close(force); await pglite.close(); };
  return orm;
}

export function isEmbedded(orm: Orm): boolean {
  return orm.config.get('driver') !== PostgreSqlDriver;
}

/** Applies pending migrations (a PostgreSQL server). */
export async function migrate(orm: Orm): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}
