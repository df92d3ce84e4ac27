// PeeringDB sync between two PeerGates: B mirrors A's /pdb/api/ (never the internet).
import { startTestServer, type TestServer } from '../helpers/server';
import { seedPdb, pdbPost, type PdbWorld } from '../helpers/pdb';
import { syncPeeringDB } from '../../src/domain/peeringdb/sync';
import { SYNC_ORDER } from '../../src/domain/peeringdb/tags';

describe('PeeringDB sync (PeerGate B from PeerGate A)', () => {
  let a: TestServer;
  let b: TestServer;
  let w: PdbWorld;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestServer('pglite'), startTestServer('pglite')]);
    w = await seedPdb(a);
  });
  afterAll(async () => { await Promise.all([a?.close(), b?.close()]); });

  const upstream = () => `${a.url}/pdb/api`;
  /** Every object type, live rows, as admin (all pocs): the two sides must be equal. */
  const snapshot = async (s: TestServer, query = '') => {
    const out: Record<string, unknown[]> = {};
    for (const tag of SYNC_ORDER) out[tag] = (await s.http('GET', `/pdb/api/${tag}${query}`)).json.data;
    return out;
  };
  const sync = async (vars: Record<string, unknown> = {}) => {
    const r = await b.gql('mutation($url: String, $full: Boolean, $key: String) { syncPeeringdb(url: $url, full: $full, apiKey: $key, wait: true) { id status output data } }', { url: upstream(), key: a.token, ...vars });
    expect(r.errors).toBeUndefined();
    return r.data.syncPeeringdb;
  };

  test('a sync cut off halfway leaves whole types only, and the next run completes it', async () => {
    // The upstream stops answering at netfac: the types before it are in, netfac and later are untouched.
    const failing: typeof fetch = async (url, init) => {
      if (String(url).includes('/netfac')) throw new Error('connection reset');
      return fetch(url, init);
    };
    await expect(syncPeeringDB(b.pg.orm.em.fork(), { url: upstream(), apiKey: a.token, fetch: failing })).rejects.toThrow('connection reset');
    const half = await snapshot(b);
    const full = await snapshot(a);
    for (const tag of ['org', 'fac', 'net', 'ix', 'ixlan', 'ixpfx', 'ixfac']) expect(half[tag]).toEqual(full[tag]);
    for (const tag of ['netfac', 'netixlan', 'poc']) expect(half[tag]).toEqual([]);
    const job = await sync();
    expect(job.status).toBe('COMPLETED');
    expect(job.output).toMatch(/netixlan\s+full/);
    expect(await snapshot(b)).toEqual(await snapshot(a));
  });

  test('incremental: changes, new objects and cascaded deletions arrive; B matches A exactly', async () => {
    expect((await a.http('PUT', `/pdb/api/net/${w.net}`, { body: { name: 'Renamed Alpha', info_prefixes4: 150 } })).status).toBe(200);
    const org3 = (await pdbPost(a, 'org', { name: 'Late Org' })).id;
    const net3 = (await pdbPost(a, 'net', { org_id: org3, name: 'Late Net', asn: w.asn + 7 })).id;
    expect((await a.http('DELETE', `/pdb/api/org/${w.org2}`)).status).toBe(204);
    const job = await sync();
    expect(job.status).toBe('COMPLETED');
    expect(job.output).toMatch(/net\s+incremental/);
    expect(await snapshot(b)).toEqual(await snapshot(a));
    // Deleted rows are mirrored as deleted, visible through since.
    const since = await snapshot(b, '?since=1');
    const net2 = since.net.find((n: any) => n.id === w.net2) as any;
    expect(net2.status).toBe('deleted');
    expect(since.net).toEqual((await snapshot(a, '?since=1')).net);
    expect((await b.http('GET', `/pdb/api/net/${net3}`)).json.data[0].name).toBe('Late Net');
  });

  test('a missing parent is fetched with since=1&id=', async () => {
    // A net whose org B does not hold (peeringdb-py #21, #87): B drops its copy of the org, then syncs nets only.
    const org4 = (await pdbPost(a, 'org', { name: 'Parent Org' })).id;
    await sync();
    await pdbPost(a, 'net', { org_id: org4, name: 'Child Net', asn: w.asn + 9 });
    const seen: string[] = [];
    const spy: typeof fetch = async (url, init) => { seen.push(String(url)); return fetch(url, init); };
    await b.pg.orm.em.fork().getConnection().execute('delete from peeringdb_net where org_id = ?', [org4]);
    await b.pg.orm.em.fork().getConnection().execute('delete from peeringdb_org where id = ?', [org4]);
    await syncPeeringDB(b.pg.orm.em.fork(), { url: upstream(), apiKey: a.token, fetch: spy, tags: ['net'] });
    expect(seen.some((u) => u.includes(`/org?since=1&depth=0&id=${org4}`))).toBe(true);
    expect((await b.http('GET', `/pdb/api/org/${org4}`)).status).toBe(200);
  });

  test('an upstream value nested past JSON_MAX_DEPTH stops the sync with a clear error and stores nothing of its type', async () => {
    // Built as text: the value is never a JS object deeper than the limit on this side either.
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const template = (await a.http('GET', `/pdb/api/org/${w.org}`)).json.data[0];
    const { social_media: _, ...row } = { ...template, id: 888888, name: 'Deep Org' };
    const poisoned: typeof fetch = async (url, init) => {
      if (!String(url).includes('/org')) return fetch(url, init);
      return new Response(`{"data":[${JSON.stringify(row).slice(0, -1)},"social_media":${deep}}]}`, { headers: { 'Content-Type': 'application/json' } });
    };
    await expect(syncPeeringDB(b.pg.orm.em.fork(), { url: upstream(), apiKey: a.token, fetch: poisoned, tags: ['org'] }))
      .rejects.toThrow(/^org \d+: social_media: JSON nested deeper than \d+ levels\.$/);
    expect((await b.http('GET', '/pdb/api/org/888888')).status).toBe(404);
    expect((await b.http('GET', `/pdb/api/org/${w.org}`)).status).toBe(200);
  });

  test('--full converges and retires rows the upstream no longer lists', async () => {
    await b.pg.orm.em.fork().getConnection().execute(
      `insert into peeringdb_org (id, status, created, updated, name) values (999999, 'ok', now(), '2000-01-01', 'Ghost')`);
    const job = await sync({ full: true });
    expect(job.status).toBe('COMPLETED');
    expect((await b.http('GET', '/pdb/api/org/999999')).status).toBe(404);
    expect(await snapshot(b)).toEqual(await snapshot(a));
  });

  test('a full load can read the <tag>-0.json dumps (peeringdb-py\'s cache URL)', async () => {
    const c = await startTestServer('pglite');
    try {
      const seen: string[] = [];
      const spy: typeof fetch = async (url, init) => { seen.push(String(url)); return fetch(url, init); };
      await syncPeeringDB(c.pg.orm.em.fork(), { url: upstream(), cacheUrl: `${a.url}/pdb/public`, fetch: spy });
      expect(seen.filter((u) => u.includes('/pdb/public/')).length).toBe(SYNC_ORDER.length);
      // Dumps are anonymous: public contacts only; everything else matches.
      const [mine, theirs] = [await snapshot(c), await snapshot(a, '')];
      for (const tag of SYNC_ORDER.filter((t) => t !== 'poc')) expect(mine[tag]).toEqual(theirs[tag]);
    } finally { await c.close(); }
  });

  test('the sync needs staff', async () => {
    const r = await b.gql('mutation { syncPeeringdb(wait: true) { id } }', {}, null);
    expect(r.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
