// Updates and deletes that skip MikroORM's unit of work (src/domain/direct-writes.ts) keep what the
// ORM's path did observable: refusals, change records, the write's answer.
import { startTestServer, requestStatements, type TestServer } from '../helpers/server';
import { directWrites, remove, update } from '../../src/domain/crud';
import type { Caller } from '../../src/domain/users/caller';
import { describe as model } from '../../src/domain/model';
import { AutonomousSystem } from '../../src/domain/peering/autonomous-system';
import { readStoredRows } from '../../src/db/stored-rows';
import { transaction } from '../../src/db/transaction';
import { sqlRows } from '../../src/db/sql-rows';

describe('direct writes', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite'); });
  afterAll(async () => { directWrites.enabled = true; await s?.close(); });

  const ok = async (query: string, variables: Record<string, unknown> = {}) => {
    const r = await s.gql(query, variables);
    expect(r.errors).toBeUndefined();
    return r.data;
  };

  test('a protected row: every restricting key is looked up in one statement, its dependents named once found', async () => {
    const site = (await ok('mutation { createSite(input: {name: "protected-dc"}) { id } }')).createSite.id;
    const free = (await ok('mutation { createSite(input: {name: "free-dc"}) { id } }')).createSite.id;
    expect((await s.http('POST', `/nsot/api/sites/${site}/devices/`, { body: { hostname: 'dep1' } })).status).toBe(201);
    expect((await s.http('POST', `/nsot/api/sites/${site}/networks/`, { body: { cidr: '10.9.0.0/16' } })).status).toBe(201);
    const refused = await s.gql('mutation($id: ID!) { deleteSite(id: $id) }', { id: site });
    expect(refused.errors[0].extensions.code).toBe('CONFLICT');
    expect(refused.errors[0].message).toMatch(/^unable to delete object\. 2 dependent objects were found: dep1 \(\d+\), 10\.9\.0\.0\/16 \(\d+\)$/);
    const statements = await requestStatements(s, () => ok('mutation($id: ID!) { deleteSite(id: $id) }', { id: free }));
    expect(statements.filter((q) => / union all /.test(q))).toHaveLength(1);
  });

  const RECORDS = `query($t: String!, $id: BigInt!) { objectChanges(filter: {changedObjectType: {exact: [$t]}, changedObjectId: {exact: [$id]}}, ordering: ["id"]) {
    items { action objectRepr prechangeData postchangeData } } }`;
  const recordsOf = async (type: string, id: string) => (await ok(RECORDS, { t: type, id: Number(id) })).objectChanges.items;
  const SHOWN = '{ id name irrAsSet localContextData updated tags { name } communities { id } importRoutingPolicies { id } }';

  /** One object's life (updates of columns and lists, an update that changes nothing, delete) through either path, its records with ids as placeholders. */
  const life = async (direct: boolean, fixture: Record<string, string>) => {
    directWrites.enabled = direct;
    try {
      const as = (await ok(`mutation($i: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $i) ${SHOWN} }`,
        { i: { asn: 64777, name: 'Life', tagIds: [fixture.t1], communityIds: [fixture.c1], localContextData: { a: 1 } } })).createAutonomousSystem;
      const update = async (input: Record<string, unknown>) => (await ok(`mutation($id: ID!, $i: AutonomousSystemUpdateInput!) { updateAutonomousSystem(id: $id, input: $i) ${SHOWN} }`, { id: as.id, i: input })).updateAutonomousSystem;
      const answers = [
        await update({ name: 'Life 2', irrAsSet: 'AS-LIFE', localContextData: { b: [2] }, communityIds: [fixture.c2, fixture.c1] }),
        await update({ tagIds: [fixture.t2, fixture.t1] }),
        await update({ name: 'Life 2', irrAsSet: 'AS-LIFE' }),
        await update({ importRoutingPolicyIds: [], irrAsSet: null }),
      ];
      const moved = answers.map((a, i) => a.updated !== (i ? answers[i - 1] : as).updated);
      const session = (await ok(`mutation($i: DirectPeeringSessionCreateInput!) { createDirectPeeringSession(input: $i) { id } }`,
        { i: { localAutonomousSystemId: fixture.local, autonomousSystemId: as.id, ipAddress: '192.0.2.9/31', relationshipId: fixture.rel } })).createDirectPeeringSession.id;
      await ok('mutation($id: ID!, $i: DirectPeeringSessionUpdateInput!) { updateDirectPeeringSession(id: $id, input: $i) { id } }',
        { id: session, i: { localIpAddress: '192.0.2.8/31', comments: 'c', tagIds: [fixture.t1] } });
      await ok('mutation($id: ID!) { deleteDirectPeeringSession(id: $id) }', { id: session });
      await ok('mutation($id: ID!) { deleteAutonomousSystem(id: $id) }', { id: as.id });
      const placeholders = (v: unknown) => JSON.parse(JSON.stringify(v).replaceAll(`"id":${as.id},`, '"id":"AS",').replaceAll(`"id":${session},`, '"id":"S",').replaceAll(`"autonomous_system":${as.id},`, '"autonomous_system":"AS",')
        .replace(/"(created|updated)":"[^"]+"/g, '"$1":"T"'));
      return {
        answers: placeholders(answers.map(({ updated: _u, ...a }) => ({ ...a, id: 'AS' }))), moved,
        as: placeholders(await recordsOf('peering.autonomoussystem', as.id)), session: placeholders(await recordsOf('peering.directpeeringsession', session)),
      };
    } finally {
      directWrites.enabled = true;
    }
  };

  test('an object\'s updates and delete answer and record exactly as through the ORM\'s flush', async () => {
    const made = await ok(`mutation {
      t1: createTag(input: {name: "life-1", slug: "life-1"}) { id } t2: createTag(input: {name: "life-2", slug: "life-2"}) { id }
      c1: createCommunity(input: {name: "lc1", slug: "lc1", value: "65000:11"}) { id } c2: createCommunity(input: {name: "lc2", slug: "lc2", value: "65000:12"}) { id }
      rel: createRelationship(input: {name: "Life rel", slug: "life-rel"}) { id } local: createAutonomousSystem(input: {asn: 64776, name: "Local"}) { id }
    }`);
    const fixture = Object.fromEntries(Object.entries(made).map(([k, v]) => [k, (v as { id: string }).id]));
    const orm = await life(false, fixture);
    const direct = await life(true, fixture);
    // Both paths' "before" hold a bigint and a JSON column's values, not the database's text of them.
    expect(orm.as[1].prechangeData).toMatchObject({ asn: 64777, local_context_data: { a: 1 } });
    expect(direct.as[1].prechangeData).toMatchObject({ asn: 64777, local_context_data: { a: 1 } });
    expect(direct).toEqual(orm);
    // What the ORM's path records, for the record: columns and lists in one update, a list alone, nothing, a delete.
    expect(orm.as.map((r: { action: string }) => r.action)).toEqual(['CREATE', 'UPDATE', 'UPDATE', 'UPDATE', 'DELETE']);
    expect(orm.moved).toEqual([true, false, false, true]);
    expect(orm.as[2].prechangeData.tags).toEqual(['life-1']);
    expect(orm.as[2].postchangeData.tags).toEqual(['life-2', 'life-1']);
  });

  test('an update reads its rows in one statement and writes each set of changed columns in one; a delete is one statement', async () => {
    const made = await ok('mutation { createAutonomousSystems(inputs: [{asn: 64781, name: "s1"}, {asn: 64782, name: "s2"}, {asn: 64783, name: "s3"}]) { id } }');
    const ids = made.createAutonomousSystems.map((x: { id: string }) => x.id);
    const written = await requestStatements(s, () => ok('mutation($i: [AutonomousSystemBulkUpdateInput!]!) { updateAutonomousSystems(inputs: $i) { id } }',
      { i: ids.map((id: string, n: number) => ({ id, comments: `bulk ${n}` })) }));
    expect(written.filter((q) => /^select .* from "peering_autonomoussystem" t where/.test(q))).toHaveLength(1);
    expect(written.filter((q) => /^update "peering_autonomoussystem"/.test(q))).toHaveLength(1);
    const removed = await requestStatements(s, () => ok('mutation($ids: [ID!]!) { deleteAutonomousSystems(ids: $ids) }', { ids }));
    expect(removed.filter((q) => /^delete from "peering_autonomoussystem"/.test(q))).toHaveLength(1);
  });

  test('stored rows are read within the caller\'s row conditions', async () => {
    const made = await ok('mutation { a: createAutonomousSystem(input: {asn: 64791, name: "in scope"}) { id } b: createAutonomousSystem(input: {asn: 64792, name: "out of scope"}) { id } }');
    const ids = [Number(made.a.id), Number(made.b.id)];
    const d = model(AutonomousSystem);
    const rows = await transaction(s.pg.orm.em.fork(), (tem) => readStoredRows(tem, d, ids, [{ field: 'name', in: ['in scope'] }], 'all', true));
    expect(rows.map((r) => [r.id, r.asn, r.name])).toEqual([[ids[0], 64791, 'in scope']]);
  });

  test('an unknown id is not found and a bad value refused, on each surface', async () => {
    const id = (await ok('mutation { createAutonomousSystem(input: {asn: 64795, name: "errors"}) { id } }')).createAutonomousSystem.id;
    const missing = await s.gql('mutation { updateAutonomousSystem(id: "999999", input: {name: "x"}) { id } }');
    expect(missing.errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await s.gql('mutation { deleteAutonomousSystem(id: "999999") }')).errors[0].extensions.code).toBe('NOT_FOUND');
    const bad = await s.gql(`mutation { updateAutonomousSystem(id: "${id}", input: {ipv4MaxPrefixes: -1}) { id } }`);
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await s.http('PATCH', `/api/peering/autonomous-systems/999999/`, { body: { name: 'x' } })).status).toBe(404);
    expect((await s.http('DELETE', `/api/peering/autonomous-systems/999999/`)).status).toBe(404);
    const pm = await s.http('PATCH', `/api/peering/autonomous-systems/${id}/`, { body: { ipv4_max_prefixes: -1 } });
    expect(pm.status).toBe(400);
    expect(pm.json).toEqual({ ipv4_max_prefixes: ['Ensure this value is greater than or equal to 0.'] });
  });

  test('the entity manager that wrote keeps no stale or deleted object of it', async () => {
    const id = Number((await ok('mutation { createAutonomousSystem(input: {asn: 64797, name: "held"}) { id } }')).createAutonomousSystem.id);
    const em = s.pg.orm.em.fork();
    const d = model(AutonomousSystem);
    const admin = { id: 1, username: 'admin', isActive: true, isStaff: true, isSuperuser: true };
    const caller = { user: admin, token: null, error: null, canWrite: true } as unknown as Caller;
    await em.findOneOrFail(AutonomousSystem, id);
    // An answer of its own: nothing reads the objects again after the write.
    await update(em, d, [{ id, input: { name: 'fresh' } }], true, caller, undefined, false, async () => []);
    expect((await em.findOneOrFail(AutonomousSystem, id)).name).toBe('fresh');
    await remove(em, d, [id], caller);
    expect(await em.findOne(AutonomousSystem, id)).toBeNull();
  });
});

describe('direct writes on a PostgreSQL server', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('postgres'); });
  afterAll(async () => { await s?.close(); });

  test('a merging update\'s read waits for a concurrent write of the row and reads what it committed, its lists included', async () => {
    const made = (await s.gql('mutation { t: createTag(input: {name: "merged", slug: "merged"}) { id } a: createAutonomousSystem(input: {asn: 64798, name: "before"}) { id } }')).data;
    const [tag, id] = [Number(made.t.id), Number(made.a.id)];
    const d = model(AutonomousSystem);
    const tags = s.pg.orm.em.getMetadata().find('AutonomousSystem')!.properties.tags;
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => { locked = r; });
    const writer = transaction(s.pg.orm.em.fork(), async (tem) => {
      await readStoredRows(tem, d, [id], [], 'all', true);
      await sqlRows(tem, `update "peering_autonomoussystem" set "name" = 'after' where "id" = ?`, [id]);
      await sqlRows(tem, `insert into "${tags.pivotTable}" ("${tags.joinColumns[0]}", "${tags.inverseJoinColumns[0]}") values (?, ?)`, [id, tag]);
      locked();
      await held;
    });
    await lockTaken;
    const reader = transaction(s.pg.orm.em.fork(), (tem) => readStoredRows(tem, d, [id], [], 'all', true));
    await new Promise((r) => setTimeout(r, 200)); // the reader is waiting for the row lock by now
    release();
    await writer;
    const [row] = await reader;
    expect(row.name).toBe('after');
    expect(row.tags.getItems().map((t: { name: string }) => t.name)).toEqual(['merged']);
  });
});


describe('direct writes on one PostgreSQL connection', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('postgres', { DATABASE_POOL_SIZE: '1' }); });
  afterAll(async () => { await s?.close(); });

  // PostgreSQL plans a prepared statement for its values five times, then keeps the generic plan
  // unless it looks dearer: for a single id named as an array parameter it never did.
  test('an update\'s read and write of one row keep their generic plans', async () => {
    const made = await s.gql('mutation($ins: [AutonomousSystemCreateInput!]!) { createAutonomousSystems(inputs: $ins) { id } }', {
      ins: Array.from({ length: 2000 }, (_, i) => ({ asn: 64512 + i, name: `Planned ${i}` })),
    });
    expect(made.errors).toBeUndefined();
    await s.pg.orm.em.fork().getConnection().execute('analyze');
    const id = made.data.createAutonomousSystems[0].id;
    for (let i = 0; i < 8; i++) {
      const r = await s.gql('mutation($id: ID!, $d: String) { updateAutonomousSystem(id: $id, input: {description: $d}) { id } }', { id, d: `take ${i}` });
      expect(r.errors).toBeUndefined();
    }
    const rows: { statement: string; generic_plans: string }[] = await s.pg.orm.em.fork().getConnection()
      .execute('select statement, generic_plans from pg_prepared_statements', [], 'all');
    const direct = rows.filter((r) => /^(select t\."id".* from "peering_autonomoussystem" t where|update "peering_autonomoussystem" t set "description")/.test(r.statement));
    expect(direct).toHaveLength(2);
    for (const r of direct) expect(Number(r.generic_plans)).toBeGreaterThan(0);
  });
});
