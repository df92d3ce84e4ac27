// What the read compiler's statements carry besides the answer (src/graphql/read-compiler): a
// list's filter rendered once for its page and its count.
import { startTestServer, type TestServer } from '../helpers/server';
import { post } from '../helpers/pm';
import { EmbeddedConnection } from '../../src/db/embedded';

describe('read compiler statements', () => {
  let s: TestServer;
  const statements: string[] = [];
  const execute = EmbeddedConnection.prototype.execute;
  beforeAll(async () => {
    s = await startTestServer('pglite');
    const [us, ...ases] = await post(s, '/api/peering/autonomous-systems/', [0, 1, 2, 3].map((i) => ({ asn: 64500 + i, name: `AS ${i}`, irr_as_set: `AS-SET-${i}` })));
    const [ix] = await post(s, '/api/peering/internet-exchanges/', [{ name: 'IX 0', slug: 'ix-0', local_autonomous_system: us.id }]);
    const [conn] = await post(s, '/api/net/connections/', [{ internet_exchange_point: ix.id, router: null, ipv4_address: '10.0.0.1/16' }]);
    await post(s, '/api/peering/internet-exchange-peering-sessions/', ases.map((a: { id: number }, i: number) => ({ autonomous_system: a.id, ixp_connection: conn.id, ip_address: `10.0.1.${i + 1}` })));
    (EmbeddedConnection.prototype as any).execute = function (this: EmbeddedConnection, q: unknown, ...rest: unknown[]) {
      if (typeof q === 'string' && q.includes('as j')) statements.push(q);
      return (execute as any).call(this, q, ...rest);
    };
  }, 120_000);
  afterAll(async () => {
    EmbeddedConnection.prototype.execute = execute;
    await s?.close();
  });

  const read = async (query: string) => {
    statements.length = 0;
    const r = await s.gql(query);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data;
  };

  test('a filtered page with its count renders the filter once: the count reads its rows under the page\'s alias', async () => {
    const data = await read('{ autonomousSystems(filter: {asn: {gte: 64502}}, ordering: ["asn"], limit: 1) { totalCount items { asn } } }');
    expect(data.autonomousSystems).toEqual({ totalCount: 2, items: [{ asn: 64502 }] });
    const [statement] = statements;
    const [, counted] = /count\(\*\)::int from "peering_autonomoussystem" (_c\d+)/.exec(statement)!;
    const [, paged] = /left join \(select (_c\d+)\.\* from "peering_autonomoussystem" \1/.exec(statement)!;
    expect(counted).toBe(paged);
  });
});
