// Opening the database for any command: its migrations where they apply, and the admin token.
import type { Config } from './config';
import { openOrm, isEmbedded, migrate, type Orm } from './db/orm';
import { ensureAdminToken } from './domain/users/tokens';

export interface OpenOptions {
  /** Apply pending migrations to a server (the embedded database always applies its own). */
  migrate?: boolean;
  /** Migrations and the admin token were seen to already (by the primary of several gateway processes). */
  prepared?: boolean;
}

export async function openDatabase(config: Config, opts: OpenOptions = {}): Promise<Orm> {
  const prepare = async (db: Orm) => {
    // The embedded database applies its migrations itself (creating the schema at first start);
    // a server's schema changes only when asked (peergate migrate, serve --migrate).
    if (isEmbedded(db) || opts.migrate) await migrate(db);
    if (config.adminToken) await ensureAdminToken(db.em.fork(), config.adminToken);
  };
  // Also run again on an in-memory embedded database restarted empty after an engine fault.
  const orm = await openOrm(config.databaseUrl, { prepare, poolSize: config.databasePoolSize, preparedStatements: config.databasePreparedStatements });
  if (!opts.prepared) await prepare(orm);
  return orm;
}
