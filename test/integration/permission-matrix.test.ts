// The permission matrix, generated from the model descriptors: for every model (allModels()) and
// five kinds of caller (anonymous, an ordinary user's read-only and write tokens, a staff user's
// and the superuser's write tokens), what GraphQL root fields, relations, the change log and its
// subscription, each REST dialect, the write mutations and secret fields give, compared with an
// oracle written here from `d.access` and the caller's role (not with src/domain/access.ts).
// Mismatches are collected per surface and reported together.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
// The server first: it loads the domain in the order the application does.
import { startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';
import { pdbPost, seedPdb } from '../helpers/pdb';
import '../../src/domain';
import { allModels, describe as describeModel, type ModelDescriptor } from '../../src/domain/model';
import { fieldName } from '../../src/graphql/resolvers';
import { inputNames } from '../../src/domain/inputs';
import { PDB_TYPES, type PdbTag } from '../../src/domain/peeringdb/tags';
import { allResources } from '../../rest-compat/nsot/resources';

// ---------------------------------------------------------------------------------------------
// The oracle: the rules of the brief, from the descriptor's declaration and the caller's role.
type Role = 'anonymous' | 'user' | 'staff' | 'superuser';
const RANK: Record<Role, number> = { anonymous: 0, user: 1, staff: 2, superuser: 3 };
const atLeast = (have: Role, need: Role | undefined) => RANK[have] >= RANK[need ?? 'anonymous'];

interface Who { name: string; role: Role; write: boolean; token: string | null; userId: number | null }
type Row = Record<string, any>;

const readsModel = (c: Who, d: ModelDescriptor) => atLeast(c.role, d.access.read ?? 'anonymous');
const ownerLimited = (c: Who, d: ModelDescriptor) => !!d.access.owner && !atLeast(c.role, d.access.ownerExempt ?? 'superuser');
/** The values of the visibility field this caller sees; null: all (a role not listed sees all). */
const visibleValues = (c: Who, d: ModelDescriptor): string[] | null => d.access.visibleBy?.values[c.role] ?? null;
const readsEveryRow = (c: Who, d: ModelDescriptor) => readsModel(c, d) && !ownerLimited(c, d) && !visibleValues(c, d);
/** Change records of a content type: only for callers who read every row of the recorded model. */
function seesChangesOf(c: Who, contentType: string): boolean {
  const m = allModels().find((x) => x.contentType === contentType);
  return m ? readsEveryRow(c, m) : c.role === 'superuser';
}
const ownerOf = (d: ModelDescriptor, row: Row): number | null =>
  d.access.owner === 'id' ? Number(row.id) : row[d.access.owner!] ? Number(row[d.access.owner!].id) : null;
function rowVisible(c: Who, d: ModelDescriptor, row: Row): boolean {
  if (!readsModel(c, d)) return false;
  if (ownerLimited(c, d) && ownerOf(d, row) !== c.userId) return false;
  const vis = visibleValues(c, d);
  if (vis && !vis.includes(row[d.access.visibleBy!.field])) return false;
  if (d.access.readableVia && !seesChangesOf(c, row[d.access.readableVia])) return false;
  return true;
}
/** The error code of a root read, or null when allowed. */
const readRefusal = (c: Who, d: ModelDescriptor) => (readsModel(c, d) ? null : c.role === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
/** update/delete of a missing row: the refusal code, or NOT_FOUND when the permission check passes. */
function writeOutcome(c: Who, d: ModelDescriptor, action: 'update' | 'delete'): string {
  if (!c.token) return 'UNAUTHENTICATED';
  if (!c.write) return 'FORBIDDEN';
  if (atLeast(c.role, d.access.write ?? 'user')) return 'NOT_FOUND';
  if (action === 'update' && d.access.owner && d.access.ownerWritable?.length) return 'NOT_FOUND'; // own row, own password
  return 'FORBIDDEN';
}
const seesSecrets = (c: Who, d: ModelDescriptor) => !!c.token && c.write && atLeast(c.role, d.access.write ?? 'user');

// ---------------------------------------------------------------------------------------------
const MODELS = allModels();
const one = (d: ModelDescriptor) => fieldName(d.name);
const many = (d: ModelDescriptor) => fieldName(d.plural);
const fks = (d: ModelDescriptor) => d.fields.filter((f) => f.kind === 'fk' && !f.writeOnly);
const m2ms = (d: ModelDescriptor) => d.fields.filter((f) => f.kind === 'm2m' && !f.writeOnly);
const targetOf = (f: { target?: () => Function }) => describeModel(f.target!());
/** What a list selects: id, every relation's id, and the fields the access rule looks at. */
function selection(d: ModelDescriptor): string {
  const parts = ['id'];
  for (const f of [...fks(d), ...m2ms(d)]) parts.push(`${f.name} { id }`);
  for (const k of [d.access.visibleBy?.field, d.access.readableVia]) if (k && !parts.includes(k)) parts.push(k);
  return parts.join(' ');
}
const alias = (d: ModelDescriptor) => `m_${d.name}`;
const sortIds = (xs: unknown[]) => xs.map(Number).sort((a, b) => a - b);
const codeOf = (r: any, path: string) => r.errors?.find((e: any) => e.path?.[0] === path)?.extensions?.code ?? null;

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (i < items.length) await fn(items[i++]); }));
}

/** Two rows with secrets in the opposite order to their ids, for each model with a readable secret. */
const SECRET_SEEDS: Record<string, (s: TestServer, k: number) => Promise<Row>> = {
  Ixapi: async (_s, k) => ({ name: `IXAPI ${k}`, apiUrl: `https://ixapi${k}.example/api/v2/`, apiKey: `key${k}`, apiSecret: '', identity: `id${k}` }),
  Webhook: async (_s, k) => ({ name: `Hook ${k}`, payloadUrl: `https://hook${k}.example/`, contentTypes: ['peering.autonomoussystem'], typeCreate: true }),
  Router: async (s, k) => {
    const r = await gqlOk(s, `mutation { p: createPlatform(input: {name: "Sec P ${k}", slug: "sec-p-${k}"}) { id } as: createAutonomousSystem(input: {asn: ${65600 + k}, name: "Sec R ${k}"}) { id } }`);
    return { name: `Router ${k}`, hostname: `r${k}.example`, platformId: r.p.id, localAutonomousSystemId: r.as.id };
  },
  DirectPeeringSession: async (s, k) => {
    const r = await gqlOk(s, `mutation { a: createAutonomousSystem(input: {asn: ${65400 + k * 2}, name: "Sec A ${k}"}) { id } b: createAutonomousSystem(input: {asn: ${65401 + k * 2}, name: "Sec B ${k}"}) { id } rel: createRelationship(input: {name: "Sec Rel ${k}", slug: "sec-rel-${k}"}) { id } }`);
    return { relationshipId: r.rel.id, localAutonomousSystemId: r.a.id, autonomousSystemId: r.b.id, ipAddress: `198.51.100.${k * 2 + 1}/31`, localIpAddress: `198.51.100.${k * 2}/31` };
  },
  InternetExchangePeeringSession: async (s, k) => {
    const a = await gqlOk(s, `mutation { as: createAutonomousSystem(input: {asn: ${65500 + k}, name: "Sec IXP ${k}"}) { id } }`);
    const r = { as: a.as, ...(await gqlOk(s, `mutation { ix: createInternetExchange(input: {name: "Sec IX ${k}", slug: "sec-ix-${k}", localAutonomousSystemId: "${a.as.id}"}) { id } }`)) };
    const router = await gqlOk(s, 'mutation($i: RouterCreateInput!) { createRouter(input: $i) { id } }', { i: await SECRET_SEEDS.Router(s, 10 + k) });
    const c = await gqlOk(s, `mutation { createConnection(input: {internetExchangePointId: "${r.ix.id}", routerId: "${router.createRouter.id}", ipv4Address: "203.0.113.${k + 1}/24"}) { id } }`);
    return { ixpConnectionId: c.createConnection.id, autonomousSystemId: r.as.id, ipAddress: `203.0.113.${k + 100}` };
  },
};

async function gqlOk(s: TestServer, query: string, variables: Record<string, unknown> = {}, token?: string | null): Promise<any> {
  const r = await s.gql(query, variables, token);
  if (r?.errors || !r?.data) throw new Error(`${query.slice(0, 200)}: ${JSON.stringify(r?.errors ?? r)}`);
  return r.data;
}

const LIMITS = { GRAPHQL_MAX_COMPLEXITY: '100000000', GRAPHQL_MAX_TOKENS: '1000000', GRAPHQL_MAX_DOCUMENT_BYTES: '10000000', GRAPHQL_MAX_DEPTH: '20', LOGIN_RATE_LIMIT: 'off' };

describe.each(DB_KINDS)('permission matrix on %s', (kind) => {
  let s: TestServer;
  let callers: Who[];
  const users: Record<string, number> = {};
  /** The superuser's view: every row of every model, with relations. */
  const all = new Map<ModelDescriptor, Row[]>();
  const byId = new Map<ModelDescriptor, Map<number, Row>>();
  const secretRows = new Map<ModelDescriptor, number[]>();

  const snapshot = async () => {
    const q = `{ ${MODELS.map((d) => `${alias(d)}: ${many(d)}(limit: 1000) { totalCount items { ${selection(d)} } }`).join('\n')} }`;
    const data = await gqlOk(s, q);
    for (const d of MODELS) {
      const rows = data[alias(d)].items as Row[];
      expect(data[alias(d)].totalCount).toBe(rows.length); // the snapshot holds every row
      all.set(d, rows);
      byId.set(d, new Map(rows.map((r) => [Number(r.id), r])));
    }
  };

  beforeAll(async () => {
    s = await startTestServer(kind, LIMITS);
    // Users: two ordinary, one staff; a group; tokens made by the superuser through createToken.
    const u = await gqlOk(s, `mutation {
      g: createGroup(input: {name: "NOC"}) { id }
      alice: createUser(input: {username: "alice", password: "alice-pass-1", email: "alice@example.com"}) { id }
      bob: createUser(input: {username: "bob", password: "bob-pass-1", email: "bob@example.com"}) { id }
      sam: createUser(input: {username: "sam", password: "sam-pass-1", email: "sam@example.com", isStaff: true}) { id } }`);
    u.admin = (await gqlOk(s, '{ me { id } }')).me;
    for (const k of ['alice', 'bob', 'sam', 'admin']) users[k] = Number(u[k].id);
    await gqlOk(s, `mutation { updateUser(id: "${users.alice}", input: {groupIds: ["${u.g.id}"]}) { id } }`);
    const tok = async (user: string, writeEnabled: boolean) =>
      (await gqlOk(s, `mutation { createToken(input: {userId: "${users[user]}", writeEnabled: ${writeEnabled}}) { key } }`)).createToken.key as string;
    const aliceRO = await tok('alice', false), aliceRW = await tok('alice', true), bobRW = await tok('bob', true), samRW = await tok('sam', true);
    await tok('bob', false);
    callers = [
      { name: 'anonymous', role: 'anonymous', write: false, token: null, userId: null },
      { name: 'user read-only token', role: 'user', write: false, token: aliceRO, userId: users.alice },
      { name: 'user write token', role: 'user', write: true, token: aliceRW, userId: users.alice },
      { name: 'staff write token', role: 'staff', write: true, token: samRW, userId: users.sam },
      { name: 'superuser write token', role: 'superuser', write: true, token: s.token, userId: users.admin },
    ];
    // Change records by several users; a users.user update; journal entries pointing at users.
    await gqlOk(s, 'mutation { createTag(input: {name: "By alice", slug: "by-alice"}) { id } }', {}, aliceRW);
    await gqlOk(s, 'mutation { createTag(input: {name: "By bob", slug: "by-bob"}) { id } }', {}, bobRW);
    await gqlOk(s, `mutation { updateUser(id: "${users.bob}", input: {firstName: "Bob"}) { id } }`);
    const as = await gqlOk(s, 'mutation { createAutonomousSystem(input: {asn: 64999, name: "Journal AS"}) { id } }');
    await gqlOk(s, `mutation { createJournalEntry(input: {assignedObjectType: "peering.autonomoussystem", assignedObjectId: ${as.createAutonomousSystem.id}, comments: "by alice"}) { id } }`, {}, aliceRW);
    await gqlOk(s, `mutation { createJournalEntry(input: {assignedObjectType: "peering.autonomoussystem", assignedObjectId: ${as.createAutonomousSystem.id}, comments: "by bob"}) { id } }`, {}, bobRW);
    // NSoT secret keys (UserSecret rows) of alice and bob; inventory rows.
    for (const t of [aliceRW, bobRW]) expect((await s.http('GET', '/nsot/api/users/0/?with_secret_key=true', { token: t })).status).toBe(200);
    const site = await gqlOk(s, 'mutation { createSite(input: {name: "dc1"}) { id } }');
    expect((await s.http('POST', `/nsot/api/sites/${site.createSite.id}/devices/`, { body: { hostname: 'dev1' } })).status).toBe(201);
    // PeeringDB mirror: contacts Public, Users and Private.
    const w = await seedPdb(s, `PM-${kind}`);
    await pdbPost(s, 'poc', { net_id: w.net, role: 'NOC', visible: 'Users', name: 'Members', email: 'm@alpha.example' });
    // Two rows of every model with a readable secret, secrets in the opposite order to the ids.
    for (const d of MODELS) {
      const secrets = d.fields.filter((f) => f.secret && !f.writeOnly);
      if (!secrets.length || d.readOnly) continue;
      const seed = SECRET_SEEDS[d.name];
      if (!seed) throw new Error(`no seed for ${d.name}, a model with secret fields ${secrets.map((f) => f.name)}: add one to SECRET_SEEDS`);
      const ids: number[] = [];
      for (const [k, value] of [[1, 'zzzz-secret'], [2, 'aaaa-secret']] as const) {
        const input = { ...(await seed(s, k)), ...Object.fromEntries(secrets.map((f) => [f.name, value])) };
        const r = await gqlOk(s, `mutation($i: ${d.name}CreateInput!) { create${d.name}(input: $i) { id } }`, { i: input });
        ids.push(Number(r[`create${d.name}`].id));
      }
      secretRows.set(d, ids);
    }
    await snapshot();
  }, 120_000);
  afterAll(async () => { await s?.close(); });

  test('the seed reaches the interesting rows', () => {
    const get = (name: string) => all.get(MODELS.find((d) => d.name === name)!)!;
    expect(get('User').length).toBe(4);
    expect(get('Token').length).toBeGreaterThanOrEqual(6);
    expect(get('UserSecret').length).toBe(2);
    expect(new Set(get('PdbNetworkContact').map((r) => r.visible))).toEqual(new Set(['Public', 'Users', 'Private']));
    expect(get('ObjectChange').some((r) => r.changedObjectType === 'users.user')).toBe(true);
  });

  test('GraphQL roots and relations: list, detail, every FK and many-to-many into each model', async () => {
    await snapshot();
    const bad: string[] = [];
    let cases = 0;
    for (const c of callers) {
      const readable = MODELS.filter((d) => readsModel(c, d));
      // Refused roots, one request each (a refused non-null list nulls the whole response).
      for (const d of MODELS.filter((x) => !readsModel(c, x))) {
        const r = await s.gql(`{ ${alias(d)}: ${many(d)}(limit: 5) { totalCount items { id } } }`, {}, c.token);
        cases++;
        if (codeOf(r, alias(d)) !== readRefusal(c, d)) bad.push(`${c.name}: ${many(d)} list gave ${JSON.stringify(r).slice(0, 300)}, expected ${readRefusal(c, d)}`);
      }
      const r = await s.gql(`{ ${readable.map((d) => `${alias(d)}: ${many(d)}(limit: 1000) { totalCount items { ${selection(d)} } }`).join('\n')} }`, {}, c.token);
      if (r.errors) bad.push(`${c.name}: readable lists gave errors ${JSON.stringify(r.errors).slice(0, 500)}`);
      for (const d of readable) {
        const got = r.data?.[alias(d)];
        cases++;
        const want = all.get(d)!.filter((row) => rowVisible(c, d, row)).map((row) => row.id);
        if (!got) { bad.push(`${c.name}: ${many(d)} missing`); continue; }
        if (got.totalCount !== want.length || JSON.stringify(sortIds(got.items.map((x: Row) => x.id))) !== JSON.stringify(sortIds(want))) {
          bad.push(`${c.name}: ${many(d)} gave ids ${JSON.stringify(sortIds(got.items.map((x: Row) => x.id)))} (totalCount ${got.totalCount}), expected ${JSON.stringify(sortIds(want))}`);
        }
        // Relations: an FK is null, a many-to-many omits, what the caller may not read.
        for (const item of got.items as Row[]) {
          const full = byId.get(d)!.get(Number(item.id));
          if (!full) continue;
          for (const f of fks(d)) {
            const t = targetOf(f);
            const target = full[f.name] ? byId.get(t)!.get(Number(full[f.name].id)) : null;
            if (full[f.name] && !target) continue; // beyond the snapshot
            const want1 = target && rowVisible(c, t, target) ? String(target.id) : null;
            cases++;
            if ((item[f.name]?.id ?? null) !== want1) bad.push(`${c.name}: ${many(d)}[${item.id}].${f.name} gave ${JSON.stringify(item[f.name])}, expected ${want1 === null ? 'null' : `{id: ${want1}}`} (${t.name})`);
          }
          for (const f of m2ms(d)) {
            const t = targetOf(f);
            const wantM = (full[f.name] as Row[]).filter((x) => { const tr = byId.get(t)!.get(Number(x.id)); return tr && rowVisible(c, t, tr); }).map((x) => x.id);
            cases++;
            if (JSON.stringify(sortIds(item[f.name].map((x: Row) => x.id))) !== JSON.stringify(sortIds(wantM))) bad.push(`${c.name}: ${many(d)}[${item.id}].${f.name} gave ${JSON.stringify(item[f.name])}, expected ids ${JSON.stringify(wantM)}`);
          }
        }
      }
      // Details: every row of models with row rules (one per change-record type), one row (or a missing id) of the others.
      const details: { d: ModelDescriptor; id: string; a: string }[] = [];
      for (const d of MODELS) {
        const rows = all.get(d)!;
        let pick: Row[];
        if (d.access.readableVia) {
          const seen = new Set<string>();
          pick = rows.filter((row) => !seen.has(row[d.access.readableVia!]) && !!seen.add(row[d.access.readableVia!]));
        } else pick = d.access.owner || d.access.visibleBy ? rows : rows.slice(0, 1);
        const ids = pick.length ? pick.map((row) => String(row.id)) : ['999999'];
        ids.forEach((id, i) => details.push({ d, id, a: `d_${d.name}_${i}` }));
      }
      const dr = await s.gql(`{ ${details.map((x) => `${x.a}: ${one(x.d)}(id: "${x.id}") { id }`).join('\n')} }`, {}, c.token);
      for (const x of details) {
        cases++;
        const refusal = readRefusal(c, x.d);
        if (refusal) {
          if (codeOf(dr, x.a) !== refusal || dr.data?.[x.a]) bad.push(`${c.name}: ${one(x.d)}(id: ${x.id}) gave ${JSON.stringify(dr.data?.[x.a])} / ${codeOf(dr, x.a)}, expected ${refusal}`);
          continue;
        }
        const row = byId.get(x.d)!.get(Number(x.id));
        const want = row && rowVisible(c, x.d, row) ? x.id : null;
        if ((dr.data?.[x.a]?.id ?? null) !== want || codeOf(dr, x.a)) bad.push(`${c.name}: ${one(x.d)}(id: ${x.id}) gave ${JSON.stringify(dr.data?.[x.a])} / ${codeOf(dr, x.a)}, expected ${want === null ? 'null' : `{id: ${want}}`}`);
      }
    }
    console.log(`[${kind}] roots, details and relations: ${cases} cases`);
    expect(bad).toEqual([]);
  });

  test('change log: records of a model only for callers who read every row of it', async () => {
    await snapshot();
    const bad: string[] = [];
    const oc = MODELS.find((d) => d.access.readableVia)!;
    const logged = MODELS.filter((d) => d.changeLogged);
    const counts = new Map<string, number>();
    for (const row of all.get(oc)!) counts.set(row.changedObjectType, (counts.get(row.changedObjectType) ?? 0) + 1);
    expect(counts.get('users.user')).toBeGreaterThan(0);
    let cases = 0;
    for (const c of callers) {
      const r = await s.gql(`{ ${logged.map((d) => `c_${d.name}: ${many(oc)}(filter: {${oc.access.readableVia}: {exact: ["${d.contentType}"]}}, limit: 1000) { totalCount items { id } }`).join('\n')} }`, {}, c.token);
      if (r.errors) bad.push(`${c.name}: ${JSON.stringify(r.errors).slice(0, 300)}`);
      for (const d of logged) {
        cases++;
        const want = seesChangesOf(c, d.contentType) ? counts.get(d.contentType) ?? 0 : 0;
        const got = r.data?.[`c_${d.name}`]?.totalCount;
        if (got !== want) bad.push(`${c.name}: objectChanges(changedObjectType: ${d.contentType}) totalCount ${got}, expected ${want}`);
      }
    }
    console.log(`[${kind}] change log: ${cases} cases`);
    expect(bad).toEqual([]);
  });

  test('objectChanged over graphql-ws: a users.user change only to who reads every user, a tag change to all', async () => {
    const url = s.url.replace('http', 'ws') + '/graphql';
    const got = new Map<Who, any[]>();
    const clients = callers.map((c) => {
      const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, connectionParams: c.token ? { authorization: `Token ${c.token}` } : {} });
      got.set(c, []);
      client.subscribe({ query: 'subscription { objectChanged(types: ["users.user", "extras.tag"]) { objectType objectRepr } }' }, {
        next: (v) => got.get(c)!.push(v.data?.objectChanged ?? v), error: (e) => got.get(c)!.push({ error: String((e as any)?.message ?? JSON.stringify(e)) }), complete: () => undefined,
      });
      return client;
    });
    try {
      // Subscribed once every client has seen a warm-up tag created after its subscribe (no fixed wait:
      // under load a subscribe can take longer than any guess); events reach each client in order, so
      // after the last warm-up tag no earlier one can arrive.
      const warmDeadline = Date.now() + 20000;
      let last = '';
      for (let i = 0; Date.now() < warmDeadline; i++) {
        last = `Warm-up ${i}`;
        await gqlOk(s, `mutation { createTag(input: {name: "${last}", slug: "warm-up-${i}"}) { id } }`);
        const seenBy = () => callers.every((c) => got.get(c)!.some((e) => e.objectRepr === last));
        for (let t = 0; t < 10 && !seenBy(); t++) await new Promise((r) => setTimeout(r, 50));
        if (seenBy()) break;
      }
      for (const c of callers) {
        if (!got.get(c)!.some((e) => e.objectRepr === last)) throw new Error(`${c.name} never received a warm-up tag event`);
        got.set(c, []);
      }
      await gqlOk(s, `mutation { updateUser(id: "${users.bob}", input: {lastName: "Subscribed"}) { id } }`);
      await gqlOk(s, 'mutation { createTag(input: {name: "Sub tag", slug: "sub-tag"}) { id } }');
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && callers.some((c) => !got.get(c)!.some((e) => e.objectType === 'extras.tag'))) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await Promise.all(clients.map((cl) => cl.dispose()));
    }
    const user = allModels().find((d) => d.contentType === 'users.user')!;
    const bad: string[] = [];
    for (const c of callers) {
      const types = got.get(c)!.map((e) => e.objectType ?? JSON.stringify(e)).sort();
      const want = [...(seesChangesOf(c, user.contentType) ? ['users.user'] : []), 'extras.tag'].sort();
      if (JSON.stringify(types) !== JSON.stringify(want)) bad.push(`${c.name}: got ${JSON.stringify(types)}, expected ${JSON.stringify(want)}`);
    }
    // The case the brief names: the superuser gets it, anonymous and ordinary users do not.
    expect(seesChangesOf(callers[4], 'users.user') && !seesChangesOf(callers[0], 'users.user') && !seesChangesOf(callers[2], 'users.user')).toBe(true);
    expect(bad).toEqual([]);
  });

  test('REST dialects: Peering Manager, PeeringDB and NSoT lists', async () => {
    await snapshot();
    const bad: string[] = [];
    const jobs: (() => Promise<void>)[] = [];
    const visibleIds = (c: Who, d: ModelDescriptor) => sortIds(all.get(d)!.filter((row) => rowVisible(c, d, row)).map((row) => row.id));
    for (const c of callers) {
      for (const d of MODELS) {
        jobs.push(async () => {
          const r = await s.http('GET', `/api/${d.app}/${d.restPath}/?limit=1000`, { token: c.token });
          if (!readsModel(c, d)) {
            if (r.status !== 403 || typeof r.json?.detail !== 'string' || Object.keys(r.json).length !== 1) bad.push(`PM ${c.name}: GET /api/${d.app}/${d.restPath}/ gave ${r.status} ${r.text.slice(0, 200)}, expected 403 {"detail": ...}`);
            return;
          }
          const ids = r.status === 200 ? sortIds((r.json.results ?? []).map((x: Row) => x.id)) : null;
          if (r.status !== 200 || JSON.stringify(ids) !== JSON.stringify(visibleIds(c, d)) || r.json.count !== ids!.length) {
            bad.push(`PM ${c.name}: GET /api/${d.app}/${d.restPath}/ gave ${r.status} ids ${JSON.stringify(ids)} count ${r.json?.count} ${r.status !== 200 ? r.text.slice(0, 200) : ''}, expected ${JSON.stringify(visibleIds(c, d))}`);
          }
        });
      }
      for (const tag of Object.keys(PDB_TYPES) as PdbTag[]) {
        const d = describeModel(PDB_TYPES[tag].cls);
        jobs.push(async () => {
          const r = await s.http('GET', `/pdb/api/${tag}?depth=0`, { token: null, headers: c.token ? { Authorization: `Api-Key ${c.token}` } : {} });
          if (!readsModel(c, d)) {
            if (r.status < 400) bad.push(`PDB ${c.name}: GET /pdb/api/${tag} gave ${r.status}, expected a refusal`);
            return;
          }
          const want = sortIds(all.get(d)!.filter((row) => rowVisible(c, d, row) && (row.status ?? 'ok') === 'ok').map((row) => row.id));
          const ids = r.status === 200 ? sortIds(r.json.data.map((x: Row) => x.id)) : null;
          if (JSON.stringify(ids) !== JSON.stringify(want)) bad.push(`PDB ${c.name}: GET /pdb/api/${tag} gave ${r.status} ids ${JSON.stringify(ids)}, expected ${JSON.stringify(want)}`);
        });
      }
      const nsot: [string, ModelDescriptor][] = [...allResources().map((x) => [x.key, x.d] as [string, ModelDescriptor]), ['users', MODELS.find((d) => d.contentType === 'users.user')!]];
      for (const [key, d] of nsot) {
        jobs.push(async () => {
          const r = await s.http('GET', `/nsot/api/${key}/`, { token: c.token });
          // NSoT itself answers every request without a login with 401.
          if (!c.token) {
            if (r.status !== 401) bad.push(`NSoT ${c.name}: GET /nsot/api/${key}/ gave ${r.status}, expected 401`);
            return;
          }
          if (!readsModel(c, d)) {
            if (r.status !== 403) bad.push(`NSoT ${c.name}: GET /nsot/api/${key}/ gave ${r.status}, expected 403`);
            return;
          }
          const list = Array.isArray(r.json) ? r.json : r.json?.results ?? r.json?.data;
          const ids = r.status === 200 && Array.isArray(list) ? sortIds(list.map((x: Row) => x.id)) : null;
          if (JSON.stringify(ids) !== JSON.stringify(visibleIds(c, d))) bad.push(`NSoT ${c.name}: GET /nsot/api/${key}/ gave ${r.status} ids ${JSON.stringify(ids)} ${r.status !== 200 ? r.text.slice(0, 200) : ''}, expected ${JSON.stringify(visibleIds(c, d))}`);
        });
      }
    }
    await pool(jobs, 6, (j) => j());
    console.log(`[${kind}] REST dialects: ${jobs.length} cases`);
    expect(bad).toEqual([]);
  });

  test('writes: update and delete of a missing row give the refusal or NOT_FOUND; read-only models have no mutations', async () => {
    const bad: string[] = [];
    const schema = await gqlOk(s, '{ __schema { mutationType { fields { name } } } }');
    const mutations = new Set<string>(schema.__schema.mutationType.fields.map((f: Row) => f.name));
    const jobs: (() => Promise<void>)[] = [];
    for (const d of MODELS) {
      if (d.readOnly) {
        // (Token's createToken/revokeToken are its dedicated mutations, not the generic ones.)
        for (const m of [`create${d.plural}`, `update${d.name}`, `replace${d.name}`, `update${d.plural}`, `delete${d.name}`, `delete${d.plural}`]) if (mutations.has(m)) bad.push(`read-only ${d.name} has ${m}`);
        continue;
      }
      for (const c of callers) {
        for (const action of ['update', 'delete'] as const) {
          jobs.push(async () => {
            const q = action === 'update' ? `mutation { x: update${d.name}(id: "999999", input: {}) { id } }` : `mutation { x: delete${d.name}(id: "999999") }`;
            const r = await s.gql(q, {}, c.token);
            const want = writeOutcome(c, d, action);
            if (codeOf(r, 'x') !== want) bad.push(`${c.name}: ${action}${d.name}(id: "999999") gave ${JSON.stringify(r.errors ?? r.data).slice(0, 200)}, expected ${want}`);
          });
        }
      }
    }
    await pool(jobs, 6, (j) => j());
    console.log(`[${kind}] writes: ${jobs.length} cases`);
    expect(bad).toEqual([]);
  });

  test('writes naming related rows: a row the caller may not read is "not found", by id or natural key, as a missing one is', async () => {
    await snapshot();
    const bad: string[] = [];
    let cases = 0;
    const fieldErr = (r: any, f: string): string | null => {
      const e = r.errors?.find((x: any) => x.path?.[0] === 'x');
      const msgs = e?.extensions?.fields?.[f];
      return msgs ? String(msgs[0]) : e && !e.extensions?.fields ? `${e.extensions?.code}: ${e.message}` : null;
    };
    for (const d of MODELS.filter((m) => !m.readOnly && all.get(m)!.length)) {
      const row = all.get(d)![0];
      for (const f of [...fks(d), ...m2ms(d)]) {
        const t = targetOf(f);
        // Every row of a target some callers read only in part; one row of the others.
        const targets = callers.some((c) => !readsEveryRow(c, t)) ? all.get(t)! : all.get(t)!.slice(0, 1);
        if (!targets.length) continue;
        const nk = t.naturalKeys[0];
        const keys = nk ? new Map<number, unknown>(((await gqlOk(s, `{ x: ${many(t)}(limit: 1000) { items { id ${nk} } } }`)).x.items as Row[]).map((x) => [Number(x.id), x[nk]])) : new Map();
        for (const c of callers.filter((x) => x.write && atLeast(x.role, d.access.write ?? 'user') && !ownerLimited(x, d))) {
          const idInput = (id: string) => (f.kind === 'fk' ? `${inputNames(f).id}: "${id}"` : `${inputNames(f).id}: ["${id}"]`);
          const upd = (input: string) => s.gql(`mutation { x: update${d.name}(id: "${row.id}", input: {${input}}) { id } }`, {}, c.token);
          const missing = fieldErr(await upd(idInput('999999')), f.name);
          cases++;
          if (!missing) { bad.push(`${c.name}: update${d.name}(${idInput('999999')}) accepted a missing ${t.name}`); continue; }
          for (const target of targets) {
            const visible = rowVisible(c, t, target);
            const byId = fieldErr(await upd(idInput(String(target.id))), f.name);
            cases++;
            if (visible ? byId : byId?.replace(String(target.id), '999999') !== missing) {
              bad.push(`${c.name}: update${d.name}(id: ${row.id}, ${idInput(String(target.id))}) gave ${JSON.stringify(byId)}, expected ${visible ? 'no error' : JSON.stringify(missing.replace('999999', String(target.id)))} (${t.name} ${target.id} is ${visible ? '' : 'not '}readable)`);
            }
            if (f.kind === 'fk' && nk && keys.has(Number(target.id))) {
              const ref = `${f.name}: {${nk}: ${JSON.stringify(keys.get(Number(target.id)))}}`;
              const byKey = fieldErr(await upd(ref), f.name);
              const missingKey = fieldErr(await upd(`${f.name}: {${nk}: ${JSON.stringify(`no-such-${nk}`)}}`), f.name);
              cases++;
              if (visible ? byKey : !byKey || byKey.replace(JSON.stringify(keys.get(Number(target.id))), '?') !== missingKey?.replace(JSON.stringify(`no-such-${nk}`), '?')) {
                bad.push(`${c.name}: update${d.name}(id: ${row.id}, ${ref}) gave ${JSON.stringify(byKey)}, expected ${visible ? 'no error' : `the missing-object error ${JSON.stringify(missingKey)}`} (${t.name} ${target.id} is ${visible ? '' : 'not '}readable)`);
              }
            }
          }
        }
      }
    }
    console.log(`[${kind}] related rows in writes: ${cases} cases`);
    expect(cases).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });

  test('user administration: own password only; accounts and others\' tokens are the superuser\'s', async () => {
    const [anon, ro, rw, staff, su] = callers;
    const code = async (q: string, who: Who) => codeOf(await s.gql(q, {}, who.token), 'x');
    const upd = (id: number, input: string) => `mutation { x: updateUser(id: "${id}", input: {${input}}) { id } }`;
    // One's own password, with a write credential.
    expect(await code(upd(users.alice, 'password: "alice-pass-2"'), rw)).toBeNull();
    expect(await code(upd(users.sam, 'password: "sam-pass-2"'), staff)).toBeNull();
    expect(await code(upd(users.alice, 'password: "alice-pass-3"'), ro)).toBe('FORBIDDEN');
    expect(await code(upd(users.alice, 'password: "x-pass"'), anon)).toBe('UNAUTHENTICATED');
    // Not one's own flags, nor any field of another account.
    expect(await code(upd(users.alice, 'isStaff: true'), rw)).toBe('FORBIDDEN');
    expect(await code(upd(users.alice, 'isSuperuser: true'), rw)).toBe('FORBIDDEN');
    expect(await code(upd(users.alice, 'password: "p-pass-9", isSuperuser: true'), rw)).toBe('FORBIDDEN');
    expect(await code(upd(users.sam, 'isSuperuser: true'), staff)).toBe('FORBIDDEN');
    for (const [who, other] of [[rw, users.bob], [rw, users.admin], [staff, users.alice]] as const) {
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(await code(upd(other, 'password: "taken-over-1"'), who));
      expect(['FORBIDDEN', 'NOT_FOUND']).toContain(await code(upd(other, 'firstName: "Mallory"'), who));
    }
    const flags = await gqlOk(s, `{ users(filter: {id: {exact: [${users.alice}, ${users.bob}, ${users.sam}]}}) { items { username firstName isStaff isSuperuser } } }`);
    expect(flags.users.items.filter((x: Row) => x.isSuperuser || x.firstName === 'Mallory' || (x.isStaff && x.username !== 'sam'))).toEqual([]);
    // Creating and deleting accounts.
    for (const who of [anon, ro, rw, staff]) expect(await code(`mutation { x: createUser(input: {username: "eve-${who.role}-${who.write}"}) { id } }`, who)).toBe(who.token ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    const eve = Number((await gqlOk(s, 'mutation { createUser(input: {username: "eve"}) { id } }')).createUser.id);
    for (const who of [anon, ro, rw, staff]) expect(await code(`mutation { x: deleteUser(id: "${eve}") }`, who)).toBe(who.token ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    expect(await code(`mutation { x: deleteUser(id: "${eve}") }`, su)).toBeNull();
    // Tokens: one's own with a write credential; somebody else's only by the superuser.
    const tk = (input: string) => `mutation { x: createToken(input: {${input}}) { key token { user { id } } } }`;
    expect(await code(tk(''), anon)).toBe('UNAUTHENTICATED');
    expect(await code(tk(''), ro)).toBe('FORBIDDEN');
    expect(await code(tk(`userId: "${users.alice}"`), ro)).toBe('FORBIDDEN');
    expect(await code(tk(`userId: "${users.bob}"`), rw)).toBe('FORBIDDEN');
    expect(await code(tk(`userId: "${users.admin}"`), staff)).toBe('FORBIDDEN');
    // The refusal comes before any lookup: an unknown user id tells an ordinary user nothing more.
    expect(await code(tk('userId: "999999"'), rw)).toBe('FORBIDDEN');
    // A read-only credential never sees an NSoT secret key, a write credential sees its own only.
    const ns = async (who: Who, id: number) => s.http('GET', `/nsot/api/users/${id}/?with_secret_key=true`, { token: who.token });
    const roSecret = await ns(ro, 0);
    expect(roSecret.json?.secret_key).toBeUndefined();
    expect((await ns(rw, 0)).json?.secret_key).toEqual(expect.any(String));
    const othersSecret = await ns(rw, users.bob);
    expect(othersSecret.json?.secret_key).toBeUndefined();
    const own = await s.gql(tk(''), {}, rw.token);
    expect(own.errors).toBeUndefined();
    expect(own.data.x.token.user.id).toBe(String(users.alice));
    const other = await s.gql(tk(`userId: "${users.bob}", writeEnabled: false`), {}, su.token);
    expect(other.errors).toBeUndefined();
    expect(other.data.x.token.user.id).toBe(String(users.bob));
  });

  test('secrets: never filterable, never orderable, shown only to callers who may write the model', async () => {
    const bad: string[] = [];
    let cases = 0;
    for (const d of MODELS) {
      const secrets = d.fields.filter((f) => f.secret && !f.writeOnly);
      if (!secrets.length) continue;
      const t = await gqlOk(s, `{ __type(name: "${d.name}Filter") { inputFields { name } } }`);
      const filterFields = new Set<string>((t.__type?.inputFields ?? []).map((x: Row) => x.name));
      for (const f of secrets) {
        cases++;
        if (filterFields.has(f.name)) bad.push(`${d.name}Filter has the secret ${f.name}`);
        const ids = secretRows.get(d);
        if (!ids) continue;
        const list = (ordering: string[] | null, token: string | null = s.token) =>
          s.gql(`query($o: [String!]) { x: ${many(d)}(filter: {id: {exact: [${ids.join(', ')}]}}, ordering: $o) { items { id ${f.name} } } }`, { o: ordering }, token);
        const base = (await list(null)).data.x.items.map((x: Row) => x.id);
        for (const o of [[f.name], [`-${f.name}`]]) {
          cases++;
          const r = await list(o);
          const got = r.data?.x.items.map((x: Row) => x.id);
          if (JSON.stringify(got) !== JSON.stringify(base)) bad.push(`${many(d)}(ordering: ${JSON.stringify(o)}) gave ${JSON.stringify(got)} ${JSON.stringify(r.errors ?? '')}, expected the default order ${JSON.stringify(base)}`);
        }
        // The same through the Peering Manager dialect: no ordering by it, no filter on it, null to readers.
        const rest = (query: string, token: string | null = s.token) => s.http('GET', `/api/${d.app}/${d.restPath}/?${ids.map((id) => `id=${id}`).join('&')}&${query}`, { token });
        const restBase = (await rest('')).json?.results?.map((x: Row) => x.id);
        for (const q of [`ordering=${f.restName}`, `ordering=-${f.restName}`]) {
          cases++;
          const r = await rest(q);
          const got = r.json?.results?.map((x: Row) => x.id);
          if (r.status !== 200 || JSON.stringify(got) !== JSON.stringify(restBase)) bad.push(`PM GET /api/${d.app}/${d.restPath}/?${q} gave ${r.status} ${JSON.stringify(got)}, expected the default order ${JSON.stringify(restBase)}`);
        }
        for (const q of [`${f.restName}=zzzz-secret`, `${f.restName}__ic=zzzz`, `${f.restName}__isw=z`]) {
          cases++;
          const r = await rest(q);
          if (r.status === 200 && r.json.count !== ids.length) bad.push(`PM GET /api/${d.app}/${d.restPath}/?${q} filtered by the secret: count ${r.json.count} of ${ids.length}`);
        }
        for (const c of callers) {
          cases++;
          const r = await rest('', c.token);
          const want = seesSecrets(c, d) ? ['zzzz-secret', 'aaaa-secret'] : [null, null];
          const got = ids.map((id) => (r.json?.results ?? []).find((x: Row) => x.id === id)?.[f.restName] ?? null);
          if (r.status !== 200 || JSON.stringify(got) !== JSON.stringify(want)) bad.push(`PM ${c.name}: GET /api/${d.app}/${d.restPath}/ ${f.restName} gave ${r.status} ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
        }
        for (const c of callers) {
          cases++;
          const r = await list(null, c.token);
          const values = (r.data?.x.items ?? []).map((x: Row) => x[f.name]);
          const want = seesSecrets(c, d) ? ['zzzz-secret', 'aaaa-secret'] : [null, null];
          const byIdOrder = ids.map((id) => values[(r.data?.x.items ?? []).findIndex((x: Row) => Number(x.id) === id)] ?? null);
          if (JSON.stringify(byIdOrder) !== JSON.stringify(want) || r.errors) bad.push(`${c.name}: ${many(d)} ${f.name} gave ${JSON.stringify(byIdOrder)} ${JSON.stringify(r.errors ?? '')}, expected ${JSON.stringify(want)}`);
        }
      }
    }
    console.log(`[${kind}] secrets: ${cases} cases`);
    expect(cases).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });
});
