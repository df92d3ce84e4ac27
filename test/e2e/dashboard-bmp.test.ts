// The dashboard with sessions a router reports over BMP (hand-built BMP over TCP, so no daemon
// is needed): the matched session's row turns Established with its prefixes and a BMP badge,
// the source filter keeps only BMP rows, peers with no session are listed below the table, and
// a Peer Down turns the row Idle with its reason, all without a reload.
import { mkdirSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildUpdates } from '../../bgp-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { requireBinaries, waitFor } from '../interop/daemons';
import * as bmp from '../helpers/bmp';

const ARTIFACTS = join(__dirname, '../../test-artifacts');
jest.setTimeout(120_000);

describe('dashboard: sessions reported over BMP', () => {
  let s: TestServer;
  let browser: Browser;
  let page: Page;
  let router: net.Socket;
  let bmpSession: string;

  // Up for an hour, as the router's per-peer header timestamp says.
  const timestamp = Math.floor(Date.now() / 1000) - 3600;
  const PEER = { address: '192.0.2.20', asn: 64520, bgpId: '192.0.2.20', timestamp };
  const STRANGER = { address: '192.0.2.99', asn: 64599, bgpId: '192.0.2.99', timestamp };
  const ROUTES = ['10.20.0.0/16', '10.21.0.0/16', '10.22.0.0/16', '10.23.0.0/16'];

  beforeAll(async () => {
    requireBinaries('chromium');
    mkdirSync(ARTIFACTS, { recursive: true });
    s = await startTestServer('pglite', { BMP_PORT: '0' });
    const base = await s.gql(`mutation {
      local: createAutonomousSystem(input: {asn: 64510, name: "Example Net"}) { id }
      a: createAutonomousSystem(input: {asn: 64520, name: "Peer A"}) { id }
      b: createAutonomousSystem(input: {asn: 64530, name: "Peer B"}) { id }
      rel: createRelationship(input: {name: "Peer", slug: "peer"}) { id }
      platform: createPlatform(input: {name: "Junos", slug: "junos"}) { id }
    }`);
    expect(base.errors).toBeUndefined();
    const r = await s.gql(`mutation { createRouter(input: {name: "edge2.fra", hostname: "edge2.fra.example.net", platformId: "${base.data.platform.id}",
      localAutonomousSystemId: "${base.data.local.id}", routerId: "198.51.100.2"}) { id } }`);
    const session = async (asId: string, ip: string) => (await s.gql(`mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${base.data.local.id}",
      autonomousSystemId: "${asId}", ipAddress: "${ip}", relationshipId: "${base.data.rel.id}", routerId: "${r.data.createRouter.id}"}) { id } }`)).data.createDirectPeeringSession.id;
    bmpSession = await session(base.data.a.id, PEER.address);
    // A session no router reports: it stays without a live source.
    await session(base.data.b.id, '192.0.2.30');

    router = net.connect({ host: '127.0.0.1', port: s.pg.bmp!.station.address()!.port });
    router.on('error', () => undefined);
    await new Promise((res) => router.once('connect', res));
    const own = bmp.open(64510, '198.51.100.2', bmp.caps({ fourOctetAs: 64510 }));
    const [u] = buildUpdates({ attrs: { origin: 0, asPath: [{ type: 2, asns: [64520] }], nextHop: PEER.address }, nlri: ROUTES }, { as4: true });
    router.write(Buffer.concat([
      bmp.initiation('edge2.fra', 'Junos'),
      bmp.peerUp(PEER, own, bmp.open(64520, PEER.bgpId, bmp.caps({ fourOctetAs: 64520 }))),
      bmp.peerUp(STRANGER, own, bmp.open(64599, STRANGER.bgpId, bmp.caps({ fourOctetAs: 64599 }))),
      bmp.routeMonitoring(PEER, u),
    ]));

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1360, height: 640 } });
  });

  afterAll(async () => {
    router?.destroy();
    await browser?.close();
    await s?.close();
  });

  const row = () => page.locator(`tr[data-key="direct:${bmpSession}"]`);

  test('the session the router reports shows Established, its prefixes and a BMP badge', async () => {
    await page.goto(s.url + '/');
    await page.locator('#status[data-state="live"]').waitFor({ timeout: 10_000 });
    await row().locator('.state', { hasText: 'Established' }).waitFor({ timeout: 20_000 });
    await waitFor('prefixes on the page', async () => (await row().locator('.received').textContent()) === String(ROUTES.length), 15_000);
    await expect(row().locator('.source').textContent()).resolves.toBe('BMP');
    await expect(row().locator('.uptime').textContent()).resolves.toMatch(/^0[01]:\d\d:\d\d$/);
  });

  test('peers with no session are listed below the table', async () => {
    const list = page.locator('#unmatched');
    await list.waitFor({ state: 'visible', timeout: 15_000 });
    const cells = await list.locator('tbody tr').first().locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual([expect.stringContaining('edge2.fra'), STRANGER.address, 'AS64599']);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-bmp.png'), fullPage: true });
  });

  test('the source filter keeps only the rows a router reports over BMP', async () => {
    await expect(page.locator('#sessions tbody tr').count()).resolves.toBe(2);
    await page.selectOption('#f-source', 'bmp');
    await waitFor('one row', async () => (await page.locator('#sessions tbody tr').count()) === 1, 5_000, 100);
    await row().waitFor({ state: 'visible' });
    await page.selectOption('#f-source', '');
  });

  test('a Peer Down turns the row Idle with its reason, without a reload', async () => {
    router.write(bmp.peerDownNotification(PEER, 3, 6, 2));
    await row().locator('.state', { hasText: 'Idle' }).waitFor({ timeout: 15_000 });
    await expect(row().locator('.err').textContent()).resolves.toMatch(/remote system closed the session with a NOTIFICATION: 6\/2 Cease/);
    await expect(row().locator('.received').textContent()).resolves.toBe('0');
  });
});
