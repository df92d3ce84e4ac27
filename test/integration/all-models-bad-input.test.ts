// Every generated mutation of every model answers bad input with a GraphQL error that
// carries extensions.code (never an internal error) and leaves stored data unchanged.
import '../../src/domain';
import { allModels, type ModelDescriptor } from '../../src/domain/model';
import { inputNames, writableFields } from '../../src/domain/inputs';
import { startTestServer, type TestServer } from '../helpers/server';

const writable = allModels().filter((d) => !d.readOnly);

/** A value of the wrong GraphQL type for a scalar field. */
function wrongType(d: ModelDescriptor): [string, unknown] | null {
  const f = writableFields(d).find((x) => ['int', 'bigint', 'asn', 'bool'].includes(x.kind));
  if (f) return [f.name, f.kind === 'bool' ? 'not-a-bool' : 'not-a-number'];
  const s = writableFields(d).find((x) => ['string', 'text', 'choice', 'ip'].includes(x.kind));
  return s ? [s.name, { nested: 'object' }] : null;
}

describe('bad input to every mutation', () => {
  let s: TestServer;
  let before: string;
  const snapshot = async () => {
    const counts: string[] = [];
    for (const d of allModels()) {
      const r = await s.pg.orm.em.fork().getConnection().execute(`select count(*)::int as n, coalesce(max(id), 0) as m from "${d.table}"`);
      counts.push(`${d.table}=${r[0].n}/${r[0].m}`);
    }
    return counts.join(',');
  };

  beforeAll(async () => {
    s = await startTestServer('pglite');
    before = await snapshot();
  });
  afterAll(async () => { await s?.close(); });

  const expectClientError = (r: any, what: string) => {
    expect(r.errors?.length).toBeGreaterThan(0);
    const code = r.errors[0].extensions?.code;
    if (!['BAD_USER_INPUT', 'NOT_FOUND', 'GRAPHQL_VALIDATION_FAILED', 'CONFLICT'].includes(code)) throw new Error(`${what}: ${JSON.stringify(r.errors[0])}`);
  };

  test.each(writable.map((d) => [d.name, d]))('%s', async (_name, d: ModelDescriptor) => {
    const create = `mutation($i: ${d.name}CreateInput!) { create${d.name}(input: $i) { id } }`;
    // Missing required fields.
    if (writableFields(d).some((f) => f.required)) {
      const r = await s.gql(create, { i: {} });
      expectClientError(r, `${d.name} empty input`);
      expect(r.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    // A value of the wrong type.
    const wrong = wrongType(d);
    if (wrong) {
      const r = await s.gql(create, { i: { [wrong[0]]: wrong[1] } });
      expectClientError(r, `${d.name} wrong type`);
    }
    // Unknown related ids, for every relation.
    for (const f of writableFields(d).filter((x) => x.kind === 'fk' || x.kind === 'm2m')) {
      const names = inputNames(f);
      const r = await s.gql(create, { i: { [names.id!]: f.kind === 'fk' ? '987654' : ['987654'] } });
      expectClientError(r, `${d.name}.${f.name} unknown id`);
      // Either the relation is named as not found, or required fields are reported first.
      const fields = r.errors[0].extensions.fields ?? {};
      expect(fields[f.name]?.join(' ') ?? Object.values(fields).flat().join(' ')).toMatch(/not found|required/i);
    }
    // Unknown ids on update, replace and delete; an unknown field.
    const upd = await s.gql(`mutation($i: ${d.name}UpdateInput!) { update${d.name}(id: "987654", input: $i) { id } }`, { i: {} });
    expectClientError(upd, `${d.name} update unknown id`);
    expect(upd.errors[0].extensions.code).toBe('NOT_FOUND');
    const del = await s.gql(`mutation { delete${d.name}(id: "987654") }`);
    expect(del.errors[0].extensions.code).toBe('NOT_FOUND');
    const bogus = await s.gql(create, { i: { noSuchField: 1 } });
    expectClientError(bogus, `${d.name} unknown field`);
    // An id that is not a number at all.
    const badId = await s.gql(`mutation { delete${d.name}(id: "abc") }`);
    expectClientError(badId, `${d.name} delete abc`);
  });

  test('nothing was written', async () => {
    expect(await snapshot()).toBe(before);
  });
});
