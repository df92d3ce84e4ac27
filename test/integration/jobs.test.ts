// Jobs: enqueued rows run in the background with Peering Manager's status, data and output; a
// handler that throws or runs past its timeout is errored; a running row whose process died is
// errored by the next sweep; /api/core/jobs/ and GraphQL filter them.
import { defineJob, enqueueJob } from '../../src/jobs/api';
import { JobRunner } from '../../src/jobs/runner';
import { Job } from '../../src/domain/core/job';
import { DB_KINDS } from '../helpers/db';
import { startTestServer, type TestServer } from '../helpers/server';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { settledJob } from '../helpers/jobs';

defineJob('test.jobs.echo', async (r) => {
  r.log('info', `hello ${String(r.params.who)}`, { display: 'AS65000', url: '/api/peering/autonomous-systems/1/' });
  r.setOutput(`line 1 for ${r.caller.user?.username ?? 'nobody'}`);
  r.setOutput('line 2');
});
defineJob('test.jobs.boom', async () => { throw new Error('upstream said no'); });
defineJob('test.jobs.slow', () => new Promise((resolve) => { setTimeout(resolve, 5000).unref(); }), { timeoutMs: 200 });

describe.each(DB_KINDS)('jobs (%s)', (kind) => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(kind); }, 60_000);
  afterAll(async () => { await s?.close(); });

  const adminId = async () => (await s.http('GET', '/api/users/users/?username=admin')).json.results[0].id as number;

  test('a job runs to completed with the log, output and timestamps Peering Manager shows', async () => {
    const job = await enqueueJob(s.pg.orm.em.fork() as any, { name: 'test.jobs.echo', objectType: 'peering.autonomoussystem', objectId: 1, userId: await adminId(), params: { who: 'world' } });
    await settledJob(s, job.id);
    const r = await s.http('GET', `/api/core/jobs/${job.id}/`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ name: 'test.jobs.echo', object_type: 'peering.autonomoussystem', object_id: 1, status: { value: 'completed' }, output: 'line 1 for admin\nline 2' });
    expect(Date.parse(r.json.started)).toBeLessThanOrEqual(Date.parse(r.json.completed));
    const main = r.json.data.main;
    expect(main.log.map((l: unknown[]) => [l[1], l[2], l[3], l[4]])).toEqual([
      ['info', null, null, 'Running job'],
      ['info', 'AS65000', '/api/peering/autonomous-systems/1/', 'hello world'],
      ['success', null, null, 'Job completed'],
    ]);
    expect(main).toMatchObject({ info: 2, success: 1, warning: 0, failure: 0 });
    expect(r.json.data.total).toEqual({ info: 2, success: 1, warning: 0, failure: 0 });
    expect(r.json.data.output.log.map((l: unknown[]) => l[1])).toEqual(['default', 'default']);
  });

  test('a handler that throws is errored with its message as output; a timeout too', async () => {
    const em = s.pg.orm.em.fork() as any;
    const boom = await enqueueJob(em, { name: 'test.jobs.boom', objectType: 'core.job' });
    const slow = await enqueueJob(em, { name: 'test.jobs.slow', objectType: 'core.job' });
    const b = await settledJob(s, boom.id);
    expect([b.status, b.output]).toEqual(['errored', 'upstream said no']);
    expect((b.data as any).main.log.at(-1)[4]).toBe('An exception occurred, see output for more details.');
    const t = await settledJob(s, slow.id);
    expect([t.status, t.output]).toEqual(['errored', 'Job timed out after 0 s']);
  });

  test('a running job whose lease ran out (its process died) is errored by the sweep', async () => {
    const em = s.pg.orm.em.fork();
    const dead = em.create(Job, { name: 'test.jobs.echo', objectType: 'core.job', status: 'running', started: new Date(Date.now() - 3_600_000), data: { total: { success: 0, info: 0, warning: 0, failure: 0 } } } as any);
    const alive = em.create(Job, { name: 'test.jobs.echo', objectType: 'core.job', status: 'running', started: new Date(), data: null } as any);
    await em.flush();
    const runner = new JobRunner(s.pg.orm, { pollMs: 60_000 });
    await runner.sweep();
    await runner.close();
    const after = s.pg.orm.em.fork();
    const d = await after.findOneOrFail(Job, dead.id);
    expect(d.status).toBe('errored');
    expect((d.data as any).main.log.at(-1)[4]).toBe('The process running this job stopped before it finished.');
    expect((await after.findOneOrFail(Job, alive.id)).status).toBe('running');
  });

  test('status filter takes several values on REST and GraphQL', async () => {
    const r = await s.http('GET', '/api/core/jobs/?status=errored&status=completed&name__ic=test.jobs');
    expect(r.status).toBe(200);
    const statuses = new Set(r.json.results.map((j: any) => j.status.value));
    expect(statuses).toEqual(new Set(['errored', 'completed']));
    const g = await s.gql('{ jobs(filter: {status: {exact: [ERRORED]}}) { items { status } } }');
    expect(g.errors).toBeUndefined();
    expect(g.data.jobs.items.length).toBeGreaterThanOrEqual(3);
    expect(new Set(g.data.jobs.items.map((j: any) => j.status))).toEqual(new Set(['ERRORED']));
  });

  test('jobChanged: each subscriber sees the status changes of the jobs it may read', async () => {
    const dora = (await s.gql('mutation { createUser(input: { username: "dora", email: "dora@example.net" }) { id } }')).data.createUser;
    const key = (await s.gql(`mutation { createToken(input: { userId: ${dora.id} }) { key } }`)).data.createToken.key;
    const watch = (query: string, token: string | null) => {
      const events: any[] = [];
      const client = createClient({ url: s.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: token ? { authorization: `Token ${token}` } : {} });
      const done = (async () => { for await (const e of client.iterate({ query })) events.push(e.data?.jobChanged); })().catch(() => undefined);
      return { events, stop: async () => { await client.dispose(); await done; } };
    };
    const admin = watch('subscription { jobChanged(name: "test.jobs.echo") { id status userId } }', s.token);
    const onlyDone = watch('subscription { jobChanged(status: [COMPLETED]) { id status } }', s.token);
    const doras = watch('subscription { jobChanged { id status } }', key);
    const anon = watch('subscription { jobChanged { id status } }', null);
    await new Promise((r) => setTimeout(r, 300));
    const em = s.pg.orm.em.fork() as any;
    const mine = await enqueueJob(em, { name: 'test.jobs.echo', objectType: 'core.job', userId: await adminId(), params: {} });
    const hers = await enqueueJob(em, { name: 'test.jobs.echo', objectType: 'core.job', userId: Number(dora.id), params: {} });
    await settledJob(s, mine.id);
    await settledJob(s, hers.id);
    for (let i = 0; i < 50 && admin.events.filter((e) => e.status === 'COMPLETED').length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    await Promise.all([admin.stop(), onlyDone.stop(), doras.stop(), anon.stop()]);
    const seen = (evs: any[]) => evs.map((e) => `${e.id}:${e.status}`).sort();
    expect(seen(admin.events)).toEqual([`${hers.id}:COMPLETED`, `${hers.id}:RUNNING`, `${mine.id}:COMPLETED`, `${mine.id}:RUNNING`].sort());
    expect(seen(onlyDone.events)).toEqual([`${hers.id}:COMPLETED`, `${mine.id}:COMPLETED`].sort());
    expect(seen(doras.events)).toEqual([`${hers.id}:COMPLETED`, `${hers.id}:RUNNING`]);
    expect(anon.events).toEqual([]);
  });
});
