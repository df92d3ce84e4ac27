// The remaining Peering Manager models (core, extras, peeringdb) through GraphQL, on the
// embedded PGlite and on a real PostgreSQL: create, filter, update, delete, uniqueness.
import { startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';
import { createToken } from '../../src/domain/users/tokens';
import { User } from '../../src/domain/users/user';
import { Job } from '../../src/domain/core/job';
import { DataFile, DataSource } from '../../src/domain/core/data';

describe.each(DB_KINDS)('extra models on %s', (kind) => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(kind); });
  afterAll(async () => { await s?.close(); });

  /** Runs a query that must succeed and returns its data. */
  const ok = async (query: string, variables: Record<string, unknown> = {}) => {
    const r = await s.gql(query, variables);
    expect(r.errors).toBeUndefined();
    return r.data;
  };
  /** Runs a mutation that must fail with BAD_USER_INPUT naming `field`; returns the field's messages. */
  const bad = async (query: string, field: string, variables: Record<string, unknown> = {}): Promise<string[]> => {
    const r = await s.gql(query, variables);
    expect(r.data?.[Object.keys(r.data ?? {})[0]] ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(r.errors[0].extensions.fields ?? {})).toContain(field);
    return r.errors[0].extensions.fields[field];
  };
  const typeFields = async (type: string): Promise<string[]> =>
    (await ok(`{ __type(name: "${type}") { fields { name } } }`)).__type.fields.map((f: any) => f.name);
  const inputFields = async (type: string): Promise<string[]> =>
    (await ok(`{ __type(name: "${type}") { inputFields { name } } }`)).__type.inputFields.map((f: any) => f.name);

  test('tags only where Peering Manager has them', async () => {
    for (const t of ['ConfigContext', 'ConfigContextAssignment', 'ExportTemplate', 'Webhook', 'Ixapi', 'HiddenPeer', 'Job', 'DataFile']) {
      expect(await typeFields(t)).not.toContain('tags');
      expect(await inputFields(`${t}Filter`)).not.toContain('tag');
    }
    for (const t of ['JournalEntry', 'DataSource']) expect(await typeFields(t)).toContain('tags');
    // Read-only models have no mutations.
    const mutations = (await ok('{ __schema { mutationType { fields { name } } } }')).__schema.mutationType.fields.map((f: any) => f.name);
    for (const m of ['createJob', 'updateJob', 'deleteJob', 'createDataFile', 'deleteDataFile']) expect(mutations).not.toContain(m);
    for (const m of ['createIxapi', 'createWebhook', 'createHiddenPeer', 'createDataSource', 'createJournalEntry']) expect(mutations).toContain(m);
  });

  test('ConfigContext and ConfigContextAssignment', async () => {
    const cc = (await ok('mutation { createConfigContext(input: {name: "ntp", data: {ntp: ["192.0.2.1"]}}) { id name display isActive description data created } }')).createConfigContext;
    expect(cc).toMatchObject({ name: 'ntp', display: 'ntp', isActive: true, description: '', data: { ntp: ['192.0.2.1'] } });
    expect((await bad('mutation { createConfigContext(input: {name: "ntp", data: {}}) { id } }', 'name'))[0]).toBe('config context with this name already exists.');
    expect((await bad('mutation { createConfigContext(input: {name: "list", data: [1, 2]}) { id } }', 'data'))[0]).toMatch(/object form/);
    await bad('mutation($i: ConfigContextCreateInput!) { createConfigContext(input: $i) { id } }', 'data', { i: { name: 'none', data: null } });
    await bad(`mutation { updateConfigContext(id: "${cc.id}", input: {data: null}) { id } }`, 'data');

    const a = (await ok(`mutation { createConfigContextAssignment(input: {contentType: "devices.router", objectId: 7, configContext: {name: "ntp"}}) {
      id display weight contentType objectId configContext { id name } } }`)).createConfigContextAssignment;
    expect(a).toMatchObject({ display: 'ntp', weight: 1000, contentType: 'devices.router', objectId: 7, configContext: { id: cc.id, name: 'ntp' } });
    expect((await bad(`mutation { createConfigContextAssignment(input: {contentType: "devices.router", objectId: 7, configContextId: "${cc.id}", weight: 5}) { id } }`, 'nonFieldErrors'))[0])
      .toBe('The fields content_type, object_id, config_context must make a unique set.');
    expect((await bad(`mutation { createConfigContextAssignment(input: {contentType: "devices.nothing", objectId: 7, configContextId: "${cc.id}"}) { id } }`, 'contentType'))[0])
      .toMatch(/not one of the available choices/);
    const b = (await ok(`mutation { createConfigContextAssignment(input: {contentType: "devices.router", objectId: 8, configContextId: "${cc.id}", weight: 10}) { id } }`)).createConfigContextAssignment;

    const list = await ok(`{ byCc: configContextAssignments(filter: {configContextName: {exact: ["ntp"]}, objectId: {exact: [7, 8]}}) { totalCount items { objectId weight } }
      heavy: configContextAssignments(filter: {weight: {gte: 1000}}) { totalCount }
      active: configContexts(filter: {isActive: {exact: true}, q: "NT"}) { totalCount items { name } } }`);
    expect(list.byCc.items).toEqual([{ objectId: 8, weight: 10 }, { objectId: 7, weight: 1000 }]); // ordered by weight
    expect(list.heavy.totalCount).toBe(1);
    expect(list.active.items).toEqual([{ name: 'ntp' }]);

    // An assigned config context cannot be deleted.
    const refused = await s.gql(`mutation { deleteConfigContext(id: "${cc.id}") }`);
    expect(refused.errors[0].extensions.code).toBe('CONFLICT');
    const upd = await ok(`mutation { updateConfigContext(id: "${cc.id}", input: {isActive: false, data: {ntp: []}}) { isActive data }
      updateConfigContextAssignment(id: "${a.id}", input: {weight: 1}) { weight } }`);
    expect(upd).toEqual({ updateConfigContext: { isActive: false, data: { ntp: [] } }, updateConfigContextAssignment: { weight: 1 } });
    expect((await ok('{ configContexts(filter: {isActive: {exact: true}}) { totalCount } }')).configContexts.totalCount).toBe(0);
    expect(await ok(`mutation { deleteConfigContextAssignments(ids: ["${a.id}", "${b.id}", "999999"]) }`)).toEqual({ deleteConfigContextAssignments: 2 });
    expect(await ok(`mutation { deleteConfigContext(id: "${cc.id}") }`)).toEqual({ deleteConfigContext: true });
  });

  test('ExportTemplate', async () => {
    const t = (await ok(`mutation { createExportTemplate(input: {contentType: "peering.autonomoussystem", name: "ASNs", template: "{% for a in dataset %}{{ a.asn }}\\n{% endfor %}", jinja2Trim: true}) {
      id display contentType name description template jinja2Trim jinja2Lstrip } }`)).createExportTemplate;
    expect(t).toMatchObject({ display: 'ASNs', contentType: 'peering.autonomoussystem', description: '', jinja2Trim: true, jinja2Lstrip: false });
    expect((await bad('mutation { createExportTemplate(input: {contentType: "peering.autonomoussystem", name: "ASNs", template: "x"}) { id } }', 'nonFieldErrors'))[0])
      .toBe('The fields content_type, name must make a unique set.');
    const other = (await ok('mutation { createExportTemplate(input: {contentType: "peering.internetexchange", name: "ASNs", template: "x"}) { id } }')).createExportTemplate;
    expect((await bad('mutation { createExportTemplate(input: {contentType: "peering.internetexchange", name: "table", template: "x"}) { id } }', 'name'))[0]).toMatch(/reserved name/);
    await bad('mutation { createExportTemplate(input: {contentType: "peering.internetexchange", name: "empty", template: ""}) { id } }', 'template');
    const f = await ok('{ exportTemplates(filter: {contentType: {exact: ["peering.internetexchange"]}, name: {ie: ["asns"]}}) { totalCount items { id } } }');
    expect(f.exportTemplates.items).toEqual([{ id: other.id }]);
    expect((await ok(`mutation { updateExportTemplate(id: "${t.id}", input: {description: "one per line"}) { description } }`)).updateExportTemplate.description).toBe('one per line');
    expect((await ok('{ exportTemplates(filter: {description: {ic: ["per line"]}}) { totalCount } }')).exportTemplates.totalCount).toBe(1);
    await ok(`mutation { deleteExportTemplate(id: "${other.id}") }`);
    expect((await ok('{ exportTemplates { totalCount } }')).exportTemplates.totalCount).toBe(1);
  });

  test('JournalEntry: author defaults to the caller, display, tags', async () => {
    await ok('mutation { createTag(input: {name: "Journal", slug: "journal"}) { id } }');
    const j = (await ok(`mutation { createJournalEntry(input: {assignedObjectType: "peering.autonomoussystem", assignedObjectId: 1, comments: "Asked for a session", tags: [{slug: "journal"}]}) {
      id display kind created comments createdBy { username } tags { slug } } }`)).createJournalEntry;
    expect(j).toMatchObject({ kind: 'INFO', comments: 'Asked for a session', createdBy: { username: 'admin' }, tags: [{ slug: 'journal' }] });
    const c = new Date(j.created);
    const two = (n: number) => String(n).padStart(2, '0');
    expect(j.display).toBe(`${c.getUTCFullYear()}-${two(c.getUTCMonth() + 1)}-${two(c.getUTCDate())} ${two(c.getUTCHours())}:${two(c.getUTCMinutes())} (Info)`);
    const anon = (await ok('mutation { createJournalEntry(input: {assignedObjectType: "peering.internetexchange", assignedObjectId: 2, comments: "Maintenance", kind: WARNING, createdById: null}) { id display createdBy { id } } }')).createJournalEntry;
    expect(anon.createdBy).toBeNull();
    expect(anon.display).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d \(Warning\)$/);
    await bad('mutation { createJournalEntry(input: {assignedObjectType: "peering.autonomoussystem", assignedObjectId: 1, comments: ""}) { id } }', 'comments');
    // Choices are enums: an unknown one is refused by the schema before any resolver runs.
    const fatal = await s.gql('mutation { createJournalEntry(input: {assignedObjectType: "peering.autonomoussystem", assignedObjectId: 1, comments: "x", kind: FATAL}) { id } }');
    expect(fatal.errors[0]).toMatchObject({ message: expect.stringContaining('JournalEntryKind'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    await bad('mutation { createJournalEntry(input: {assignedObjectType: "nope", assignedObjectId: 1, comments: "x"}) { id } }', 'assignedObjectType');

    const f = await ok(`{ warn: journalEntries(filter: {kind: {exact: [WARNING]}}) { items { id } }
      tagged: journalEntries(filter: {tag: ["journal"], assignedObjectType: {exact: ["peering.autonomoussystem"]}}) { items { id } }
      mine: journalEntries(filter: {createdByUsername: {exact: ["admin"]}, q: "session"}) { items { id } } }`);
    expect(f).toEqual({ warn: { items: [{ id: anon.id }] }, tagged: { items: [{ id: j.id }] }, mine: { items: [{ id: j.id }] } });
    const upd = (await ok(`mutation { updateJournalEntry(id: "${anon.id}", input: {kind: DANGER, tags: []}) { display kind } }`)).updateJournalEntry;
    expect(upd.display).toMatch(/\(Danger\)$/);
    expect(await ok(`mutation { deleteJournalEntry(id: "${anon.id}") }`)).toEqual({ deleteJournalEntry: true });
    expect((await ok('{ journalEntries { totalCount } }')).journalEntries.totalCount).toBe(1);
  });

  test('Webhook: validation, uniqueness, secret only for writers', async () => {
    const W = 'id display name contentTypes enabled typeCreate typeUpdate typeDelete payloadUrl httpMethod httpContentType additionalHeaders bodyTemplate secret conditions sslVerification caFilePath';
    const w = (await ok(`mutation { createWebhook(input: {name: "Sessions", contentTypes: ["peering.directpeeringsession", "peering.internetexchangepeeringsession"], typeCreate: true, payloadUrl: "https://hooks.example/{{ model }}", secret: "hmac-key"}) { ${W} } }`)).createWebhook;
    expect(w).toMatchObject({
      display: 'Sessions', enabled: true, typeCreate: true, typeUpdate: false, typeDelete: false, httpMethod: 'POST', httpContentType: 'application/json',
      additionalHeaders: '', bodyTemplate: '', secret: 'hmac-key', conditions: null, sslVerification: true, caFilePath: null,
    });
    expect((await bad('mutation { createWebhook(input: {name: "Sessions", contentTypes: ["peering.bgpgroup"], typeDelete: true, payloadUrl: "https://other.example/"}) { id } }', 'name'))[0])
      .toBe('webhook with this name already exists.');
    expect((await bad('mutation { createWebhook(input: {name: "Twin", contentTypes: ["peering.bgpgroup"], typeCreate: true, payloadUrl: "https://hooks.example/{{ model }}"}) { id } }', 'nonFieldErrors'))[0])
      .toBe('The fields type_create, type_update, type_delete, payload_url must make a unique set.');
    expect((await bad('mutation { createWebhook(input: {name: "No event", contentTypes: ["peering.bgpgroup"], payloadUrl: "https://x.example/"}) { id } }', 'nonFieldErrors'))[0]).toMatch(/At least one event type/);
    await bad('mutation { createWebhook(input: {name: "No types", contentTypes: [], typeCreate: true, payloadUrl: "https://x.example/"}) { id } }', 'contentTypes');
    await bad('mutation { createWebhook(input: {name: "Bad type", contentTypes: ["peering.nothing"], typeCreate: true, payloadUrl: "https://x.example/"}) { id } }', 'contentTypes');
    await bad('mutation { createWebhook(input: {name: "CA", contentTypes: ["peering.bgpgroup"], typeCreate: true, payloadUrl: "https://x.example/", sslVerification: false, caFilePath: "/etc/ca.pem"}) { id } }', 'caFilePath');
    expect((await s.gql('mutation { createWebhook(input: {name: "Verb", contentTypes: ["peering.bgpgroup"], typeCreate: true, payloadUrl: "https://x.example/", httpMethod: GETS}) { id } }')).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const d = (await ok('mutation { createWebhook(input: {name: "Deletes", contentTypes: ["peering.bgpgroup"], typeDelete: true, payloadUrl: "https://x.example/", httpMethod: DELETE, enabled: false}) { id } }')).createWebhook;

    const f = await ok(`{ a: webhooks(filter: {typeCreate: {exact: true}}) { items { name } }
      b: webhooks(filter: {enabled: {exact: false}, httpMethod: {exact: [DELETE]}}) { items { name } }
      c: webhooks(filter: {name: {isw: ["sess"]}}) { totalCount } }`);
    expect(f).toEqual({ a: { items: [{ name: 'Sessions' }] }, b: { items: [{ name: 'Deletes' }] }, c: { totalCount: 1 } });
    // The secret is not a filter, and read-only callers do not see it.
    expect(await inputFields('WebhookFilter')).not.toContain('secret');
    const em = s.pg.orm.em.fork();
    const ro = await createToken(em, await em.findOneOrFail(User, { username: 'admin' }), { writeEnabled: false });
    const seen = await s.gql(`{ webhook(id: "${w.id}") { name secret } }`, {}, ro.key);
    expect(seen.data.webhook).toEqual({ name: 'Sessions', secret: null });

    const upd = (await ok(`mutation { updateWebhook(id: "${w.id}", input: {typeUpdate: true, conditions: {and: [{attr: "status.value", value: "enabled"}]}}) { typeUpdate conditions } }`)).updateWebhook;
    expect(upd).toEqual({ typeUpdate: true, conditions: { and: [{ attr: 'status.value', value: 'enabled' }] } });
    expect(await ok(`mutation { deleteWebhooks(ids: ["${w.id}", "${d.id}"]) }`)).toEqual({ deleteWebhooks: 2 });
  });

  test('IXAPI and the IX ixapiEndpoint', async () => {
    const x = (await ok('mutation { createIxapi(input: {name: "DE-CIX", apiUrl: "https://api.de-cix.net/api/v2", apiKey: "key-1", apiSecret: "s3cret", identity: "12345"}) { id display name apiUrl apiKey apiSecret identity created } }')).createIxapi;
    expect(x).toMatchObject({ display: 'DE-CIX', apiSecret: 's3cret', identity: '12345' });
    expect((await bad('mutation { createIxapi(input: {name: "Again", apiUrl: "https://api.de-cix.net/api/v2", apiKey: "key-1", apiSecret: "x", identity: "1"}) { id } }', 'nonFieldErrors'))[0])
      .toBe('The fields api_url, api_key must make a unique set.');
    await bad('mutation { createIxapi(input: {name: "Blank", apiUrl: "https://x.example/", apiKey: "k", apiSecret: "", identity: "1"}) { id } }', 'apiSecret');
    const y = (await ok('mutation { createIxapi(input: {name: "AMS-IX", apiUrl: "https://api.ams-ix.net/v2", apiKey: "key-1", apiSecret: "x", identity: "9"}) { id } }')).createIxapi;
    expect(await inputFields('IxapiFilter')).not.toContain('apiSecret');
    const f = await ok(`{ a: ixapis(filter: {apiUrl: {ic: ["de-cix"]}}) { items { id } } b: ixapis(filter: {apiKey: {exact: ["key-1"]}}) { totalCount }
      c: ixapis(filter: {q: "ams-ix.net"}) { items { id } } one: ixapi(id: "${x.id}") { name } }`);
    expect(f).toEqual({ a: { items: [{ id: x.id }] }, b: { totalCount: 2 }, c: { items: [{ id: y.id }] }, one: { name: 'DE-CIX' } });

    const ix = (await ok(`mutation { createAutonomousSystem(input: {asn: 64510, name: "Local"}) { id }
      createInternetExchange(input: {name: "DE-CIX FRA", slug: "de-cix-fra", localAutonomousSystem: {asn: 64510}, ixapiEndpoint: {name: "DE-CIX"}}) { id ixapiEndpoint { id name } } }`)).createInternetExchange;
    expect(ix.ixapiEndpoint).toEqual({ id: x.id, name: 'DE-CIX' });
    expect((await ok('{ internetExchanges(filter: {ixapiEndpointName: {exact: ["DE-CIX"]}}) { totalCount } }')).internetExchanges.totalCount).toBe(1);
    expect((await ok(`mutation { updateIxapi(id: "${x.id}", input: {identity: "54321"}) { identity } }`)).updateIxapi.identity).toBe('54321');
    await ok(`mutation { deleteIxapi(id: "${x.id}") }`);
    expect((await ok(`{ internetExchange(id: "${ix.id}") { name ixapiEndpoint { id } } }`)).internetExchange).toEqual({ name: 'DE-CIX FRA', ixapiEndpoint: null });
    await ok(`mutation { updateInternetExchange(id: "${ix.id}", input: {ixapiEndpointId: "${y.id}"}) { id } }`);
    expect((await ok(`mutation { updateInternetExchange(id: "${ix.id}", input: {ixapiEndpointId: null}) { ixapiEndpoint { id } } }`)).updateInternetExchange.ixapiEndpoint).toBeNull();
  });

  test('DataSource, and read-only DataFile and Job', async () => {
    const ds = (await ok('mutation { createDataSource(input: {name: "templates", sourceUrl: "file:///srv/templates", tags: [{slug: "journal"}]}) { id display type status enabled fileCount parameters ignoreRules description comments tags { slug } } }')).createDataSource;
    expect(ds).toMatchObject({ display: 'templates', type: 'LOCAL', status: 'NEW', enabled: true, fileCount: 0, parameters: null, ignoreRules: '', tags: [{ slug: 'journal' }] });
    expect((await bad('mutation { createDataSource(input: {name: "templates", sourceUrl: "/x"}) { id } }', 'name'))[0]).toBe('data source with this name already exists.');
    expect((await bad('mutation { createDataSource(input: {name: "web", sourceUrl: "https://git.example/t.git"}) { id } }', 'sourceUrl'))[0]).toMatch(/local sources must start with file/);
    await bad('mutation { createDataSource(input: {name: "params", type: GIT, sourceUrl: "https://git.example/t.git", parameters: [1]}) { id } }', 'parameters');
    expect((await s.gql('mutation { createDataSource(input: {name: "svn", type: SVN, sourceUrl: "https://x.example/"}) { id } }')).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const git = (await ok('mutation { createDataSource(input: {name: "configs", type: GIT, sourceUrl: "https://git.example/configs.git", parameters: {branch: "main"}, ignoreRules: "*.bak"}) { id status } }')).createDataSource;
    // `status` is set by synchronisation only.
    expect(await inputFields('DataSourceCreateInput')).not.toContain('status');

    // Files (and jobs) are written by PeerGate itself, not through the API.
    const em = s.pg.orm.em.fork();
    const source = await em.findOneOrFail(DataSource, { id: Number(git.id) });
    const hash = 'ab'.repeat(32);
    for (const path of ['routers/edge1.j2', 'routers/edge2.j2']) em.create(DataFile, { source, path, updated: new Date('2024-05-01T00:00:00Z'), size: path.length, hash });
    const admin = await em.findOneOrFail(User, { username: 'admin' });
    const job = Object.assign(new Job(), { objectType: 'core.datasource', objectId: source.id, name: 'core.datasource.synchronisation', user: admin, status: 'completed', output: 'synced 2 files' });
    em.persist([job, Object.assign(new Job(), { objectType: 'devices.router', objectId: 1, name: 'devices.router.configuration' })]);
    await em.flush();

    const f = await ok(`{ git: dataSources(filter: {type: {exact: [GIT]}, enabled: {exact: true}}) { items { name fileCount } }
      local: dataSources(filter: {q: "templ"}) { items { name fileCount } }
      files: dataFiles(filter: {sourceName: {exact: ["configs"]}, path: {iew: ["edge2.j2"]}}) { items { display path size hash source { name } } }
      big: dataFiles(filter: {size: {gte: 16}, updated: {lt: "2025-01-01T00:00:00Z"}}) { totalCount }
      done: jobs(filter: {status: {exact: [COMPLETED]}, userUsername: {exact: ["admin"]}}) { items { display jobId name objectType objectId output user { username } status created } }
      byId: jobs(filter: {jobId: {exact: ["${job.jobId}"]}}) { totalCount }
      pending: jobs(filter: {q: "configuration"}) { items { status completed } } }`);
    expect(f.git.items).toEqual([{ name: 'configs', fileCount: 2 }]);
    expect(f.local.items).toEqual([{ name: 'templates', fileCount: 0 }]);
    expect(f.files.items).toEqual([{ display: 'routers/edge2.j2', path: 'routers/edge2.j2', size: 16, hash, source: { name: 'configs' } }]);
    expect(f.big.totalCount).toBe(2);
    expect(f.done.items).toEqual([expect.objectContaining({
      display: job.jobId, jobId: job.jobId, name: 'core.datasource.synchronisation', objectType: 'core.datasource', objectId: source.id, output: 'synced 2 files', user: { username: 'admin' }, status: 'COMPLETED',
    })]);
    expect(f.done.items[0].jobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(f.byId.totalCount).toBe(1);
    expect(f.pending.items).toEqual([{ status: 'PENDING', completed: null }]);

    expect((await ok(`mutation { updateDataSource(id: "${git.id}", input: {enabled: false, description: "router configs"}) { enabled description fileCount } }`)).updateDataSource)
      .toEqual({ enabled: false, description: 'router configs', fileCount: 2 });
    // Deleting a source deletes its files.
    await ok(`mutation { deleteDataSource(id: "${git.id}") }`);
    expect((await ok('{ dataFiles { totalCount } dataSources { totalCount } }'))).toEqual({ dataFiles: { totalCount: 0 }, dataSources: { totalCount: 1 } });
  });

  test('HiddenPeer: uniqueness and is_expired', async () => {
    const H = 'id display peeringdbNetwork peeringdbIxlan until comments isExpired';
    const old = (await ok(`mutation { createHiddenPeer(input: {peeringdbNetwork: 100, peeringdbIxlan: 7, until: "2020-01-01T00:00:00Z", comments: "gone"}) { ${H} } }`)).createHiddenPeer;
    expect(old).toMatchObject({ display: 'PeeringDB network 100 hidden on PeeringDB IX LAN 7', until: '2020-01-01T00:00:00.000Z', isExpired: true });
    const forever = (await ok(`mutation { createHiddenPeer(input: {peeringdbNetwork: 101, peeringdbIxlan: 7}) { ${H} } }`)).createHiddenPeer;
    expect(forever).toMatchObject({ until: null, comments: '', isExpired: false });
    const later = (await ok(`mutation { createHiddenPeer(input: {peeringdbNetwork: 100, peeringdbIxlan: 8, until: "2999-01-01T00:00:00Z"}) { ${H} } }`)).createHiddenPeer;
    expect(later.isExpired).toBe(false);
    expect((await bad('mutation { createHiddenPeer(input: {peeringdbNetwork: 100, peeringdbIxlan: 7}) { id } }', 'nonFieldErrors'))[0])
      .toBe('The fields peeringdb_network, peeringdb_ixlan must make a unique set.');
    await bad('mutation { createHiddenPeer(input: {peeringdbNetwork: 0, peeringdbIxlan: 7}) { id } }', 'peeringdbNetwork');

    const f = await ok(`{ expired: hiddenPeers(filter: {isExpired: true}) { items { id } }
      current: hiddenPeers(filter: {isExpired: false}) { items { id } }
      onIx: hiddenPeers(filter: {peeringdbIxlan: {exact: [7]}}) { items { id } }
      net: hiddenPeers(filter: {peeringdbNetwork: {exact: [100]}, until: {gt: "2500-01-01T00:00:00Z"}}) { items { id } }
      q: hiddenPeers(filter: {q: "GONE"}) { items { id } } }`);
    expect(f.expired.items).toEqual([{ id: old.id }]);
    expect(f.current.items.map((i: any) => i.id).sort()).toEqual([forever.id, later.id].sort());
    expect(f.onIx.items.map((i: any) => i.id)).toEqual([old.id, forever.id]); // ordered by until, nulls last
    expect(f.net.items).toEqual([{ id: later.id }]);
    expect(f.q.items).toEqual([{ id: old.id }]);
    // Moving it onto a taken pair is refused too.
    await bad(`mutation { updateHiddenPeer(id: "${later.id}", input: {peeringdbIxlan: 7}) { id } }`, 'nonFieldErrors');
    expect((await ok(`mutation { updateHiddenPeer(id: "${old.id}", input: {until: null}) { until isExpired } }`)).updateHiddenPeer).toEqual({ until: null, isExpired: false });
    expect(await ok(`mutation { deleteHiddenPeers(ids: ["${old.id}", "${forever.id}", "${later.id}"]) }`)).toEqual({ deleteHiddenPeers: 3 });
  });

  test('writes to the new models are change-logged', async () => {
    const w = (await ok('mutation { createIxapi(input: {name: "Logged", apiUrl: "https://log.example/", apiKey: "k", apiSecret: "never-logged", identity: "1"}) { id } }')).createIxapi;
    const r = await ok(`{ objectChanges(filter: {changedObjectType: {exact: ["extras.ixapi"]}, changedObjectId: {exact: [${w.id}]}}) { items { action postchangeData } } }`);
    expect(r.objectChanges.items).toHaveLength(1);
    expect(r.objectChanges.items[0].action).toBe('CREATE');
    expect(r.objectChanges.items[0].postchangeData).toMatchObject({ name: 'Logged', api_url: 'https://log.example/' });
    expect(r.objectChanges.items[0].postchangeData).not.toHaveProperty('api_secret');
  });
});
