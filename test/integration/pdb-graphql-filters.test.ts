// PeeringDB's query-string filters as GraphQL filter inputs of the mirror types: what the
// dialect's lists translate to is what GraphQL clients (and Peering Manager's view of the
// mirror) can send themselves, one statement per list.
import { requestStatements } from '../helpers/server';
import { seededPdbServer } from '../helpers/pdb';
import { RawQueryFragment } from '@mikro-orm/core';
import { queryStats } from '../../src/db/context';

describe('PeeringDB filters through GraphQL', () => {
  const pdb = seededPdbServer('G');

  const TYPES: Record<string, string> = { pdbNetworks: 'PdbNetwork', pdbOrganizations: 'PdbOrganization', pdbFacilities: 'PdbFacility', pdbInternetExchanges: 'PdbInternetExchange', pdbNetworkIxLans: 'PdbNetworkIxLan', pdbIxLanPrefixes: 'PdbIxLanPrefix' };
  /** Ids of a root list's items (every list here is small). */
  const ids = async (field: string, filter: Record<string, unknown>): Promise<number[]> => {
    const r = await pdb.s.gql(`query($f: ${TYPES[field]}Filter) { ${field}(filter: $f) { items { id } } }`, { f: filter });
    expect(r.errors).toBeUndefined();
    return r.data[field].items.map((o: { id: string }) => Number(o.id)).sort((a: number, b: number) => a - b);
  };

  test('a filter refused half-way leaves none of its raw SQL keys behind in the process', async () => {
    // q with a number is a raw() condition on the ASN's text, built before the bad organization id is refused.
    const refused = () => pdb.s.gql('query($f: PdbNetworkFilter) { pdbNetworks(filter: $f) { items { id } } }', { f: { q: '65', org: { exact: ['x'] } } });
    expect((await refused()).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const before = RawQueryFragment.checkCacheSize();
    for (let i = 0; i < 20; i++) expect((await refused()).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(RawQueryFragment.checkCacheSize()).toBe(before);
  });

  test('folded text lookups: accents and case on both sides', async () => {
    expect(await ids('pdbNetworks', { name: { fie: ['g net ALPHA'] } })).toEqual([pdb.w.net]);
    expect(await ids('pdbNetworks', { name: { fie: ['G Net Alpha', 'g net beta'] } })).toEqual([pdb.w.net, pdb.w.net2]);
    expect(await ids('pdbNetworks', { name: { fie: [] } })).toEqual([]);
    expect(await ids('pdbOrganizations', { city: { fic: ['zuri'] } })).toEqual([pdb.w.org]); // stored as Zürich
    expect(await ids('pdbFacilities', { name: { fisw: ['g fäc z'] } })).toEqual([pdb.w.fac]);
    expect(await ids('pdbNetworks', { name: { fic: ['%'] } })).toEqual([]); // LIKE wildcards are literal
  });

  test('text matches on numbers and date-times, lists held by JSON fields', async () => {
    expect(await ids('pdbNetworks', { asn: { isw: [String(pdb.w.asn)] } })).toEqual([pdb.w.net]);
    expect(await ids('pdbNetworks', { infoPrefixes4: { ic: ['00'] } })).toEqual([pdb.w.net, pdb.w.net2]);
    expect(await ids('pdbNetworks', { infoPrefixes4: { ic: ['50'] } })).toEqual([pdb.w.net2]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await ids('pdbNetworks', { created: { isw: [today] }, id: { exact: [pdb.w.net, pdb.w.net2] } })).toEqual([pdb.w.net, pdb.w.net2]);
    expect(await ids('pdbNetworks', { created: { isw: ['1999-'] } })).toEqual([]);
    expect(await ids('pdbNetworks', { infoTypes: { has: ['nsp'] } })).toEqual([pdb.w.net]);
    expect(await ids('pdbNetworks', { infoTypes: { has: ['content', 'nothing'] } })).toEqual([pdb.w.net]);
  });

  test('relation filters: a foreign key meets its target\'s filter', async () => {
    expect(await ids('pdbNetworks', { orgWhere: { name: { fic: ['two'] } } })).toEqual([pdb.w.net2]);
    expect(await ids('pdbNetworks', { orgWhere: { country: { fie: ['DE'] } } })).toEqual([pdb.w.net2]);
    expect(await ids('pdbNetworkIxLans', { netWhere: { asn: { exact: [pdb.w.asn] } } })).toEqual([pdb.w.netixlan]);
    // Two hops, each its own filter.
    expect(await ids('pdbNetworkIxLans', { netWhere: { orgWhere: { city: { fic: ['zürich'] } } } })).toEqual([pdb.w.netixlan]);
  });

  test('filters that are not fields: links, ownership, name search, whereis', async () => {
    expect(await ids('pdbNetworks', { ix: [pdb.w.ix] })).toEqual([pdb.w.net, pdb.w.net2]);
    expect(await ids('pdbNetworks', { notFac: [pdb.w.fac], id: { exact: [pdb.w.net, pdb.w.net2] } })).toEqual([pdb.w.net2]);
    expect(await ids('pdbFacilities', { net: [pdb.w.net] })).toEqual([pdb.w.fac]);
    expect(await ids('pdbOrganizations', { asn: [pdb.w.asn2] })).toEqual([pdb.w.org2]);
    expect(await ids('pdbInternetExchanges', { allNet: [pdb.w.net, pdb.w.net2] })).toEqual([pdb.w.ix]);
    expect(await ids('pdbInternetExchanges', { capacity: { gte: 110000 }, id: { exact: [pdb.w.ix] } })).toEqual([pdb.w.ix]);
    expect(await ids('pdbInternetExchanges', { capacity: { lt: 110000 }, id: { exact: [pdb.w.ix] } })).toEqual([]);
    expect(await ids('pdbNetworks', { nameSearch: { text: 'g net alpha' } })).toEqual([pdb.w.net]);
    expect(await ids('pdbNetworks', { nameSearch: { text: `AS${pdb.w.asn2}` } })).toEqual([pdb.w.net2]);
    expect(await ids('pdbNetworks', { nameSearch: { text: 'g net beta', orIds: [pdb.w.net] } })).toEqual([pdb.w.net, pdb.w.net2]);
    expect(await ids('pdbIxLanPrefixes', { whereis: '192.0.2.99' })).toHaveLength(1);
    const bad = await pdb.s.gql('{ pdbInternetExchanges(filter: {asnOverlap: [1]}) { items { id } } }');
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  test('distance filters and, as an ordering key, sorts nearest first', async () => {
    const near = async (filter: Record<string, unknown>) => {
      const r = await pdb.s.gql('query($f: PdbOrganizationFilter) { pdbOrganizations(filter: $f, ordering: ["distance"]) { items { id } } }', { f: filter });
      expect(r.errors).toBeUndefined();
      return r.data.pdbOrganizations.items.map((o: { id: string }) => Number(o.id));
    };
    const made = [];
    for (const [name, latitude, longitude] of [['G Far', 47.0, 8.0], ['G Near', 47.37, 8.54]] as const) {
      made.push((await pdb.s.http('POST', '/pdb/api/org', { body: { name, latitude, longitude } })).json.data[0].id);
    }
    expect(await near({ distance: { km: 100, latitude: 47.3769, longitude: 8.5417 } })).toEqual([made[1], made[0]]);
    expect(await near({ distance: { km: 5, latitude: 47.3769, longitude: 8.5417 } })).toEqual([made[1]]);
    // Its values are bound: another point and radius run the same statement.
    const statement = (distance: Record<string, unknown>) => requestStatements(pdb.s, () => near({ distance }));
    expect(await statement({ km: 7, latitude: 46.2, longitude: 7.25 })).toEqual(await statement({ km: 100, latitude: 47.3769, longitude: 8.5417 }));
    const bad = await pdb.s.gql('{ pdbOrganizations(filter: {distance: {km: 5, city: "Zurich"}}) { items { id } } }');
    expect(bad.errors[0].extensions.fields).toEqual({ country: ['Required for distance filtering'] });
  });

  test("Peering Manager's view of the mirror takes the same lookups", async () => {
    const r = await pdb.s.http('GET', '/api/peeringdb/networks/?name__fie=g%20net%20alpha');
    expect(r.status).toBe(200);
    expect(r.json.results.map((o: any) => o.id)).toEqual([pdb.w.net]);
    const t = await pdb.s.http('GET', '/api/peeringdb/networks/?info_types=NSP');
    expect(t.json.results.map((o: any) => o.id)).toEqual([pdb.w.net]);
  });

  test('a filtered PeeringDB list is one statement, the page count included', async () => {
    const statements = async (path: string) => {
      const before = queryStats.inRequests;
      const r = await pdb.s.http('GET', `/pdb/api/${path}`);
      expect(r.status).toBe(200);
      expect(r.json.data.length).toBeGreaterThan(0);
      return queryStats.inRequests - before;
    };
    expect(await statements('net?name__contains=alpha&info_types=nsp&created__gte=2000-01-01')).toBe(1);
    expect(await statements('org?city=rich&depth=1')).toBe(1);
    expect(await statements('net?name__startswith=g%20net&page=1&per_page=1')).toBe(1);
    expect(await statements(`net?ix=${pdb.w.ix}&org__name__contains=g%20org&name_search=net&depth=2`)).toBe(1);
  });
});
