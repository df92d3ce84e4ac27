// What the read compiler's statements carry besides the answer (src/graphql/read-compiler): a
// list's filter rendered once for its page and its count, and of the related rows a derived value
// (`display`) reads only the fields it reads; a read of a field such a row did not bring still
// answers right (the read runs again with whole rows, and they stay whole).
import { startTestServer, type TestServer } from '../helpers/server';
import { post } from '../helpers/pm';
import { EmbeddedConnection } from '../../src/db/embedded';
import { describe as describeModel, type ModelDescriptor } from '../../src/domain/model';
import { InternetExchangePeeringSession } from '../../src/domain/peering/internet-exchange-peering-session';

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
  const sessions = '{ internetExchangePeeringSessions(ordering: ["ipAddress"]) { items { display } } }';
  const displays = ['IX 0 - AS64501 - IP 10.0.1.1', 'IX 0 - AS64502 - IP 10.0.1.2', 'IX 0 - AS64503 - IP 10.0.1.3'];

  test('a filtered page with its count renders the filter once: the count reads its rows under the page\'s alias', async () => {
    const data = await read('{ autonomousSystems(filter: {asn: {gte: 64502}}, ordering: ["asn"], limit: 1) { totalCount items { asn } } }');
    expect(data.autonomousSystems).toEqual({ totalCount: 2, items: [{ asn: 64502 }] });
    const [statement] = statements;
    const [, counted] = /count\(\*\)::int from "peering_autonomoussystem" (_c\d+)/.exec(statement)!;
    const [, paged] = /left join \(select (_c\d+)\.\* from "peering_autonomoussystem" \1/.exec(statement)!;
    expect(counted).toBe(paged);
  });

  test('a display reads of its related rows only the fields it reads', async () => {
    expect((await read(sessions)).internetExchangePeeringSessions.items.map((o: { display: string }) => o.display)).toEqual(displays);
    expect(statements).toHaveLength(1);
    // The AS's asn, the IX's name: not their other columns (irr_as_set, an IX's slug).
    expect(statements[0]).toContain('"asn"');
    expect(statements[0]).not.toContain('"irr_as_set"');
    expect(statements[0]).not.toContain('"slug"');
  });

  test('a display reading a related field on a branch its trace did not take answers right: read again with whole rows, which stay whole', async () => {
    const d: ModelDescriptor = describeModel(InternetExchangePeeringSession);
    const display = d.display;
    // The trace's stand-ins have no asn, so the branch reading irrAsSet is not taken there.
    d.display = async (o, load) => {
      const as = await load<any>(o, 'autonomousSystem');
      return as?.asn === 64502 ? `${as.irrAsSet}` : `AS${as?.asn}`;
    };
    try {
      const want = ['AS64501', 'AS-SET-2', 'AS64503'];
      expect((await read(sessions)).internetExchangePeeringSessions.items.map((o: { display: string }) => o.display)).toEqual(want);
      expect(statements).toHaveLength(2);
      expect(statements[1]).toContain('"irr_as_set"');
      expect((await read(sessions)).internetExchangePeeringSessions.items.map((o: { display: string }) => o.display)).toEqual(want);
      expect(statements).toHaveLength(1);
    } finally {
      d.display = display;
    }
  });
});
