// PeeringDB's plain depth-0 lists and public dumps are one JSON text the read compiler builds
// (rest-compat/peeringdb/text.ts). Over every type of a bench/pdb-gen mirror (with deleted rows
// and contacts of every visibility), for a signed-in admin and an anonymous caller: the text is
// the objects the GraphQL object path (`?pretty`) answers, in the same key order. (Until read.ts's
// SQL engine was deleted, it was also compared byte for byte with that engine's text.)
import { startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';
import { generatePdb } from '../../bench/pdb-gen/generate';
import { loadRows } from '../../src/domain/peeringdb/sync';
import { SYNC_ORDER, pdbDescriptor } from '../../src/domain/peeringdb/tags';
import { authenticate } from '../../src/http/auth';
import { queryStats } from '../../src/db/context';
import { compiledListText } from '../../src/graphql/read-compiler/json-text';
import type { GqlContext } from '../../src/graphql/context';


const PARAMS = ['', 'since=1', 'limit=7&skip=3', 'id__in=1,2,3,5,8', 'id__gt=4&limit=3', 'since=1&limit=4&skip=2', 'fields=status,id,nope,created&limit=5', 'fields=nope'];

describe.each(DB_KINDS)('PeeringDB lists as one JSON text on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(kind);
    const data = generatePdb(0.003);
    const em = s.pg.orm.em.fork();
    for (const tag of SYNC_ORDER) await loadRows(em, tag, data[tag]);
    // Deleted rows: hidden from plain lists, listed (a poc's contact details blanked) with since.
    for (const tag of SYNC_ORDER) {
      await em.getConnection().execute(`update ${pdbDescriptor(tag).table} set status = 'deleted' where id % 5 = 2`);
    }
  }, 120_000);
  afterAll(async () => { await s?.close(); });

  test.each([['admin', true], ['anonymous', false]])('every type and parameter set, %s', async (_who, signedIn) => {
    const token = signedIn ? s.token : null;
    let compared = 0;
    for (const tag of SYNC_ORDER) {
      for (const p of PARAMS) {
        const path = `/pdb/api/${tag}${p ? `?${p}` : ''}`;
        const text = await s.http('GET', path, { token });
        const objects = await s.http('GET', `${path}${p ? '&' : '?'}pretty`, { token });
        expect([path, text.status]).toEqual([path, objects.status]);
        if (text.status !== 200) continue;
        expect([path, JSON.stringify(text.json)]).toEqual([path, JSON.stringify(objects.json)]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(SYNC_ORDER.length * PARAMS.length - 2);
  }, 120_000);

  test('the data hides what GraphQL hides: anonymous reads only public contacts, deleted ones blanked with since', async () => {
    const anon = (await s.http('GET', '/pdb/api/poc?since=1', { token: null })).json.data;
    const admin = (await s.http('GET', '/pdb/api/poc?since=1')).json.data;
    expect(anon.length).toBeGreaterThan(0);
    expect(admin.length).toBeGreaterThan(anon.length);
    expect(new Set(anon.map((o: any) => o.visible))).toEqual(new Set(['Public']));
    const deleted = admin.filter((o: any) => o.status === 'deleted');
    expect(deleted.length).toBeGreaterThan(0);
    for (const o of deleted) expect([o.name, o.phone, o.email, o.url]).toEqual(['', '', '', '']);
  });

  test('fields keeps the asked keys in PeeringDB\'s order, from the text', async () => {
    const r = await s.http('GET', '/pdb/api/net?fields=status,asn,id&limit=2');
    expect(r.text.startsWith('{"data": [{"id" : ')).toBe(true);
    expect(r.json.data.map((o: any) => Object.keys(o))).toEqual([['id', 'asn', 'status'], ['id', 'asn', 'status']]);
  });

  test('a public dump is the plain list', async () => {
    for (const tag of ['net', 'poc', 'fac']) {
      const dump = await s.http('GET', `/pdb/public/${tag}-0.json`, { token: null });
      const list = await s.http('GET', `/pdb/api/${tag}`, { token: null });
      expect(dump.status).toBe(200);
      expect(dump.json.data).toEqual(list.json.data);
      expect(dump.json.data.length).toBeGreaterThan(0);
    }
  });

  test('one statement per list, whatever its size', async () => {
    const queries = async (path: string) => {
      const before = queryStats.inRequests;
      expect((await s.http('GET', path)).status).toBe(200);
      return queryStats.inRequests - before;
    };
    await queries('/pdb/api/net?limit=1');
    const one = await queries('/pdb/api/net?limit=1');
    const all = await queries('/pdb/api/netixlan');
    const since = await queries('/pdb/api/fac?since=1');
    expect([all, since]).toEqual([one, one]);
    expect(one).toBeLessThanOrEqual(2);
  });

  test('an object of more keys than one json_build_object takes keeps its order and PostgreSQL\'s own text', async () => {
    const em = s.pg.orm.em.fork();
    const ctx = { em, caller: await authenticate(em, `Token ${s.token}`), config: s.config } as unknown as GqlContext;
    const keys = Array.from({ length: 120 }, (_, i) => ({ key: `k${i}`, field: i % 2 ? 'asn' : 'id' }));
    const text = await compiledListText(ctx, s.pg.http.schema, { model: pdbDescriptor('net'), keys }, { filter: { status: { exact: ['ok'] } }, limit: 2 }, { paginateCount: 50, maxPageSize: 1000 });
    const rows = JSON.parse(text);
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0])).toEqual(keys.map((k) => k.key));
    const [id, asn] = [rows[0].k0, rows[0].k1];
    // The seams between the parts read as one call's pairs.
    expect(text).toContain(`"k48" : ${id}, "k49" : ${asn}, "k50" : ${id}, "k51" : ${asn}`);
    expect(text).toContain(`"k99" : ${asn}, "k100" : ${id}`);
    expect(text.startsWith(`[{"k0" : ${id}, "k1" : ${asn}, `)).toBe(true);
  });

  test('a bad value is a 400 in the dialect\'s shape', async () => {
    const r = await s.http('GET', '/pdb/api/net?since=1e20');
    expect(r.status).toBe(400);
    expect(r.json.meta.error).toMatch(/since/);
  });
});
