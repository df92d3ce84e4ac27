// The PeeringDB dialect's filters beyond plain fields: accent folding, name_search, the
// facility and exchange specials (asn_overlap, all_net, not_net, org_present, capacity,
// ipblock, hide_ix_no_fac, org_name) and the spatial distance search.
import { requestStatements, startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';
import { pdbPost } from '../helpers/pdb';
import { sqlRows } from '../../src/db/sql-rows';
import { fold, foldSql } from '../../src/domain/fold';

describe.each(DB_KINDS)('PeeringDB search and special filters on %s', (kind) => {
  let s: TestServer;
  const asn = 4_210_000_000;
  // Organizations, facilities, networks and exchanges by name; ids filled in beforeAll.
  const id: Record<string, number> = {};
  const tagOf: Record<string, string> = {};

  beforeAll(async () => {
    s = await startTestServer(kind);
    const post = async (name: string, tag: string, body: Record<string, unknown>) => {
      id[name] = (await pdbPost(s, tag, body)).id;
      tagOf[name] = tag;
    };
    await post('oA', 'org', { name: 'S Org Alpha', city: 'Zürich', country: 'CH', latitude: 47.3769, longitude: 8.5417 });
    await post('oB', 'org', { name: 'S Org Beta', city: 'Basel', country: 'CH' });
    await post('oC', 'org', { name: 'S Org Gamma', city: 'Frankfurt', country: 'DE', latitude: 50.1109, longitude: 8.6821 });
    await post('fZrh', 'fac', { org_id: id.oA, name: 'S Équinix ZH1', city: 'Zürich', country: 'CH', latitude: 47.3769, longitude: 8.5417 });
    await post('fFra', 'fac', { org_id: id.oC, name: 'S Interxion FRA', city: 'Frankfurt', country: 'DE', latitude: 50.1109, longitude: 8.6821 });
    await post('fBsl', 'fac', { org_id: id.oB, name: 'S Fac Basel', city: 'Basel', country: 'CH', latitude: 47.5596, longitude: 7.5886 });
    await post('fNowhere', 'fac', { org_id: id.oB, name: 'S Fac Unplaced', city: 'Zurich', country: 'CH' });
    await post('n1', 'net', { org_id: id.oA, name: 'S Net Œuvre', aka: 'Alpha Transit', asn, info_prefixes4: 10 });
    await post('n2', 'net', { org_id: id.oB, name: 'S Net Two', asn: asn + 1 });
    await post('n3', 'net', { org_id: id.oB, name: 'S Net Three', asn: asn + 2 });
    for (const [n, f] of [['n1', 'fZrh'], ['n2', 'fZrh'], ['n1', 'fFra'], ['n3', 'fBsl']]) await pdbPost(s, 'netfac', { net_id: id[n], fac_id: id[f] });
    await post('x1', 'ix', { org_id: id.oA, name: 'S IX Zurich', city: 'Zurich', country: 'CH', prefix: '192.0.2.0/24', tech_email: 'noc@x1.example' });
    await post('x2', 'ix', { org_id: id.oC, name: 'S IX Frankfurt', city: 'Frankfurt', country: 'DE', prefix: '198.51.100.0/24', tech_email: 'noc@x2.example' });
    const ports: [string, string, number, string][] = [['n1', 'x1', 10_000, '192.0.2.1'], ['n2', 'x1', 100_000, '192.0.2.2'], ['n1', 'x2', 1_000, '198.51.100.1'], ['n3', 'x2', 1_000, '198.51.100.3']];
    for (const [n, x, speed, ipaddr4] of ports) await post(`${n}@${x}`, 'netixlan', { net_id: id[n], ixlan_id: id[x], speed, ipaddr4 });
    await pdbPost(s, 'ixfac', { ix_id: id.x1, fac_id: id.fZrh });
    await pdbPost(s, 'ixfac', { ix_id: id.x2, fac_id: id.fFra });
    // Derived counts come from the upstream's sync, not from local writes: set them as a sync would.
    const em = s.pg.orm.em.fork();
    await sqlRows(em, 'update peeringdb_ix set fac_count = 1 where id = ?', [id.x1]);
    await sqlRows(em, 'update peeringdb_net set ix_count = 1 where id = ?', [id.n1]);
  });
  afterAll(async () => { await s?.close(); });

  const get = (path: string) => s.http('GET', `/pdb/api/${path}`);
  /** The rows of the answer, in its order, by the names given above. */
  const names = async (path: string): Promise<string[]> => {
    const r = await get(path);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
    const tag = path.split('?')[0];
    const byId = new Map(Object.entries(id).filter(([k]) => tagOf[k] === tag).map(([k, v]) => [v, k]));
    return r.json.data.map((o: any) => byId.get(o.id) ?? `#${o.id}`);
  };
  const sorted = async (path: string) => (await names(path)).sort();
  const error = async (path: string) => {
    const r = await get(path);
    return { status: r.status, error: r.json.meta?.error, fields: Object.fromEntries(Object.entries(r.json).filter(([k]) => k !== 'meta')) };
  };

  test('text filters fold accents and case on both sides, as PeeringDB does', async () => {
    expect(await sorted('org?city=zurich')).toEqual(['oA']);
    expect(await sorted('fac?name=s equinix zh1')).toEqual(['fZrh']);
    expect(await sorted('fac?name=S Équinix ZH1')).toEqual(['fZrh']);
    expect(await sorted('fac?name__contains=ÉQUI')).toEqual(['fZrh']);
    expect(await sorted('net?name__startswith=s net oeuvre')).toEqual(['n1']);
    expect(await sorted('fac?city__in=zürich,BASEL')).toEqual(['fBsl', 'fNowhere', 'fZrh']);
    expect(await sorted('fac?org__name=s org alpha')).toEqual(['fZrh']);
    expect(await sorted('fac?name=S Equinix')).toEqual([]);
  });

  test('the value is folded in JS exactly as the column is in SQL, for every Latin letter', async () => {
    const letters: string[] = [];
    for (const [from, to] of [[0x41, 0x7a], [0xc0, 0x24f], [0x1e00, 0x1eff]]) for (let cp = from; cp <= to; cp++) letters.push(String.fromCodePoint(cp));
    const samples = [...letters, 'Zürich', 'Łódź', 'Straße', 'ÆRØ', 'İstanbul', 'São Paulo', 'Ñandú', 'Þórshöfn'];
    const rows = await sqlRows(s.pg.orm.em.fork(), `select x, ${foldSql('x')} as f from unnest(?::text[]) with ordinality as u(x, n) order by n`,
      [`{${samples.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`]);
    const mismatches = rows.filter((r) => r.f !== fold(String(r.x))).map((r) => `${r.x}: sql ${r.f} js ${fold(String(r.x))}`);
    expect(mismatches).toEqual([]);
    expect(rows).toHaveLength(samples.length);
    expect(samples.slice(-8).map(fold)).toEqual(['zurich', 'lodz', 'strasse', 'aero', 'istanbul', 'sao paulo', 'nandu', 'thorshofn']);
  });

  test('name_search: every word in name, aka or name_long; a number is an ASN; merged with id__in', async () => {
    expect(await sorted('net?name_search=oeuvre')).toEqual(['n1']);
    expect(await sorted('net?name_search=alpha transit')).toEqual(['n1']);
    expect(await sorted(`net?name_search=${asn + 1}`)).toEqual(['n2']);
    expect(await sorted(`net?name_search=AS${asn + 2}`)).toEqual(['n3']);
    expect(await sorted('fac?name_search=équinix zh1')).toEqual(['fZrh']);
    expect(await sorted('fac?name_search=interxion zh1')).toEqual([]);
    expect(await sorted('ix?name_search=s ix')).toEqual(['x1', 'x2']);
    expect(await sorted('org?name_search=gamma')).toEqual(['oC']);
    // Other filters still apply; an explicit id__in adds its ids; no hit at all is an empty list.
    expect(await sorted('ix?name_search=s ix&country=DE')).toEqual(['x2']);
    expect(await sorted(`fac?name_search=basel&id__in=${id.fFra}`)).toEqual(['fBsl', 'fFra']);
    expect(await sorted(`fac?name_search=nothing-like-this&id__in=${id.fFra}`)).toEqual([]);
    expect(await sorted('netixlan?name_search=s')).toEqual([]);
  });

  test('facility specials: asn_overlap, all_net, not_net, org_present, org_not_present, org_name', async () => {
    expect(await sorted(`fac?asn_overlap=${asn},${asn + 1}`)).toEqual(['fZrh']);
    expect(await sorted(`fac?asn_overlap=${asn},${asn + 2}`)).toEqual([]);
    expect(await sorted(`fac?all_net=${id.n1},${id.n2}`)).toEqual(['fZrh']);
    expect(await sorted(`fac?all_net=${id.n1}`)).toEqual(['fFra', 'fZrh']);
    expect(await sorted(`fac?not_net=${id.n1}`)).toEqual(['fBsl', 'fNowhere']);
    // Present through a network's presence (n2, n3 of oB) or an exchange's (x2 of oC at fFra).
    expect(await sorted(`fac?org_present=${id.oB}`)).toEqual(['fBsl', 'fZrh']);
    expect(await sorted(`fac?org_present=${id.oC}`)).toEqual(['fFra']);
    expect(await sorted(`fac?org_not_present=${id.oB}`)).toEqual(['fFra', 'fNowhere']);
    expect(await sorted('fac?org_name=beta')).toEqual(['fBsl', 'fNowhere']);
    expect(await sorted('fac?org_name__startswith=s org g')).toEqual(['fFra']);
  });

  test('exchange specials: asn_overlap, capacity, ipblock, all_net, not_net, org_present, hide_ix_no_fac', async () => {
    expect(await sorted(`ix?asn_overlap=${asn},${asn + 2}`)).toEqual(['x2']);
    expect(await sorted(`ix?asn_overlap=${asn},${asn + 1},${asn + 2}`)).toEqual([]);
    expect(await sorted('ix?capacity=110000')).toEqual(['x1']);
    expect(await sorted('ix?capacity__gt=5000')).toEqual(['x1']);
    expect(await sorted('ix?capacity__lte=2000')).toEqual(['x2']);
    expect(await sorted('ix?capacity__in=2000,7')).toEqual(['x2']);
    expect(await sorted('ix?ipblock=198.51.100')).toEqual(['x2']);
    expect(await sorted(`ix?all_net=${id.n1},${id.n3}`)).toEqual(['x2']);
    expect(await sorted(`ix?not_net=${id.n2}`)).toEqual(['x2']);
    expect(await sorted(`ix?org_present=${id.oB}`)).toEqual(['x1', 'x2']);
    expect(await sorted(`ix?org_present=${id.oC}`)).toEqual(['x2']);
    expect(await sorted(`ix?org_not_present=${id.oC}`)).toEqual(['x1']);
    expect(await sorted('ix?hide_ix_no_fac=1')).toEqual(['x1']);
    expect(await sorted('ix?hide_ix_no_fac=0')).toEqual(['x1', 'x2']);
    expect(await sorted('net?hide_ix_no_fac=true')).toEqual(['n1']);
    expect(await sorted('netixlan?hide_ix_no_fac=1')).toEqual(['n1@x1', 'n2@x1']);
  });

  test('distance: within km of a point, nearest first, location filters set aside; a city as the point', async () => {
    const zurich = 'latitude=47.3769&longitude=8.5417';
    expect(await names(`fac?distance=50&${zurich}`)).toEqual(['fZrh']);
    expect(await names(`fac?distance=100&${zurich}`)).toEqual(['fZrh', 'fBsl']);
    expect(await names(`fac?distance=400&${zurich}&city=Atlantis`)).toEqual(['fZrh', 'fBsl', 'fFra']);
    expect(await names(`fac?distance=400&${zurich}&country=DE`)).toEqual(['fFra']);
    expect(await names(`org?distance=400&latitude=50.1&longitude=8.7`)).toEqual(['oC', 'oA']);
    // No coordinates: the centre of the mirror's facilities in that city.
    expect(await names('fac?distance=10&city=zurich&country=CH')).toEqual(['fZrh']);
    expect(await names('fac?distance=10&city=Atlantis&country=CH')).toEqual([]);
    // distance=0 is no spatial search: the city filter applies again.
    expect(await sorted('fac?distance=0&city=zurich')).toEqual(['fNowhere', 'fZrh']);
  });

  test('distance binds its values: another point, radius or city runs the same statement', async () => {
    const statements = (path: string) => requestStatements(s, () => names(path));
    const atPoint = await statements('fac?distance=50&latitude=47.3769&longitude=8.5417');
    expect(await statements('fac?distance=120&latitude=46.2&longitude=7.25')).toEqual(atPoint);
    expect(atPoint.join(' ')).not.toMatch(/47\.3769|8\.5417|\b50\b/);
    const atCity = await statements('fac?distance=10&city=zurich&country=CH');
    expect(await statements('fac?distance=30&city=basel&country=CH')).toEqual(atCity);
    expect(atCity.join(' ')).not.toMatch(/zurich|'ch'/i);
  });

  test('bad values are 400s in PeeringDB\'s shape', async () => {
    expect(await error(`fac?asn_overlap=${asn}`)).toEqual({ status: 400, error: 'Need to specify at least two asns', fields: {} });
    const many = Array.from({ length: 26 }, (_, i) => asn + i).join(',');
    expect(await error(`ix?asn_overlap=${many}`)).toEqual({ status: 400, error: 'Can only compare a maximum of 25 asns', fields: {} });
    expect((await error('fac?all_net=x')).status).toBe(400);
    expect(await error('netfac?city=a%00b')).toMatchObject({ status: 400, error: 'Invalid value for city: NUL characters are not allowed' });
    expect((await error('fac?name_search=a%00b')).status).toBe(400);
    expect((await error('ix?capacity__gt=lots')).status).toBe(400);
    expect((await error('fac?org_present=1;drop')).status).toBe(400);
    expect((await error('fac?distance=far&latitude=1&longitude=2')).status).toBe(400);
    expect((await error('fac?distance=10&latitude=91&longitude=2')).status).toBe(400);
    expect(await error('fac?distance=10&city=zurich')).toEqual({ status: 400, error: 'Bad Request', fields: { country: ['Required for distance filtering'] } });
    expect(await error('org?distance=10')).toEqual({
      status: 400, error: 'Bad Request', fields: { country: ['Required for distance filtering'], city: ['Required for distance filtering'] },
    });
  });
});
