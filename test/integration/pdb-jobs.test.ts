// PeeringDB work of Peering Manager's API (pm-workflows §1, §4, §6.2): the cache update as a
// queued `peeringdb.synchronise` job (staff only) and render-email to a PeeringDB network
// (import-sessions: import-sessions.test.ts).
import { createServer } from 'node:net';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedPdb, type PdbWorld } from '../helpers/pdb';
import { makeToken, post } from '../helpers/pm';
import { createToken } from '../../src/domain/users/tokens';
import { User } from '../../src/domain/users/user';
import { Job } from '../../src/domain/core/job';

const NO_PERMISSION = { detail: 'You do not have permission to perform this action.' };
const UPDATE_LOCAL = '/api/peeringdb/cache/update-local/';
const RENDER_EMAIL = '/api/peeringdb/networks/render-email/';

describe('PeeringDB jobs and e-mails (Peering Manager dialect)', () => {
  let up: TestServer;
  let s: TestServer;
  let w: PdbWorld;
  let readOnly: string;
  let plainUser: string;
  const saved = { url: process.env.PEERINGDB_URL, key: process.env.PEERINGDB_API_KEY };

  beforeAll(async () => {
    [up, s] = await Promise.all([startTestServer('pglite'), startTestServer('pglite')]);
    w = await seedPdb(up);
    // update-local takes no arguments: the upstream is the configured one, read where the job runs.
    process.env.PEERINGDB_URL = `${up.url}/pdb/api`;
    process.env.PEERINGDB_API_KEY = up.token;
    readOnly = await makeToken(s, { writeEnabled: false });
    const em = s.pg.orm.em.fork();
    const u = em.create(User, { username: 'plain' } as any);
    await em.flush();
    plainUser = (await createToken(em, u, { writeEnabled: true })).key;
  }, 60_000);
  afterAll(async () => {
    process.env.PEERINGDB_URL = saved.url;
    process.env.PEERINGDB_API_KEY = saved.key;
    if (saved.url === undefined) delete process.env.PEERINGDB_URL;
    if (saved.key === undefined) delete process.env.PEERINGDB_API_KEY;
    await Promise.all([up?.close(), s?.close()]);
  });

  /** The job as /api/core/jobs/{id}/ shows it once it has ended (bounded wait). */
  async function finished(id: number): Promise<any> {
    for (let i = 0; i < 300; i++) {
      const j = (await s.http('GET', `/api/core/jobs/${id}/`)).json;
      if (['completed', 'errored', 'failed'].includes(j.status.value)) return j;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${id} did not end`);
  }

  describe('POST /api/peeringdb/cache/update-local/', () => {
    test('202 + a pending peeringdb.synchronise job with object_id null; it completes and fills the mirror', async () => {
      const r = await s.http('POST', UPDATE_LOCAL);
      expect(r.status).toBe(202);
      expect(r.json).toMatchObject({ name: 'peeringdb.synchronise', object_id: null, user: { username: 'admin' } });
      expect(['pending', 'running', 'completed']).toContain(r.json.status.value);
      const job = await finished(r.json.id);
      expect(job.status.value).toBe('completed');
      // The summary names every object type; the log has PM's lines.
      expect(job.output).toMatch(/net\s+full/);
      expect(job.data.summary.url).toBe(`${up.url}/pdb/api`);
      expect(job.data.main.log.map((l: any[]) => l[4])).toEqual(expect.arrayContaining(['Running job', 'PeeringDB mirror synchronised.', 'Job completed']));
      const nets = (await s.http('GET', `/pdb/api/net?asn=${w.asn}`)).json.data;
      expect(nets.map((n: any) => n.name)).toEqual((await up.http('GET', `/pdb/api/net?asn=${w.asn}`)).json.data.map((n: any) => n.name));
    });

    test('staff only: a read-only token, a non-staff user and anonymous get 403 and queue nothing', async () => {
      const before = (await s.http('GET', '/api/core/jobs/?name=peeringdb.synchronise')).json.count;
      expect(await s.http('POST', UPDATE_LOCAL, { token: readOnly })).toMatchObject({ status: 403, json: NO_PERMISSION });
      expect(await s.http('POST', UPDATE_LOCAL, { token: plainUser })).toMatchObject({ status: 403, json: NO_PERMISSION });
      expect((await s.http('POST', UPDATE_LOCAL, { token: null })).status).toBe(403);
      expect((await s.http('GET', '/api/core/jobs/?name=peeringdb.synchronise')).json.count).toBe(before);
    });

    test('GET is 405; the other cache endpoints stay 501 with a reason', async () => {
      expect((await s.http('GET', UPDATE_LOCAL)).status).toBe(405);
      const r = await s.http('POST', '/api/peeringdb/cache/clear-local/');
      expect(r.status).toBe(501);
      expect(r.json.detail).toMatch(/update-local/);
      expect((await s.http('GET', '/api/peeringdb/cache/statistics/')).status).toBe(501);
    });
  });

  describe('GraphQL syncPeeringdb (the same job)', () => {
    test('wait: true answers with the ended job; a key given as argument is not kept in the row', async () => {
      // Both nets changed upstream within one second, after the sync above: an incremental sync
      // fetches both. (Stamps are whole seconds and `since` compares with >: nets seeded on either
      // side of a second boundary would leave the older one out of the one-second look-back.)
      await up.pg.orm.em.fork().getConnection().execute(`update peeringdb_net set updated = date_trunc('second', now()) + interval '1 second'`);
      const r = await s.gql('mutation($u: String, $k: String) { syncPeeringdb(url: $u, apiKey: $k, wait: true) { id name status objectId data output } }', { u: `${up.url}/pdb/api`, k: up.token });
      expect(r.errors).toBeUndefined();
      const job = r.data.syncPeeringdb;
      expect(job).toMatchObject({ name: 'peeringdb.synchronise', status: 'COMPLETED', objectId: null });
      expect(job.output).toMatch(/^net\s+(full|incremental)\s+fetched\s+2/m);
      // Parameters are no part of what the API shows; in the row the key is gone once the job started.
      expect(job.data.params).toBeUndefined();
      expect(JSON.stringify(job)).not.toContain(up.token);
      const row = await s.pg.orm.em.fork().findOneOrFail(Job, Number(job.id));
      expect(row.params).toEqual({ url: `${up.url}/pdb/api`, full: false });
    });

    test('an unreachable upstream ends the job errored with the reason as output', async () => {
      // A port that was just free: nothing listens there.
      const port = await new Promise<number>((resolve) => {
        const srv = createServer().listen(0, '127.0.0.1', () => { const p = (srv.address() as { port: number }).port; srv.close(() => resolve(p)); });
      });
      const r = await s.gql(`mutation { syncPeeringdb(url: "http://127.0.0.1:${port}/api", wait: true) { status output } }`);
      expect(r.errors).toBeUndefined();
      expect(r.data.syncPeeringdb.status).toBe('ERRORED');
      expect(r.data.syncPeeringdb.output).toMatch(/ECONNREFUSED/);
    });

    test('a non-staff writer is FORBIDDEN', async () => {
      const r = await s.gql('mutation { syncPeeringdb { id } }', {}, plainUser);
      expect(r.errors[0].extensions.code).toBe('FORBIDDEN');
    });
  });

  describe('POST /api/peeringdb/networks/render-email/ (§4)', () => {
    let email: any;
    let as: any;
    beforeAll(async () => {
      // The mirror holds w's networks; ours is Net Alpha's AS.
      expect((await s.gql('mutation { syncPeeringdb(wait: true) { status } }')).data.syncPeeringdb.status).toBe('COMPLETED');
      as = await post(s, '/api/peering/autonomous-systems/', { asn: w.asn, name: 'Us', affiliated: true });
      email = await post(s, '/api/messaging/emails/', {
        name: 'To a network',
        subject: 'Peering {{ autonomous_systems.0.asn }} <> {{ autonomous_systems.1.asn }}',
        template: 'From {{ autonomous_systems.0.name }} to {{ autonomous_systems.1 }} ({{ autonomous_systems.1.policy_general }}) at {{ autonomous_systems.0 | shared_ixps(autonomous_systems.1) | length }} shared IXPs',
      });
    });
    const body = (o: Record<string, unknown> = {}) => ({ email: email.id, autonomous_system: as.id, network: w.net2, ...o });

    test('200 {subject, body} with autonomous_systems = [AS, network]', async () => {
      await post(s, '/api/peering/internet-exchanges/', { name: 'Our W IX', slug: 'our-w-ix', local_autonomous_system: as.id, peeringdb_ixlan: w.ixlan });
      const r = await s.http('POST', RENDER_EMAIL, { body: body() });
      expect([r.status, r.status === 200 ? '' : r.text]).toEqual([200, '']);
      const net2 = (await s.http('GET', `/pdb/api/net/${w.net2}`)).json.data[0];
      expect(r.json).toEqual({
        subject: `Peering ${w.asn} <> ${w.asn2}`,
        // seedPdb's ASNs are private (4200000000+): never looked up in PeeringDB, so nothing is shared.
        body: `From Us to AS${w.asn2} - ${net2.name} (${net2.policy_general}) at 0 shared IXPs`,
      });
      const gql = await s.gql(`{ renderPeeringdbNetworkEmail(emailId: "${email.id}", autonomousSystemId: "${as.id}", networkId: "${w.net2}") { subject body } }`);
      expect(gql.data.renderPeeringdbNetworkEmail).toEqual(r.json);
    });

    test('bad bodies are 400 per field; unknown ids 404; read-only and anonymous 403', async () => {
      expect(await s.http('POST', RENDER_EMAIL, { body: {} })).toMatchObject({ status: 400, json: { email: ['This field is required.'], autonomous_system: ['This field is required.'], network: ['This field is required.'] } });
      expect(await s.http('POST', RENDER_EMAIL, { body: body({ network: 'x' }) })).toMatchObject({ status: 400, json: { network: ['A valid integer is required.'] } });
      expect((await s.http('POST', RENDER_EMAIL, { body: [1] })).status).toBe(400);
      expect((await s.http('POST', RENDER_EMAIL, { body: body({ email: 999999 }) })).status).toBe(404);
      expect((await s.http('POST', RENDER_EMAIL, { body: body({ autonomous_system: 999999 }) })).status).toBe(404);
      expect((await s.http('POST', RENDER_EMAIL, { body: body({ network: 999999 }) })).status).toBe(404);
      expect((await s.http('POST', RENDER_EMAIL, { body: body({ network: -1 }) })).status).toBe(404);
      expect(await s.http('POST', RENDER_EMAIL, { body: body(), token: readOnly })).toMatchObject({ status: 403, json: NO_PERMISSION });
      expect((await s.http('POST', RENDER_EMAIL, { body: body(), token: null })).status).toBe(403);
    });

    test('a template error is 400 naming the template', async () => {
      const bad = await post(s, '/api/messaging/emails/', { name: 'Broken', subject: 'x', template: '{{ autonomous_systems.0 | shared_ixps }}' });
      const r = await s.http('POST', RENDER_EMAIL, { body: body({ email: bad.id }) });
      expect(r.status).toBe(400);
      expect(r.json.detail).toMatch(/Broken/);
    });
  });
});
