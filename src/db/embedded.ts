// The embedded database: one PGlite instance (WASM PostgreSQL in this process) and the MikroORM
// driver in front of it. Written for PeerGate rather than taken from mikro-orm-pglite, whose path
// sent any SQL holding a ';' (a value such as "Level 3; Lumen", inlined by MikroORM) through
// PGlite's multi-statement exec. Here every statement goes to pglite.query() with its values as
// parameters; only a genuine script (several statements, no parameters) uses exec.
//
// A WASM trap (a stack overflow on deeply nested JSON, "memory access out of bounds") leaves the
// instance's memory corrupt: what it answers afterwards cannot be trusted. Such a fault discards
// the instance and opens a new one; a transaction in progress on the old one is lost as a whole
// (its statements fail, none of them runs on the new instance).
import { Readable } from 'node:stream';
import type { PGlite, Results } from '@electric-sql/pglite';
import {
  AbstractSqlConnection, AbstractSqlDriver, PostgreSqlKnexDialect, PostgreSqlPlatform, Utils,
  type Configuration, type Knex, type Transaction, type LoggingOptions,
} from '@mikro-orm/postgresql';
import { countStatements, parameterise, toText, type QuotingPlatform } from './sql-text';
import { DirectoryLock } from './lock';
import { logger, loggableError } from '../log';

/** An error raised in place of an engine fault: PostgreSQL's crash_shutdown, so clients get 503. */
export class EmbeddedDatabaseFault extends Error {
  readonly code: string;
  readonly sqlState: string;
  constructor(message: string, code = '57P02') {
    super(message);
    this.name = 'EmbeddedDatabaseFault';
    this.code = code;
    this.sqlState = code;
  }
}

/** A WASM trap or an Emscripten abort: the engine itself failed, not the statement. */
export function isEngineFault(e: unknown): boolean {
  if (e instanceof WebAssembly.RuntimeError) return true;
  const err = e as { name?: string; message?: string } | null;
  return err?.name === 'RuntimeError' || err?.name === 'ExitStatus' || /^Aborted\(|memory access out of bounds|^unreachable$/.test(err?.message ?? '');
}

export type EmbeddedState = 'open' | 'recovering' | 'failed' | 'closed';

/**
 * A pool connection: bound to the instance that was current when it was made. It carries its
 * database because knex copies only some fields of the client into a transaction's client.
 */
interface Session { db: EmbeddedDatabase; generation: number }

type Prepare = (pglite: PGlite) => Promise<void>;

const identity = (v: unknown) => v;
/** Values are already PostgreSQL text input (see parameterise): PGlite must not convert them again. */
const TEXT_SERIALIZERS = new Proxy({}, { get: () => identity });

export class EmbeddedDatabase {
  private db: PGlite | null = null;
  private generation = 0;
  private recovering: Promise<void> | null = null;
  private state_: EmbeddedState = 'open';
  /** Engine faults seen since opening, and the last one. */
  faults = 0;
  lastFault: { at: Date; message: string } | null = null;
  /** Re-creates what an in-memory database lost in a restart (schema, admin token); set by the opener. */
  prepare: Prepare | null = null;

  private constructor(readonly dataDir: string | null, private readonly lock: DirectoryLock | null, private readonly borrowed: boolean) {}

  /** Opens `dataDir` (locked against other processes) or, with null, a new in-memory database. */
  static async open(dataDir: string | null): Promise<EmbeddedDatabase> {
    const lock = dataDir ? DirectoryLock.acquire(dataDir) : null;
    const ed = new EmbeddedDatabase(dataDir, lock, false);
    try {
      ed.db = await ed.create();
    } catch (e) {
      lock?.release();
      throw e;
    }
    return ed;
  }

  /** Wraps an instance someone else owns (no lock, no restarts, not closed here). */
  static borrow(pglite: PGlite): EmbeddedDatabase {
    const ed = new EmbeddedDatabase(pglite.dataDir ?? null, null, true);
    ed.db = pglite;
    return ed;
  }

  get state(): EmbeddedState { return this.state_; }

  private async create(): Promise<PGlite> {
    // Loaded on first use: a PostgreSQL server never needs the WASM engine.
    const { PGlite: Engine } = await import('@electric-sql/pglite');
    const db = (this.dataDir ? new Engine(this.dataDir) : new Engine()) as unknown as PGlite;
    await db.waitReady;
    return db;
  }

  /** A new pool connection, once the instance is usable. */
  async session(): Promise<Session> {
    await this.current();
    return { db: this, generation: this.generation };
  }

  isCurrent(s: Session): boolean {
    return s.generation === this.generation && this.state_ === 'open';
  }

  private async current(): Promise<PGlite> {
    // A failed reopen is tried again by the next request rather than leaving the server down.
    if (this.state_ === 'failed' && !this.recovering) this.recovering = this.reopen();
    if (this.recovering) await this.recovering;
    if (this.state_ === 'closed') throw new EmbeddedDatabaseFault('The embedded database is closed.', '57P01');
    if (!this.db) throw new EmbeddedDatabaseFault(`The embedded database could not be reopened after an engine fault (${this.lastFault?.message ?? 'unknown'}).`, '57P03');
    return this.db;
  }

  /**
   * Runs one statement (parameterised) or, without values, a script of several. `transacting`:
   * whether it belongs to a knex transaction (which then holds the only connection).
   */
  async run(session: Session, sql: string, values: readonly unknown[], transacting: boolean, blob?: Blob): Promise<Results | Results[]> {
    const db = await this.current();
    if (session.generation !== this.generation) {
      // The instance this connection (and its transaction) lived on was discarded: rolling back
      // is already done, anything else must not run outside its transaction on the new one.
      if (/^\s*rollback\b/i.test(sql)) return { rows: [], fields: [], affectedRows: 0 };
      throw new EmbeddedDatabaseFault('The embedded database was restarted after an engine fault; this transaction was rolled back.');
    }
    try {
      if (!transacting && db.isInTransaction()) {
        // A transaction left open (its COMMIT or ROLLBACK never ran) would silently swallow every
        // later autocommit write, and an aborted one fails them all: end it first.
        logger.error({ dataDir: this.dataDir ?? 'memory' }, 'embedded database: a transaction was left open; rolling it back');
        await db.exec('ROLLBACK');
      }
      if (values.length === 0 && countStatements(sql) > 1) return await db.exec(sql);
      return await db.query(sql, values.map(toText), { serializers: TEXT_SERIALIZERS as never, ...(blob ? { blob } : {}) });
    } catch (e) {
      if (!isEngineFault(e) || this.borrowed) throw e;
      void this.restart(e);
      throw new EmbeddedDatabaseFault(`The embedded database engine failed (${(e as Error).message}) and is being restarted; retry the request.`);
    }
  }

  /** Discards a faulted instance and opens a new one (the same directory, or an empty memory). */
  restart(cause: unknown): Promise<void> {
    if (this.recovering) return this.recovering;
    if (this.state_ === 'closed') return Promise.resolve();
    // Every existing connection, and the transaction on it, belongs to the old instance now.
    this.generation += 1;
    this.state_ = 'recovering';
    this.faults += 1;
    this.lastFault = { at: new Date(), message: (cause as Error)?.message ?? String(cause) };
    // Not closed: a corrupt instance must not checkpoint its buffers into the directory. What it
    // committed is in the WAL on disk, which the new instance replays.
    this.db = null;
    logger.error({ err: loggableError(cause), dataDir: this.dataDir ?? 'memory' }, 'embedded database engine fault; reopening it');
    this.recovering = this.reopen();
    return this.recovering;
  }

  private async reopen(): Promise<void> {
    this.state_ = 'recovering';
    try {
      const db = await this.create();
      // An in-memory database comes back empty: give it its schema (and admin token) again.
      if (!this.dataDir && this.prepare) await this.prepare(db);
      if (this.state_ !== 'recovering') { await db.close(); return; }
      this.db = db;
      this.state_ = 'open';
      logger.warn({ dataDir: this.dataDir ?? 'memory', lost: this.dataDir ? 'nothing committed' : 'all data (in-memory database)' }, 'embedded database reopened after an engine fault');
    } catch (e) {
      if (this.state_ === 'recovering') this.state_ = 'failed';
      logger.error({ err: loggableError(e), dataDir: this.dataDir ?? 'memory' }, 'embedded database could not be reopened');
    } finally {
      this.recovering = null;
    }
  }

  /** 'ok', or why the database cannot serve now (for /readyz). */
  health(): string {
    if (this.state_ === 'open') return 'ok';
    if (this.state_ === 'recovering') return `embedded database restarting after an engine fault (${this.lastFault?.message})`;
    if (this.state_ === 'failed') return `embedded database could not be reopened after an engine fault (${this.lastFault?.message})`;
    return 'embedded database closed';
  }

  /** The instance, for tests and tools that must reach PGlite itself. */
  get pglite(): PGlite | null { return this.db; }

  async close(): Promise<void> {
    if (this.state_ === 'closed') return;
    const recovering = this.recovering;
    this.state_ = 'closed';
    await recovering?.catch(() => undefined);
    const db = this.db;
    this.db = null;
    try {
      if (db && !this.borrowed) await db.close();
    } finally {
      this.lock?.release();
    }
  }
}

/** knex's PostgreSQL client over an EmbeddedDatabase: one connection, statements via run(). */
class EmbeddedKnexDialect extends PostgreSqlKnexDialect {
  embedded!: EmbeddedDatabase;

  _driver(): null { return null; }

  async acquireRawConnection(): Promise<Session> {
    const s = await this.embedded.session();
    (this as any).version ??= '17.4';
    return s;
  }

  async destroyRawConnection(): Promise<void> {}

  // The pool drops connections of a discarded instance instead of handing them out.
  validateConnection(s: Session): boolean { return s.db.isCurrent(s); }

  async _query(s: Session, obj: any): Promise<any> {
    obj.response = await s.db.run(s, obj.sql, obj.bindings ?? [], Boolean((this as any).transacting));
    return obj;
  }

  async _stream(s: Session, obj: any, stream: NodeJS.WritableStream): Promise<void> {
    const res = await s.db.run(s, obj.sql, obj.bindings ?? [], Boolean((this as any).transacting));
    await new Promise<void>((resolve, reject) => {
      const rows = Array.isArray(res) ? res.flatMap((r) => r.rows) : res.rows;
      Readable.from(rows).on('error', reject).pipe(stream as NodeJS.WritableStream).on('finish', resolve).on('error', reject);
    });
  }

  processResponse(obj: any, runner: any): unknown {
    const resp = obj.response as Results | Results[];
    if (obj.output) return obj.output.call(runner, resp);
    if (obj.method === 'raw' || Array.isArray(resp)) return resp;
    if (obj.method === 'select') return resp.rows;
    if (obj.method === 'first') return resp.rows[0];
    if (obj.method === 'pluck') return resp.rows.map((r: any) => r[obj.pluck]);
    if (obj.returning) return resp.rows;
    if (obj.method === 'update' || obj.method === 'del') return resp.affectedRows;
    return resp;
  }

  poolDefaults(): any { return { min: 1, max: 1, propagateCreateError: true }; }
}

export class EmbeddedConnection extends AbstractSqlConnection {
  get embedded(): EmbeddedDatabase {
    const ed = (this.config.get('driverOptions') as { embedded?: EmbeddedDatabase }).embedded;
    if (!ed) throw new Error('EmbeddedDriver needs driverOptions.embedded');
    return ed;
  }

  createKnex(): void {
    this.client = this.createKnexClient(EmbeddedKnexDialect as any);
    const dialect = this.client.client as unknown as EmbeddedKnexDialect;
    (dialect as any).ormConfig = this.config;
    dialect.embedded = this.embedded;
    this.connected = true;
  }

  protected getKnexOptions(type: string): Knex.Config {
    // One connection: PGlite is a single session, and a transaction must own it.
    return { client: type, connection: {}, pool: { min: 1, max: 1, propagateCreateError: true } } as Knex.Config;
  }

  getClientUrl(): string { return this.embedded.dataDir ? `pglite://${this.embedded.dataDir}` : 'pglite://memory'; }
  getDefaultClientUrl(): string { return ''; }

  /**
   * MikroORM's execute, except that values travel as parameters: its own version inlines them
   * into the SQL text (fine for a server, which is sent the text as one simple query).
   */
  async execute<T>(queryOrKnex: string | Knex.QueryBuilder | Knex.Raw, params: unknown[] = [], method: 'all' | 'get' | 'run' = 'all', ctx?: Transaction, loggerContext?: LoggingOptions): Promise<T> {
    await this.ensureConnection();
    let sql: string;
    if (Utils.isObject<Knex.QueryBuilder | Knex.Raw>(queryOrKnex)) {
      ctx ??= ((queryOrKnex as any).client.transacting ? queryOrKnex : null) as Transaction | undefined;
      const q = queryOrKnex.toSQL();
      sql = q.sql;
      params = [...(q.bindings ?? [])];
    } else {
      sql = queryOrKnex;
    }
    sql = this.config.get('onQuery')(sql, params);
    const platform = this.platform as unknown as QuotingPlatform;
    const stmt = params.length ? parameterise(sql, params, platform) : { text: sql, values: [] };
    return this.onSession(sql, ctx, loggerContext, async (session, transacting) =>
      this.transformRawResult<T>(await this.embedded.run(session, stmt.text, stmt.values, transacting), method));
  }

  /**
   * `COPY ... FROM '/dev/blob'` with `text` as the data: PGlite's way of COPY from a client (it has
   * no stream), in the transaction `ctx` as execute() runs a statement.
   */
  async copyFrom(sql: string, text: string, ctx?: Transaction, loggerContext?: LoggingOptions): Promise<void> {
    await this.ensureConnection();
    await this.onSession(sql, ctx, loggerContext, (session, transacting) => this.embedded.run(session, sql, [], transacting, new Blob([text])));
  }

  /**
   * `run` on the session of the transaction `ctx` (or a pooled one, given back after), counted and
   * logged as `sql` by QueryCounter, which only counts, without values.
   */
  private onSession<R>(sql: string, ctx: Transaction | undefined, loggerContext: LoggingOptions | undefined, run: (session: Session, transacting: boolean) => Promise<R>): Promise<R> {
    return this.executeQuery(sql, async () => {
      const client = ((ctx as any) ?? this.getKnex()).client;
      if ((ctx as any)?.isCompleted?.()) throw new Error('Transaction query already complete');
      const session: Session = await client.acquireConnection();
      try {
        return await run(session, Boolean(client.transacting));
      } finally {
        await client.releaseConnection(session);
      }
    }, { query: sql, params: [], ...loggerContext });
  }

  protected transformRawResult<T>(res: Results | Results[], method: 'all' | 'get' | 'run'): T {
    if (Array.isArray(res)) return res.map((r) => this.transformRawResult(r, method)) as T;
    if (method === 'get') return res.rows[0] as T;
    if (method === 'all') return res.rows as T;
    const rows = res.rows as Record<string, unknown>[];
    return { affectedRows: res.affectedRows ?? 0, insertId: rows[0]?.id ?? 0, row: rows[0], rows } as T;
  }
}

export class EmbeddedDriver extends AbstractSqlDriver<EmbeddedConnection> {
  constructor(config: Configuration) {
    super(config, new PostgreSqlPlatform(), EmbeddedConnection, ['knex', '@electric-sql/pglite']);
  }
}
