// Fault injection on writes against a real PostgreSQL: each trial sends one bulk write
// (GraphQL or Peering Manager REST) whose chosen item meets a fault inside the write
// transaction, checks that nothing of it was kept, then proves the same server still
// writes. Shared by test/integration/faults.test.ts and bench/faults/run.ts.
import { Client } from 'pg';
import type { TestServer } from './server';
import { seededRandom } from './rng';

export type FaultKind = 'kill' | 'timeout' | 'constraint';
export type Operation = 'gql-create' | 'gql-update' | 'gql-delete' | 'gql-multi' | 'rest-create' | 'rest-update' | 'rest-delete';
export const FAULT_KINDS: FaultKind[] = ['kill', 'timeout', 'constraint'];
export const OPERATIONS: Operation[] = ['gql-create', 'gql-update', 'gql-delete', 'gql-multi', 'rest-create', 'rest-update', 'rest-delete'];

export interface TrialResult {
  trial: number;
  kind: FaultKind;
  op: Operation;
  /** The faulted mutation's kind (in gql-multi, the middle one of three). */
  faulted: 'create' | 'update' | 'delete';
  /** Items in the faulted bulk, and the (0-based) one that meets the fault. */
  size: number;
  position: number;
  /** How the failed request was answered, e.g. `HTTP 503` or `GraphQL SERVICE_UNAVAILABLE`. */
  response: string;
  /** The error PostgreSQL logged for the server's session, e.g. `57014 canceling statement due to statement timeout`. */
  observed: string;
  allOrNone: boolean;
  recovered: boolean;
  problems: string[];
}

const TABLE = 'peering_autonomoussystem';
const CHANGE_LOG = 'core_object_change';
/** SQLSTATEs by the message PostgreSQL logs for them (the server log has no codes at default verbosity). */
const SQLSTATES: [RegExp, string][] = [
  [/terminating connection due to administrator command/, '57P01'],
  [/canceling statement due to statement timeout/, '57014'],
  [/duplicate key value violates unique constraint/, '23505'],
  [/violates foreign key constraint/, '23503'],
];

type AsInput = { asn: number; name: string };
type AsUpdate = { id: number; name: string; description: string };
type Write = { op: 'create'; items: AsInput[] } | { op: 'update'; items: AsUpdate[] } | { op: 'delete'; ids: number[] };
interface Outcome { ok: boolean; label: string }
interface Row { id: number; raw: string; [column: string]: unknown }
interface Snapshot { rows: Row[]; changes: Row[] }

/** Which kind and operation trial i covers: any 21 consecutive trials cover every pair. */
export function trialCell(i: number): { kind: FaultKind; op: Operation } {
  return { kind: FAULT_KINDS[i % FAULT_KINDS.length], op: OPERATIONS[Math.floor(i / FAULT_KINDS.length) % OPERATIONS.length] };
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FaultLab {
  private constructor(private server: TestServer, private db: Client) {}

  /** A direct connection (superuser, as the test PostgreSQL's) to the server's database. */
  static async open(server: TestServer): Promise<FaultLab> {
    const db = new Client({ connectionString: server.config.databaseUrl });
    await db.connect();
    return new FaultLab(server, db);
  }

  async close(): Promise<void> {
    await this.db.end();
  }

  /** Trial i with its own random stream, so one trial replays alone from (seed, i). */
  async run(i: number, seed: number): Promise<TrialResult> {
    const rng = seededRandom((seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0);
    const { kind, op } = trialCell(i);
    const size = 2 + Math.floor(rng() * 7);
    // A constraint is hit by the last item: every earlier row is already written by then.
    const position = kind === 'constraint' ? size - 1 : Math.floor(rng() * size);
    const inner = op === 'gql-multi' ? (['create', 'update', 'delete'] as const)[Math.floor(rng() * 3)] : (op.split('-')[1] as Write['op']);
    const prefix = `ft${i}-`;
    const asn = (offset: number, j: number) => 4_200_000_000 + i * 100 + offset + j;

    const fixtures = inner === 'create' ? [] : await this.createFixtures(Array.from({ length: size }, (_, j) => ({ asn: asn(0, j), name: `${prefix}f${j}` })));
    const write = planWrite(inner, size, prefix, (j) => asn(20, j), fixtures);
    if (kind === 'constraint' && write.op !== 'delete') {
      // The last item repeats the first one's name; a unique index over this trial's names refuses it.
      write.items[size - 1].name = write.items[0].name;
    }
    // gql-multi: the faulted mutation between two creates, which the retry makes anew (ASNs are unique).
    const around = (tag: string, offset: number): Write => ({ op: 'create', items: [0, 1].map((j) => ({ asn: asn(offset, j), name: `${prefix}${tag}${j}` })) });
    const writes: Write[] = op === 'gql-multi' ? [around('a', 40), write, around('c', 50)] : [write];
    const retried: Write[] = op === 'gql-multi' ? [around('ra', 60), write, around('rc', 70)] : [write];
    const send = (ws: Write[]) => (op.startsWith('rest-') ? this.rest(write) : this.graphql(ws));

    const result: TrialResult = { trial: i, kind, op, faulted: inner, size, position, response: '', observed: '', allOrNone: false, recovered: false, problems: [] };
    const problems = result.problems;
    const before = await this.snapshot();
    const pids = await this.serverPids();
    const logFrom = await this.logSize();
    let killed: number | null = null;
    await this.install(kind, write, position, prefix);
    let failed: Outcome;
    try {
      if (kind === 'kill') {
        const pending = send(writes);
        killed = await this.killSleeper(pending);
        failed = await pending;
      } else {
        failed = await send(writes);
      }
    } finally {
      await this.uninstall();
    }
    result.response = failed.label;
    if (failed.ok) problems.push(`the faulted request succeeded (${failed.label})`);
    if (failed.label.startsWith('no response')) problems.push(`the server did not answer: ${failed.label}`);
    if (kind === 'constraint' && /HTTP 5|INTERNAL_SERVER_ERROR/.test(failed.label)) problems.push(`a constraint violation answered as a server error (${failed.label})`);
    // A lost connection or a timeout is the database's failure, not the request's: retryable.
    if (kind !== 'constraint' && !/HTTP 503|SERVICE_UNAVAILABLE/.test(failed.label)) problems.push(`a database failure not answered as 503 / SERVICE_UNAVAILABLE (${failed.label})`);

    if (kind === 'kill' && killed === null) problems.push('no sleeping backend was found to kill');
    result.observed = await this.observedError(logFrom, new Set([...pids, ...(await this.serverPids()), ...(killed ? [killed] : [])]));
    const expected = kind === 'kill' ? '57P01' : kind === 'timeout' ? '57014' : write.op === 'delete' ? '23503' : '23505';
    if (!result.observed.startsWith(expected)) problems.push(`PostgreSQL should have raised ${expected}, it logged: ${result.observed || 'nothing'}`);

    // Per-mutation all-or-none: in a multi-mutation document the mutation before the
    // faulted one has committed; the faulted one and the one after it left nothing.
    const kept = op === 'gql-multi' ? writes.slice(0, 1) : [];
    const afterFailure = await this.snapshot();
    const leftovers = checkEffect(before, afterFailure, kept);
    result.allOrNone = leftovers.length === 0;
    problems.push(...leftovers.map((p) => `after the failure: ${p}`));

    // The same request again, with no fault, through the same server.
    const retry = await send(retried);
    const afterRetry = await this.snapshot();
    const missing = retry.ok ? checkEffect(afterFailure, afterRetry, retried) : [`the write after the fault failed: ${retry.label}`];
    result.recovered = missing.length === 0;
    problems.push(...missing.map((p) => `after recovery: ${p}`));
    return result;
  }

  private async createFixtures(items: AsInput[]): Promise<number[]> {
    const r = await this.server.gql('mutation($i: [AutonomousSystemCreateInput!]!) { createAutonomousSystems(inputs: $i) { id } }', { i: items });
    if (r?.errors || !r?.data) throw new Error(`fixtures: ${JSON.stringify(r).slice(0, 500)}`);
    return r.data.createAutonomousSystems.map((x: { id: string }) => Number(x.id));
  }

  /** Installs the fault for this trial's chosen item; `uninstall` removes any of them. */
  private async install(kind: FaultKind, write: Write, position: number, prefix: string): Promise<void> {
    if (kind === 'constraint') {
      if (write.op === 'delete') {
        // A row elsewhere still points at the last item: its DELETE breaks a foreign key.
        await this.db.query(`create table fault_guard (as_id int not null references ${TABLE} (id))`);
        await this.db.query('insert into fault_guard values ($1)', [write.ids[position]]);
      } else {
        await this.db.query(`create unique index fault_name on ${TABLE} (name) where name like ${quote(`${prefix}%`)}`);
      }
      return;
    }
    const name = write.op === 'create' ? write.items[position].name : '';
    const id = write.op === 'create' ? 0 : write.op === 'update' ? write.items[position].id : write.ids[position];
    // 'sleep' holds the chosen row's statement until the test kills its backend. 'arm':
    // PostgreSQL fixes a statement's timeout when it starts, so the chosen row lowers it
    // for the rest of the transaction and the next statement (the change-log insert,
    // part of every write) sleeps past it: a genuine statement timeout mid-transaction.
    await this.db.query(`create function fault_hit() returns trigger language plpgsql as $$
      begin
        if (tg_op = 'INSERT' and new.name = tg_argv[0]) or (tg_op <> 'INSERT' and old.id = tg_argv[1]::int) then
          if tg_argv[2] = 'sleep' then
            perform pg_sleep(60);
          else
            perform set_config('statement_timeout', '100', true);
            perform set_config('peergate.fault', 'armed', true);
          end if;
        end if;
        if tg_op = 'DELETE' then return old; end if;
        return new;
      end $$`);
    await this.db.query(`create trigger fault_hit before insert or update or delete on ${TABLE}
      for each row execute function fault_hit(${quote(name)}, ${quote(String(id))}, ${quote(kind === 'kill' ? 'sleep' : 'arm')})`);
    if (kind === 'timeout') {
      await this.db.query(`create function fault_stall() returns trigger language plpgsql as $$
        begin
          if current_setting('peergate.fault', true) = 'armed' then perform pg_sleep(10); end if;
          return null;
        end $$`);
      await this.db.query(`create trigger fault_stall before insert on ${CHANGE_LOG} for each statement execute function fault_stall()`);
    }
  }

  private async uninstall(): Promise<void> {
    await this.db.query(`drop trigger if exists fault_hit on ${TABLE}; drop function if exists fault_hit();
      drop trigger if exists fault_stall on ${CHANGE_LOG}; drop function if exists fault_stall();
      drop index if exists fault_name; drop table if exists fault_guard`);
  }

  /** Terminates the backend sleeping in the trigger, once the request has reached it. */
  private async killSleeper(pending: Promise<Outcome>): Promise<number | null> {
    let answered = false;
    void pending.then(() => { answered = true; });
    const deadline = Date.now() + 20_000;
    while (!answered && Date.now() < deadline) {
      const r = await this.db.query(`select pid from pg_stat_activity where datname = current_database() and wait_event = 'PgSleep' and pid <> pg_backend_pid()`);
      if (r.rows.length) {
        await this.db.query('select pg_terminate_backend($1)', [r.rows[0].pid]);
        return r.rows[0].pid as number;
      }
      await sleep(5);
    }
    return null;
  }

  private async snapshot(): Promise<Snapshot> {
    const rows = await this.db.query(`select id, asn::text, name, description, t::text as raw from ${TABLE} t order by id`);
    const changes = await this.db.query(`select id, action, changed_object_id::int, t::text as raw from ${CHANGE_LOG} t order by id`);
    return { rows: rows.rows, changes: changes.rows };
  }

  /** Terminates every session the server has on its database, as a PostgreSQL restart would. */
  async terminateServerSessions(): Promise<number> {
    const r = await this.db.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    return r.rowCount ?? 0;
  }

  /** The server's sessions on this database (its pool and its event bus). */
  private async serverPids(): Promise<number[]> {
    const r = await this.db.query('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    return r.rows.map((x) => x.pid as number);
  }

  // The server log of a PostgreSQL from test/helpers/postgres.ts is `server.log` in its
  // data directory, readable by a superuser; the first ERROR or FATAL line of one of
  // the server's sessions since the trial began is what PostgreSQL raised.
  private async logSize(): Promise<number> {
    return Number((await this.db.query(`select size from pg_stat_file('server.log')`)).rows[0].size);
  }

  private async observedError(from: number, pids: Set<number>): Promise<string> {
    const text: string = (await this.db.query(`select pg_read_file('server.log', $1, $2) as t`, [from, (await this.logSize()) - from])).rows[0].t;
    for (const line of text.split('\n')) {
      const m = /\[(\d+)\] (?:ERROR|FATAL):\s+(.*)$/.exec(line);
      if (!m || !pids.has(Number(m[1]))) continue;
      const code = SQLSTATES.find(([re]) => re.test(m[2]))?.[1] ?? '?????';
      return `${code} ${m[2]}`;
    }
    return '';
  }

  private async graphql(writes: Write[]): Promise<Outcome> {
    const vars: Record<string, unknown> = {};
    const fields = writes.map((w, k) => {
      const v = `v${k}`;
      if (w.op === 'create') { vars[v] = w.items; return { decl: `$${v}: [AutonomousSystemCreateInput!]!`, field: `m${k}: createAutonomousSystems(inputs: $${v}) { id }` }; }
      if (w.op === 'update') { vars[v] = w.items.map((x) => ({ ...x, id: String(x.id) })); return { decl: `$${v}: [AutonomousSystemBulkUpdateInput!]!`, field: `m${k}: updateAutonomousSystems(inputs: $${v}) { id }` }; }
      vars[v] = w.ids.map(String);
      return { decl: `$${v}: [ID!]!`, field: `m${k}: deleteAutonomousSystems(ids: $${v})` };
    });
    const query = `mutation(${fields.map((f) => f.decl).join(', ')}) { ${fields.map((f) => f.field).join(' ')} }`;
    return this.answer(() => this.server.http('POST', '/graphql', { body: { query, variables: vars } }), (r) => {
      const errors = r.json?.errors as { extensions?: { code?: string } }[] | undefined;
      return errors?.length ? { ok: false, label: `GraphQL ${errors[0].extensions?.code ?? 'error'}` } : { ok: r.status === 200 && !!r.json?.data, label: `HTTP ${r.status}` };
    });
  }

  private async rest(w: Write): Promise<Outcome> {
    const path = '/api/peering/autonomous-systems/';
    const [method, body] = w.op === 'create' ? ['POST', w.items] : w.op === 'update' ? ['PATCH', w.items] : ['DELETE', w.ids.map((id) => ({ id }))];
    return this.answer(() => this.server.http(method, path, { body }), (r) => ({ ok: r.status >= 200 && r.status < 300, label: `HTTP ${r.status}` }));
  }

  private async answer<R>(request: () => Promise<R>, judge: (r: R) => Outcome): Promise<Outcome> {
    try {
      return judge(await request());
    } catch (e) {
      return { ok: false, label: `no response: ${(e as Error).message}` };
    }
  }
}

function planWrite(op: Write['op'], size: number, prefix: string, asn: (j: number) => number, fixtures: number[]): Write {
  if (op === 'create') return { op, items: Array.from({ length: size }, (_, j) => ({ asn: asn(j), name: `${prefix}n${j}` })) };
  if (op === 'update') return { op, items: fixtures.map((id, j) => ({ id, name: `${prefix}u${j}`, description: `updated in trial ${prefix}` })) };
  return { op, ids: fixtures };
}

/**
 * Differences between `after` and exactly `before` plus `writes`: untouched rows of both
 * tables byte-identical, written rows as asked, one change-log row per written object.
 */
export function checkEffect(before: Snapshot, after: Snapshot, writes: Write[]): string[] {
  const problems: string[] = [];
  const deleted = new Set(writes.flatMap((w) => (w.op === 'delete' ? w.ids : [])));
  const updated = new Map(writes.flatMap((w) => (w.op === 'update' ? w.items.map((x) => [x.id, x] as const) : [])));
  const afterById = new Map(after.rows.map((r) => [r.id, r]));
  const beforeIds = new Set(before.rows.map((r) => r.id));
  for (const row of before.rows) {
    const now = afterById.get(row.id);
    const u = updated.get(row.id);
    if (deleted.has(row.id)) { if (now) problems.push(`row ${row.id} was not deleted`); continue; }
    if (!now) problems.push(`row ${row.id} disappeared`);
    else if (u) { if (now.name !== u.name || now.description !== u.description) problems.push(`row ${row.id} was not updated: ${now.raw}`); }
    else if (now.raw !== row.raw) problems.push(`row ${row.id} changed: ${row.raw} -> ${now.raw}`);
  }
  const created = after.rows.filter((r) => !beforeIds.has(r.id));
  const want = writes.flatMap((w) => (w.op === 'create' ? w.items.map((x) => `${x.asn}|${x.name}`) : [])).sort();
  const got = created.map((r) => `${r.asn}|${r.name}`).sort();
  if (want.join() !== got.join()) problems.push(`new rows ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);

  const changesAfter = new Map(after.changes.map((c) => [c.id, c]));
  const changeIds = new Set(before.changes.map((c) => c.id));
  for (const c of before.changes) if (changesAfter.get(c.id)?.raw !== c.raw) problems.push(`change-log row ${c.id} changed or disappeared`);
  const logged = after.changes.filter((c) => !changeIds.has(c.id)).map((c) => `${c.action} ${c.changed_object_id}`).sort();
  const expected = [
    ...created.map((r) => `create ${r.id}`),
    ...[...updated.keys()].map((id) => `update ${id}`),
    ...[...deleted].map((id) => `delete ${id}`),
  ].sort();
  if (logged.join() !== expected.join()) problems.push(`change log got ${JSON.stringify(logged)}, expected ${JSON.stringify(expected)}`);
  return problems;
}

/** One line per trial, for failure messages and the bench's log. */
export function describeTrial(r: TrialResult, seed: number): string {
  return `FAULTS_SEED=${seed} trial ${r.trial}: ${r.kind} on ${r.op} (${r.faulted}) item ${r.position + 1}/${r.size} -> ${r.response}; PostgreSQL: ${r.observed || 'nothing logged'}`;
}
