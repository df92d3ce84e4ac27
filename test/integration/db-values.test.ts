// Any value survives the database path on both backends: every printable ASCII character
// (; ' " \ ? $ -- /* among them) and Unicode (accents, CJK, emoji, right-to-left, combining
// marks) is stored and filtered through GraphQL, the Peering Manager REST dialect and NSoT.
// The embedded PGlite path once sent any SQL with a ';' in a value as a multi-statement script.
import { startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';

const ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
/** All 95 printable characters in one value, the space inside it (ends may be trimmed by a dialect). */
const ALL_ASCII = ASCII.slice(1, 40) + ASCII[0] + ASCII.slice(40);

export const VALUES = [
  ALL_ASCII,
  'Level 3; Lumen',
  "x'); drop table peering_autonomoussystem; --",
  'say "hi"; /* not a comment */ -- nor this',
  "back\\slash \\? ?? ? $1 $$ $tag$ E'\\x41' \\\\",
  '100% _under_score_ \\% \\_',
  'Zürich Genève São Paulo Łódź',
  '東京インターネットエクスチェンジ 北京',
  '🚀 peering 🛰️ 👩‍💻 🇨🇭',
  'مرحبا بالعالم',
  'שלום עולם',
  'e\u0301 combining, \u00a0nbsp, zero\u200bwidth',
];

describe.each(DB_KINDS)('every character through the database (%s)', (kind) => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(kind); }, 60_000);
  afterAll(async () => { await s?.close(); });

  const gqlAsns = async (filter: Record<string, unknown>) => {
    const r = await s.gql('query($f: AutonomousSystemFilter) { autonomousSystems(filter: $f, ordering: ["asn"]) { items { asn name } } }', { f: filter });
    expect(r.errors).toBeUndefined();
    return r.data.autonomousSystems.items.map((i: { asn: number }) => i.asn);
  };
  const restAsns = async (query: string) => {
    const r = await s.http('GET', `/api/peering/autonomous-systems/?ordering=asn&${query}`);
    expect({ query, status: r.status }).toEqual({ query, status: 200 });
    return r.json.results.map((i: { asn: number }) => i.asn);
  };

  test.each(VALUES.map((v, i) => [i, v] as const))('value %i: %j is stored and found', async (i, v) => {
    const gAsn = 64700 + i;
    const rAsn = 64800 + i;
    const gName = `g${i}:${v}`;
    const rName = `r${i}:${v}`;

    const created = await s.gql('mutation($i: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $i) { id asn name description } }', {
      i: { asn: gAsn, name: gName, description: v.slice(0, 200) },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data.createAutonomousSystem).toMatchObject({ asn: gAsn, name: gName, description: v.slice(0, 200) });

    const posted = await s.http('POST', '/api/peering/autonomous-systems/', { body: { asn: rAsn, name: rName, comments: v } });
    expect({ status: posted.status, name: posted.json?.name, comments: posted.json?.comments }).toEqual({ status: 201, name: rName, comments: v });
    const detail = await s.http('GET', `/api/peering/autonomous-systems/${posted.json.id}/`);
    expect({ name: detail.json.name, comments: detail.json.comments }).toEqual({ name: rName, comments: v });

    // Filters: exact, contains (LIKE wildcards in the value are literal), negated, free text.
    expect(await gqlAsns({ name: { exact: [gName] } })).toEqual([gAsn]);
    expect(await gqlAsns({ name: { ic: [v] } })).toEqual([gAsn, rAsn]);
    expect(await gqlAsns({ name: { isw: [`r${i}:`], iew: [v] } })).toEqual([rAsn]);
    expect(await gqlAsns({ description: { exact: [v.slice(0, 200)] } })).toEqual([gAsn]);
    expect(await restAsns(`name=${encodeURIComponent(rName)}`)).toEqual([rAsn]);
    expect(await restAsns(`name__ic=${encodeURIComponent(v)}`)).toEqual([gAsn, rAsn]);
    expect(await restAsns(`name__nie=${encodeURIComponent(gName)}&name__ic=${encodeURIComponent(v)}`)).toEqual([rAsn]);
    expect(await restAsns(`q=${encodeURIComponent(v)}`)).toEqual([gAsn, rAsn]);
    // Updates carry the value too.
    const patched = await s.http('PATCH', `/api/peering/autonomous-systems/${posted.json.id}/`, { body: { description: v.slice(0, 200) } });
    expect({ status: patched.status, description: patched.json?.description }).toEqual({ status: 200, description: v.slice(0, 200) });
  });

  test('NSoT: sites and device attribute values (written by their own SQL) keep every character', async () => {
    for (const [i, v] of VALUES.entries()) {
      const site = await s.http('POST', '/nsot/api/sites/', { body: { name: `s${i}:${v}`, description: v } });
      expect({ i, status: site.status, name: site.json?.name, description: site.json?.description }).toEqual({ i, status: 201, name: `s${i}:${v}`, description: v });
      const got = await s.http('GET', `/nsot/api/sites/${site.json.id}/`);
      expect(got.json).toMatchObject({ name: `s${i}:${v}`, description: v });
      const attr = await s.http('POST', `/nsot/api/sites/${site.json.id}/attributes/`, { body: { resource_name: 'Device', name: 'owner' } });
      expect(attr.status).toBe(201);
      const dev = await s.http('POST', `/nsot/api/sites/${site.json.id}/devices/`, { body: { hostname: `d${i}`, attributes: { owner: v } } });
      expect({ i, status: dev.status, text: dev.status === 201 ? '' : dev.text }).toEqual({ i, status: 201, text: '' });
      const back = await s.http('GET', `/nsot/api/sites/${site.json.id}/devices/d${i}/`);
      expect(back.json.attributes).toEqual({ owner: v });
    }
  });
});
