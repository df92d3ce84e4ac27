// The read compiler's statements on a PostgreSQL server run as named prepared statements
// (src/db/prepared-reads.ts): one per statement text per connection, limits and offsets as
// parameters, one-offs unnamed, the least recently used deallocated past the bound.
import type { EntityManager } from '@mikro-orm/core';
import type { AbstractSqlConnection, Knex } from '@mikro-orm/knex';
import { startTestServer, type TestServer } from '../helpers/server';
import { executeRead, preparedName, type PgClient } from '../../src/db/prepared-reads';
import { intParam } from '../../src/graphql/read-compiler/sql';

describe('prepared reads (PostgreSQL)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('postgres');
    const r = await s.gql(`mutation { ${['a', 'b', 'c'].map((x) => `${x}: createTag(input: {name: "${x}", slug: "${x}"}) { id }`).join(' ')} }`);
    expect(r.errors).toBeUndefined();
  });
  afterAll(async () => { await s?.close(); });

  const prepared = async (em: EntityManager): Promise<string[]> => {
    const rows: { statement: string }[] = await em.getConnection().execute('select statement from pg_prepared_statements', [], 'all', em.getTransactionContext());
    return rows.map((r) => r.statement);
  };

  test('a statement read again is prepared once on its connection, its limit and offset as parameters', async () => {
    const page = 'select slug from extras_tag order by slug limit ? offset ?';
    await s.pg.orm.em.fork().transactional(async (em) => {
      const slugs: string[] = [];
      for (const offset of [0, 1, 2]) {
        const limit = intParam(1).params[0];
        const rows = await executeRead(em, page, [limit, intParam(offset).params[0]]);
        slugs.push(...rows.map((r) => r.slug));
      }
      expect(slugs).toEqual(['a', 'b', 'c']);
      const once = 'select count(*)::int as n from extras_tag where slug <> ?';
      expect(await executeRead(em, once, ['zz-one-off'])).toEqual([{ n: 3 }]);
      const statements = await prepared(em);
      expect(statements.filter((t) => t === 'select slug from extras_tag order by slug limit $1 offset $2')).toHaveLength(1);
      expect(statements.filter((t) => t.includes('zz-one-off') || t.includes('slug <> $1'))).toHaveLength(0);
    });
  });

  test('GraphQL list pages read through prepared statements answer as before', async () => {
    const pages = [];
    for (const offset of [0, 1, 2, 0]) {
      const r = await s.gql('query($o: Int) { tags(limit: 1, offset: $o) { totalCount items { slug } } }', { o: offset });
      expect(r.errors).toBeUndefined();
      pages.push([r.data.tags.totalCount, ...r.data.tags.items.map((t: { slug: string }) => t.slug)]);
    }
    expect(pages).toEqual([[3, 'a'], [3, 'b'], [3, 'c'], [3, 'a']]);
  });

  test('past the bound, the least recently used statement is deallocated and prepared again under a new name when read again', async () => {
    const client = (s.pg.orm.em.getConnection() as AbstractSqlConnection).getKnex().client as Knex.Client;
    const pg = await client.acquireConnection() as PgClient;
    try {
      const texts = ['select 1 as x', 'select 2 as x', 'select 3 as x'];
      const names: string[] = [];
      for (const text of texts) {
        names.push(await preparedName(pg, text, 2));
        await pg.query({ name: names.at(-1), text, values: [] });
      }
      const held = async () => ((await pg.query('select name from pg_prepared_statements')) as { rows: { name: string }[] }).rows.map((r) => r.name);
      expect(await held()).not.toContain(names[0]);
      expect(await held()).toEqual(expect.arrayContaining(names.slice(1)));
      const again = await preparedName(pg, texts[0], 2);
      expect(names).not.toContain(again);
      expect((await pg.query({ name: again, text: texts[0], values: [] })).rows).toEqual([{ x: 1 }]);
      expect(await held()).not.toContain(names[1]);
    } finally {
      await client.releaseConnection(pg);
    }
  });
});

describe('reads unprepared behind a transaction-mode pooler (DATABASE_PREPARED_STATEMENTS=false)', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('postgres', { DATABASE_PREPARED_STATEMENTS: 'false' }); });
  afterAll(async () => { await s?.close(); });

  test('a statement read again runs unnamed: its session holds no prepared statement', async () => {
    await s.pg.orm.em.fork().transactional(async (em) => {
      const page = 'select slug from extras_tag order by slug limit ? offset ?';
      for (const offset of [0, 1, 2]) await executeRead(em, page, [intParam(1).params[0], intParam(offset).params[0]]);
      const rows: { statement: string }[] = await em.getConnection().execute('select statement from pg_prepared_statements', [], 'all', em.getTransactionContext());
      expect(rows.filter((r) => r.statement.includes('extras_tag'))).toEqual([]);
    });
    const r = await s.gql('{ tags(limit: 1) { totalCount } }');
    expect(r.errors).toBeUndefined();
  });
});

describe("a single write's answer (PostgreSQL, one connection)", () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('postgres', { DATABASE_POOL_SIZE: '1' }); });
  afterAll(async () => { await s?.close(); });

  // PostgreSQL plans a prepared statement for its values five times, then keeps the generic plan
  // unless it looks dearer: of an id array parameter it guessed ten rows, so it never did.
  test('keeps its generic plan once PostgreSQL has tried it', async () => {
    // Tables the planner knows to be large enough for ten owners' tags to cost more than one's.
    const tags = await s.gql(`mutation { ${Array.from({ length: 20 }, (_, i) => `t${i}: createTag(input: {name: "T${i}", slug: "t${i}"}) { id }`).join(' ')} }`);
    expect(tags.errors).toBeUndefined();
    const tagIds = Object.values(tags.data).map((t: any) => t.id);
    const many = await s.gql('mutation($ins: [AutonomousSystemCreateInput!]!) { createAutonomousSystems(inputs: $ins) { id } }', {
      ins: Array.from({ length: 2000 }, (_, i) => ({ asn: 64512 + i, name: `Planned ${i}`, tagIds: [tagIds[i % 20], tagIds[(i + 7) % 20]] })),
    });
    expect(many.errors).toBeUndefined();
    await s.pg.orm.em.fork().getConnection().execute('analyze');
    const id = many.data.createAutonomousSystems[0].id;
    for (let i = 0; i < 8; i++) {
      const r = await s.gql('mutation($id: ID!, $d: String) { updateAutonomousSystem(id: $id, input: {description: $d}) { id description tags { slug } } }', { id, d: `take ${i}` });
      expect(r.errors).toBeUndefined();
      expect(r.data.updateAutonomousSystem).toEqual({ id, description: `take ${i}`, tags: [{ slug: 't0' }, { slug: 't7' }] });
    }
    const rows: { statement: string; generic_plans: string }[] = await s.pg.orm.em.fork().getConnection()
      .execute('select statement, generic_plans from pg_prepared_statements', [], 'all');
    const answers = rows.filter((r) => r.statement.includes('"description"') && r.statement.includes('"__owner"'));
    expect(answers).toHaveLength(1);
    expect(Number(answers[0].generic_plans)).toBeGreaterThan(0);
  });
});
