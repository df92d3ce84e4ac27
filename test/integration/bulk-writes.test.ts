// Bulk creates insert rows, pivot rows and change records without the ORM's unit of work
// (src/db/direct-insert.ts): what they write must be what the flush writes, a failure
// anywhere must leave nothing, and every change must reach the bus and webhooks once.
import { requestStatements, startTestServer, type TestServer } from '../helpers/server';
import { DB_KINDS } from '../helpers/db';
import { AS, asn, post } from '../helpers/pm';
import { AutonomousSystem } from '../../src/domain/peering/autonomous-system';
import { Tag } from '../../src/domain/extras/tag';
import { User } from '../../src/domain/users/user';
import { describe as model } from '../../src/domain/model';
import { UnnamedEntitiesError, insertsDirectly } from '../../src/db/direct-insert';
import { transaction } from '../../src/db/transaction';
import { waitFor } from '../interop/daemons';

describe.each(DB_KINDS)('bulk writes (%s)', (kind) => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(kind); });
  afterAll(async () => { await s?.close(); });

  const sql = (text: string, params: unknown[] = []) => s.pg.orm.em.fork().getConnection().execute(text, params) as Promise<any[]>;
  const changesOf = (requestId: string) => sql('select * from core_object_change where request_id = ? order by id', [requestId]);
  /** A change record without what differs between two writes of the same content. */
  const comparable = (row: any) => {
    const { id: _i, time: _t, request_id: _r, changed_object_id: _c, user_id: _u, user_name: _n, ...rest } = row;
    const post = typeof rest.postchange_data === 'string' ? JSON.parse(rest.postchange_data) : rest.postchange_data;
    const { id: _pi, created: _pc, ...content } = post;
    return { ...rest, postchange_data: content };
  };

  test("the gateway's flush subscribers (change log, inventory, credentials) leave other models' creates to the direct insert", () => {
    expect(insertsDirectly(s.pg.orm.em, model(AutonomousSystem))).toBe(true);
    expect(insertsDirectly(s.pg.orm.em, model(User))).toBe(false);
  });

  test('inside a transaction, too; a flush subscriber that names no entities is refused, not read as watching every model', async () => {
    // transaction() watches its own flushes for deletions.
    const inside = await transaction(s.pg.orm.em.fork(), async (tem) => insertsDirectly(tem, model(AutonomousSystem)));
    expect(inside).toBe(true);
    const em = s.pg.orm.em.fork({ cloneEventManager: true });
    em.getEventManager().registerSubscriber({ getSubscribedEntities: () => [Tag], afterFlush: async () => undefined });
    expect(insertsDirectly(em, model(AutonomousSystem))).toBe(true);
    expect(insertsDirectly(em, model(Tag))).toBe(false);
    class Unnamed { async afterFlush(): Promise<void> {} }
    em.getEventManager().registerSubscriber(new Unnamed());
    expect(() => insertsDirectly(em, model(AutonomousSystem))).toThrow(UnnamedEntitiesError);
    expect(() => insertsDirectly(em, model(AutonomousSystem))).toThrow(/Unnamed names no entities/);
  });

  test('a bulk create writes the same change records as the ORM flush writes for the same objects', async () => {
    const tag = await post(s, '/api/extras/tags/', { name: `bulk-${kind}`, slug: `bulk-${kind}` });
    const items = [
      { asn: asn(), name: 'Bulk One', irr_as_set: 'AS-ONE', ipv4_max_prefixes: 10, tags: [tag.id], comments: 'c' },
      { asn: asn(), name: 'Bulk Two', affiliated: true },
    ];
    const r = await s.http('POST', AS, { body: items });
    expect(r.status).toBe(201);
    expect(r.json.map((o: any) => o.tags.map((t: any) => t.id))).toEqual([[tag.id], []]);
    const bulk = await changesOf(r.headers.get('x-request-id')!);
    expect(bulk.map((c) => Number(c.changed_object_id))).toEqual(r.json.map((o: any) => o.id));

    // The same content written through a flush (the path updates and inventory models take).
    const em = s.pg.orm.em.fork();
    const viaFlush = items.map((i) => {
      const a = new AutonomousSystem();
      Object.assign(a, { asn: i.asn + 100_000, name: i.name, irrAsSet: i.irr_as_set ?? null, ipv4MaxPrefixes: i.ipv4_max_prefixes ?? 0, comments: i.comments ?? '', affiliated: i.affiliated ?? false });
      return a;
    });
    const tags = await em.find(Tag, { id: { $in: [tag.id] } });
    viaFlush[0].tags.set(tags);
    await em.persistAndFlush(viaFlush);
    const flushed = await sql('select * from core_object_change where changed_object_type = ? and changed_object_id in (?, ?) order by id', ['peering.autonomoussystem', ...viaFlush.map((a) => a.id)]);
    expect(flushed).toHaveLength(2);
    const normalise = (row: any) => {
      const c = comparable(row);
      return { ...c, object_repr: c.object_repr.replace(/^AS\d+/, 'AS?'), postchange_data: { ...c.postchange_data, asn: 0 } };
    };
    expect(bulk.map(normalise)).toEqual(flushed.map(normalise));
    // The stored rows match what was answered, the database's defaults included.
    const stored = await s.http('GET', `${AS}${r.json[0].id}/`);
    expect(stored.json).toEqual(r.json[0]);
  });

  test('a bulk create of one object answers and logs as a single create does', async () => {
    const a = asn();
    const single = await s.http('POST', AS, { body: { asn: a, name: 'same' } });
    const bulk = await s.http('POST', AS, { body: [{ asn: a + 1, name: 'same' }] });
    expect(bulk.status).toBe(201);
    const strip = (o: any) => ({ ...o, id: 0, url: '', display_url: '', display: o.display.replace(/^AS\d+/, ''), asn: 0, created: '', updated: '' });
    expect(strip(bulk.json[0])).toEqual(strip(single.json));
    const [one] = await changesOf(single.headers.get('x-request-id')!);
    const [many] = await changesOf(bulk.headers.get('x-request-id')!);
    const content = (c: any) => { const x = comparable(c); return { ...x, object_repr: '', postchange_data: { ...x.postchange_data, asn: 0 } }; };
    expect(content(many)).toEqual(content(one));
  });

  test('a bulk create of thousands (ids taken before the rows insert, the rows sent by COPY) records every object as it was stored', async () => {
    const tag = await post(s, '/api/extras/tags/', { name: `many-${kind}`, slug: `many-${kind}` });
    const base = 3_000_000_000; // apart from the other tests' ASNs (asn() * 10 onwards)
    // Text COPY's format escapes (tab, newline, carriage return, backslash) and what JSON escapes.
    const awkward = 'line one\nline\ttwo\r\\n not a newline "quoted" \'single\' é 🚀 \\';
    const items = Array.from({ length: 1500 }, (_, i) => ({
      asn: base + i, name: `many ${i}${i % 5 ? '' : ' \\ "x"'}`, ...(i % 2 ? { tags: [tag.id] } : {}), ...(i % 3 ? {} : { comments: awkward }),
    }));
    let r!: Awaited<ReturnType<typeof s.http>>;
    const statements = await requestStatements(s, async () => { r = await s.http('POST', AS, { body: items }); });
    expect(r.status).toBe(201);
    // The objects in one COPY, on PGlite too (from '/dev/blob'); no INSERT of them.
    expect(statements.filter((t) => /^copy "peering_autonomoussystem" /.test(t))).toHaveLength(1);
    expect(statements.filter((t) => /^insert into "peering_autonomoussystem" /.test(t))).toEqual([]);
    const ids: number[] = r.json.map((o: any) => o.id);
    // The answer is read back from the table: the rows hold what was sent.
    expect(r.json.map((o: any) => [o.asn, o.name, o.comments, o.irr_as_set, o.affiliated])).toEqual(items.map((i) => [i.asn, i.name, i.comments ?? '', null, false]));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    const changes = await changesOf(r.headers.get('x-request-id')!);
    expect(changes.map((c) => Number(c.changed_object_id))).toEqual(ids);
    const post_ = (c: any) => (typeof c.postchange_data === 'string' ? JSON.parse(c.postchange_data) : c.postchange_data);
    expect(changes.map((c) => post_(c).id)).toEqual(ids);
    expect(changes.map((c) => post_(c).tags)).toEqual(items.map((i) => (i.tags ? [tag.name] : [])));
    expect(changes.map((c) => c.object_repr)).toEqual(r.json.map((o: any) => o.display));
    expect(changes.map((c) => [post_(c).name, post_(c).comments])).toEqual(items.map((i) => [i.name, i.comments ?? '']));
    const pivots = await sql('select autonomous_system_id as a from peering_autonomoussystem_tags where tag_id = ? order by 1', [tag.id]);
    expect(pivots.map((p) => Number(p.a))).toEqual(ids.filter((_, i) => i % 2));
    for (const i of [0, 1, 1499]) expect((await s.http('GET', `${AS}${ids[i]}/`)).json).toEqual(r.json[i]);
    // The sequences go on past the ids taken; a single create's record has the same author and kind.
    const next = await s.http('POST', AS, { body: { asn: base + 5000, name: 'after many' } });
    expect(next.json.id).toBeGreaterThan(ids[ids.length - 1]);
    const [single] = await changesOf(next.headers.get('x-request-id')!);
    expect(Number(single.id)).toBeGreaterThan(Number(changes[changes.length - 1].id));
    const who = (c: any) => [c.user_id, c.user_name, c.action, c.changed_object_type, c.prechange_data];
    expect(new Set(changes.map((c) => JSON.stringify(who(c))))).toEqual(new Set([JSON.stringify(who(single))]));
  });

  test('a row the database refuses mid-batch leaves nothing: no rows, pivots, change records, jobs or events', async () => {
    const tag = await post(s, '/api/extras/tags/', { name: `rb-${kind}`, slug: `rb-${kind}` });
    await post(s, '/api/extras/webhooks/', { name: `rb-${kind}`, content_types: ['peering.autonomoussystem'], type_create: true, payload_url: 'http://127.0.0.1:9/none' });
    // Constraints validation does not know: one on the row (second statement of the batch), one on its change record.
    await sql(`alter table peering_autonomoussystem add constraint bulk_test_no_boom check (name <> 'boom')`);
    await sql(`create function bulk_test_refuse() returns trigger language plpgsql as $$ begin
      if new.object_repr like '%log-boom' then raise exception 'refused' using errcode = '23514'; end if; return new; end $$`);
    await sql('create trigger bulk_test_refuse before insert on core_object_change for each row execute function bulk_test_refuse()');
    const events: unknown[] = [];
    const sub = s.pg.bus.pubSub.subscribe('objectChanged');
    void (async () => { for await (const e of sub) events.push(e); })();
    try {
      const count = async () => (await s.http('GET', `${AS}?limit=1`)).json.count;
      const before = await count();
      const jobs = async () => Number((await sql(`select count(*) as n from core_job where name = 'extras.webhook.process'`))[0].n);
      const jobsBefore = await jobs();
      const pivots = async () => Number((await sql('select count(*) as n from peering_autonomoussystem_tags where tag_id = ?', [tag.id]))[0].n);
      for (const failing of ['boom', 'log-boom']) {
        const base = asn() * 10;
        const items = Array.from({ length: 2500 }, (_, i) => ({ asn: base + i, name: i === 2400 ? failing : `rb ${i}`, tags: [tag.id] }));
        const r = await s.http('POST', AS, { body: items });
        expect(r.status).toBe(400);
        expect(await count()).toBe(before);
        expect(await changesOf(r.headers.get('x-request-id')!)).toEqual([]);
        expect(await pivots()).toBe(0);
        expect(await jobs()).toBe(jobsBefore);
      }
      // The same write without the refused row goes through whole.
      const ok = await s.http('POST', AS, { body: [{ asn: asn() * 10, name: 'fine', tags: [tag.id] }] });
      expect(ok.status).toBe(201);
      await waitFor('the event of the good write', async () => events.some((e: any) => e.objectId === ok.json[0].id), 10_000, 50);
      expect(events.filter((e: any) => e.objectType === 'peering.autonomoussystem').map((e: any) => e.objectId)).toEqual([ok.json[0].id]);
      expect(await jobs()).toBe(jobsBefore + 1);
    } finally {
      await sub.return();
      await sql('drop trigger bulk_test_refuse on core_object_change');
      await sql('drop function bulk_test_refuse()');
      await sql('alter table peering_autonomoussystem drop constraint bulk_test_no_boom');
    }
  });

  test('every change of a bulk write reaches the bus and the webhook queue exactly once, in order', async () => {
    const hook = await post(s, '/api/extras/webhooks/', { name: `once-${kind}`, content_types: ['peering.autonomoussystem'], type_create: true, type_update: true, payload_url: 'http://127.0.0.1:9/none' });
    const events: any[] = [];
    const sub = s.pg.bus.pubSub.subscribe('objectChanged');
    void (async () => { for await (const e of sub) events.push(e); })();
    try {
      // More than one batch of the PostgreSQL bus (500 events per statement) and one statement of change records (2000).
      const base = asn() * 10;
      const r = await s.http('POST', AS, { body: Array.from({ length: 2345 }, (_, i) => ({ asn: base + i, name: `once ${i}` })) });
      expect(r.status).toBe(201);
      const ids = r.json.map((o: any) => o.id);
      const rid = r.headers.get('x-request-id');
      const changes = await changesOf(rid!);
      const mine = () => events.filter((e) => e.requestId === rid);
      await waitFor('every event', async () => mine().length >= ids.length, 30_000, 50);
      await new Promise((done) => setTimeout(done, 300)); // a duplicate would arrive by now
      expect(mine().map((e) => e.objectId)).toEqual(ids);
      expect(mine().map((e) => e.id)).toEqual(changes.map((c) => Number(c.id)));
      expect(mine().every((e) => e.action === 'create')).toBe(true);
      const queued = await sql(`select params from core_job where name = 'extras.webhook.process' and (params->>'webhookId')::int = ?`, [hook.id]);
      const changeIds = queued.map((j: any) => Number((typeof j.params === 'string' ? JSON.parse(j.params) : j.params).changeId)).sort((a: number, b: number) => a - b);
      expect(changeIds).toEqual(changes.map((c) => Number(c.id)));
    } finally {
      await sub.return();
    }
  });
});
