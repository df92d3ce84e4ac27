// No N+1 through the REST dialect: a list page of fully nested objects costs the
// same number of SQL queries for 1 and for 50 rows.
import { startTestServer, type TestServer } from '../helpers/server';
import { queryStats } from '../../src/db/context';
import { post } from '../helpers/pm';

describe('Peering Manager query count', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('pglite');
    const tag = await post(s, '/api/extras/tags/', { name: 't', slug: 't' });
    const com = await post(s, '/api/bgp/communities/', { name: 'c', slug: 'c', value: '65000:1' });
    const pol = await post(s, '/api/peering/routing-policies/', { name: 'p', slug: 'p', communities: [com.id] });
    const ases = await post(s, '/api/peering/autonomous-systems/', Array.from({ length: 60 }, (_, i) => ({
      asn: 65100 + i, name: `AS ${i}`, tags: [tag.id], import_routing_policies: [pol.id], export_routing_policies: [pol.id], communities: [com.id],
    })));
    const rel = await post(s, '/api/bgp/relationships/', { name: 'r', slug: 'r' });
    await post(s, '/api/peering/direct-peering-sessions/', ases.map((a: any, i: number) => ({
      local_autonomous_system: ases[0].id, autonomous_system: a.id, relationship: rel.id, ip_address: `10.${i}.0.1/30`, tags: [tag.id], communities: [com.id],
    })));
  });
  afterAll(async () => { await s?.close(); });

  const queriesFor = async (path: string, limit: number) => {
    const before = queryStats.inRequests;
    const r = await s.http('GET', `${path}?limit=${limit}`);
    expect(r.status).toBe(200);
    expect(r.json.results).toHaveLength(limit);
    return queryStats.inRequests - before;
  };

  test.each(['/api/peering/autonomous-systems/', '/api/peering/direct-peering-sessions/'])('%s: 1 and 50 rows cost the same', async (path) => {
    const one = await queriesFor(path, 1);
    const fifty = await queriesFor(path, 50);
    expect(fifty).toBe(one);
    expect(one).toBeLessThanOrEqual(15);
  });
});
