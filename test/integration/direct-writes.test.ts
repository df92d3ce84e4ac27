// Updates and deletes that skip MikroORM's unit of work (src/domain/direct-writes.ts) keep what the
// ORM's path did observable: refusals, change records, the write's answer.
import { startTestServer, requestStatements, type TestServer } from '../helpers/server';

describe('direct writes', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('pglite'); });
  afterAll(async () => { await s?.close(); });

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
    expect(statements.filter((q) => /dependent|json_array_elements_text/.test(q) && / union all /.test(q))).toHaveLength(1);
  });
});
