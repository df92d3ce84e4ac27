// The dashboard in Debian's chromium (playwright-core, no browser download): a session
// against a real BIRD shows up Established with its prefixes; stopping BIRD turns the
// row to Idle/Active/Connect on the page without a reload. Screenshots go to test-artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { Bird, freePort, requireBinaries, startBird, waitFor } from '../interop/daemons';

const ROUTES = Array.from({ length: 12 }, (_, i) => `10.99.${i}.0/24`);
const ARTIFACTS = join(__dirname, '../../test-artifacts');
jest.setTimeout(120_000);

describe('live session dashboard in chromium', () => {
  let s: TestServer;
  let bird: Bird;
  let browser: Browser;
  let page: Page;
  let sessionId: string;
  const foreign: string[] = [];
  let navigations = 0;

  beforeAll(async () => {
    requireBinaries('bird', 'chromium');
    mkdirSync(ARTIFACTS, { recursive: true });
    const corePort = await freePort('127.0.0.1');
    const birdPort = await freePort('127.0.0.3');
    bird = await startBird({
      routerId: '127.0.0.3', address: '127.0.0.3', port: birdPort, nextHop: '198.18.0.3', staticRoutes: ROUTES,
      peers: [{ name: 'peergate', localAs: 65003, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65010, holdTime: 6, gracefulRestart: 60 }],
    });
    s = await startTestServer('pglite', { BGP_WORKER: 'embedded', LOGIN_REQUIRED: 'true' });
    const base = await s.gql(`mutation {
      local: createAutonomousSystem(input: {asn: 65010, name: "PeerGate"}) { id }
      remote: createAutonomousSystem(input: {asn: 65003, name: "BIRD Example Net"}) { id }
      silent: createAutonomousSystem(input: {asn: 64512, name: "Nobody Home"}) { id }
      rel: createRelationship(input: {name: "Peer", slug: "peer"}) { id }
      platform: createPlatform(input: {name: "bgp-core", slug: "bgp-core"}) { id }
    }`);
    expect(base.errors).toBeUndefined();
    const router = await s.gql(`mutation { createRouter(input: {name: "edge1.ams", hostname: "edge1", platformId: "${base.data.platform.id}",
      localAutonomousSystemId: "${base.data.local.id}", bgpSpeaker: true, routerId: "127.0.0.1", bgpListenAddress: "127.0.0.1", bgpListenPort: ${corePort}}) { id } }`);
    const session = (asId: string, ip: string, port: number) => s.gql(`mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${base.data.local.id}",
      autonomousSystemId: "${asId}", ipAddress: "${ip}", localIpAddress: "127.0.0.1", relationshipId: "${base.data.rel.id}",
      routerId: "${router.data.createRouter.id}", remotePort: ${port}}) { id } }`);
    sessionId = (await session(base.data.remote.id, '127.0.0.3', birdPort)).data.createDirectPeeringSession.id;
    // A second peer that never answers, so the page also shows a session that is down.
    await session(base.data.silent.id, '127.0.0.9', await freePort('127.0.0.1'));

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1360, height: 520 } });
    page.on('request', (r) => { if (!r.url().startsWith(s.url) && !r.url().startsWith(s.url.replace('http', 'ws'))) foreign.push(r.url()); });
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });
  });

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await bird?.stop();
  });

  const row = () => page.locator(`tr[data-key="direct:${sessionId}"]`);

  test('with a token entered, the session against BIRD shows Established with its prefixes', async () => {
    await page.goto(s.url + '/');
    // LOGIN_REQUIRED: nothing loads until a token is given.
    await page.locator('#error').waitFor({ state: 'visible', timeout: 10_000 });
    await page.fill('#token', s.token);
    await page.click('#token-form button[type=submit]');
    expect(await page.evaluate(() => localStorage.getItem('peergate.token'))).toBe(s.token);
    await page.locator('#status[data-state="live"]').waitFor({ timeout: 10_000 });
    await row().locator('.state', { hasText: 'Established' }).waitFor({ timeout: 30_000 });
    await waitFor('prefixes on the page', async () => (await row().locator('.received').textContent()) === String(ROUTES.length), 15_000);
    await expect(row().locator('td').nth(2).textContent()).resolves.toContain('AS65003');
    await expect(row().locator('td').nth(2).textContent()).resolves.toContain('BIRD Example Net');
    await expect(row().locator('svg.spark polyline').count()).resolves.toBe(1);
    await page.waitForTimeout(1200); // let the uptime tick once
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  test('filters by AS, state and router', async () => {
    await page.fill('#f-as', '64512');
    await row().waitFor({ state: 'detached' });
    await page.fill('#f-as', 'bird');
    await row().waitFor({ state: 'visible' });
    await page.fill('#f-as', '');
    await page.selectOption('#f-state', 'down');
    await row().waitFor({ state: 'detached' });
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await page.selectOption('#f-state', '');
    await expect(page.locator('#f-router option').allTextContents()).resolves.toEqual(['All routers', 'edge1.ams']);
  });

  test('a BIRD that dies without a Cease keeps its routes on the page, marked stale, until it is back', async () => {
    const before = navigations;
    const received = row().locator('.received');
    await bird.crash();
    await waitFor('row down with stale routes', async () =>
      ['idle', 'active', 'connect'].includes((await row().getAttribute('data-state')) ?? '') && (await received.locator('.stale').count()) === 1, 30_000, 200);
    expect((await received.textContent())?.replace(/\s+/g, ' ')).toBe(`${ROUTES.length} stale`);
    await expect(received.locator('.stale').getAttribute('title')).resolves.toMatch(/graceful restart.*ipv4/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-graceful-restart.png'), fullPage: true });
    await bird.restart({ recovery: true });
    await row().locator('.state', { hasText: 'Established' }).waitFor({ timeout: 30_000 });
    await waitFor('stale mark gone after End-of-RIB', async () => (await received.textContent()) === String(ROUTES.length), 20_000, 200);
    expect(navigations).toBe(before);
  });

  test('BIRD shutting the session down with a message: the row shows the typed reason and the shutdown communication', async () => {
    await bird.birdc('disable', 'peergate', '"maintenance until 10:00"');
    const err = row().locator('td.err');
    await err.locator('.down-reason', { hasText: 'Administrative shutdown, received' }).waitFor({ timeout: 20_000 });
    await expect(err.locator('q.communication').textContent()).resolves.toBe('maintenance until 10:00');
    await bird.birdc('enable', 'peergate');
    await row().locator('.state', { hasText: 'Established' }).waitFor({ timeout: 30_000 });
    await expect(err.locator('.down-reason').count()).resolves.toBe(0);
  });

  test('stopping BIRD turns the row down on the page without a reload', async () => {
    const before = navigations;
    await bird.stop();
    await waitFor('row down', async () => ['idle', 'active', 'connect'].includes((await row().getAttribute('data-state')) ?? ''), 30_000, 200);
    await expect(row().locator('.state').textContent()).resolves.toMatch(/Idle|Active|Connect/);
    expect(navigations).toBe(before);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-down.png'), fullPage: true });
    expect(foreign).toEqual([]);
  });
});
