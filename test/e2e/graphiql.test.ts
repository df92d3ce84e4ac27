// GraphiQL and Swagger UI in Debian's chromium (playwright-core, no browser download):
// GraphiQL runs a subscription over graphql-ws with the token from its Headers tab and shows
// an event caused by another client; Swagger UI loads the document with every request on the
// server's own origin (no validator badge). Neither page breaks its Content-Security-Policy.
// Screenshots go to test-artifacts/ (git-ignored).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server';
import { freePort, requireBinaries, waitFor } from '../interop/daemons';

const ARTIFACTS = join(__dirname, '../../test-artifacts');
jest.setTimeout(120_000);

// peergate.test resolves to the test server: a host name that is neither localhost nor 127.0.0.1.
const LAUNCH_ARGS = ['--host-resolver-rules=MAP peergate.test 127.0.0.1', '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-default-apps', '--disable-sync', '--no-first-run'];

/** A page that records every request it makes and every script or CSP error. */
async function watchedPage(browser: Browser, hostUrl: string) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  // CSP violations and script errors (not failed loads: GraphiQL's first introspection is a
  // 401 under LOGIN_REQUIRED until the token is entered, and there is no favicon).
  page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  const foreign = () => requests.filter((u) => new URL(u).host !== new URL(hostUrl).host && !u.startsWith('data:'));
  return { page, requests, problems, foreign };
}

/** The text of the CodeMirror editor inside `selector` (GraphiQL 3 uses CodeMirror 5). */
const editorText = (page: Page, selector: string) => page.evaluate((sel) => {
  const el = document.querySelector(`${sel} .CodeMirror`) as unknown as { CodeMirror?: { getValue(): string } } | null;
  return el?.CodeMirror?.getValue() ?? '';
}, selector);
const setEditor = (page: Page, selector: string, text: string) => page.evaluate(([sel, value]) => {
  const el = document.querySelector(`${sel} .CodeMirror`) as unknown as { CodeMirror: { setValue(v: string): void } };
  el.CodeMirror.setValue(value);
}, [selector, text] as const);

describe('GraphiQL and Swagger UI in chromium', () => {
  let s: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    requireBinaries('chromium');
    mkdirSync(ARTIFACTS, { recursive: true });
    // LOGIN_REQUIRED: the subscription only works if the Headers tab's token reaches the WebSocket.
    // The embedded bgp-core worker: bgpSessionChanged has a live peer to report.
    s = await startTestServer('pglite', { LOGIN_REQUIRED: 'true', BGP_WORKER: 'embedded' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: LAUNCH_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  /** GraphiQL with the token in its Headers tab (as the README says) and `query` in the editor, run. */
  async function runInGraphiql(page: Page, query: string): Promise<void> {
    await page.goto(s.url + '/graphql');
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ timeout: 20_000 });
    await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
    const headers = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';
    await page.locator(`${headers} .CodeMirror`).waitFor({ state: 'visible' });
    await setEditor(page, headers, JSON.stringify({ Authorization: `Token ${s.token}` }));
    await setEditor(page, '.graphiql-query-editor', query);
    await page.locator('.graphiql-execute-button').click();
  }

  test('GraphiQL runs bgpSessionChanged over graphql-ws and shows the live state of a session bgp-core runs', async () => {
    // A session to a peer that never answers: the worker runs it (Idle/Connect/Active) and the
    // subscription's first event for it is its snapshot.
    const base = await s.gql(`mutation {
      local: createAutonomousSystem(input: {asn: 65020, name: "PeerGate"}) { id }
      remote: createAutonomousSystem(input: {asn: 65021, name: "Silent Net"}) { id }
      rel: createRelationship(input: {name: "Peer", slug: "peer"}) { id }
      platform: createPlatform(input: {name: "bgp-core", slug: "bgp-core"}) { id }
    }`);
    expect(base.errors).toBeUndefined();
    const router = await s.gql(`mutation { createRouter(input: {name: "edge9", hostname: "edge9", platformId: "${base.data.platform.id}", localAutonomousSystemId: "${base.data.local.id}",
      bgpSpeaker: true, routerId: "127.0.0.1", bgpListenAddress: "127.0.0.1", bgpListenPort: ${await freePort('127.0.0.1')}}) { id } }`);
    expect(router.errors).toBeUndefined();
    const session = await s.gql(`mutation { createDirectPeeringSession(input: {localAutonomousSystemId: "${base.data.local.id}", autonomousSystemId: "${base.data.remote.id}",
      ipAddress: "127.0.0.9", localIpAddress: "127.0.0.1", relationshipId: "${base.data.rel.id}", routerId: "${router.data.createRouter.id}",
      remotePort: ${await freePort('127.0.0.1')}}) { id } }`);
    expect(session.errors).toBeUndefined();
    const sessionId = session.data.createDirectPeeringSession.id;
    await waitFor('the worker runs the peer', async () => (await s.gql('{ bgpPeers { sessionId } }')).data?.bgpPeers?.some((p: any) => String(p.sessionId) === sessionId), 20_000, 200);

    const { page, problems, foreign } = await watchedPage(browser, s.url);
    await runInGraphiql(page, 'subscription { bgpSessionChanged { sessionType sessionId remoteAddress state } }');
    const text = await waitFor('an event in the response pane', async () => {
      const t = await editorText(page, '.graphiql-response');
      return t.includes('bgpSessionChanged') ? t : null;
    }, 20_000, 200);
    const shown = JSON.parse(text!).data.bgpSessionChanged;
    expect(shown).toMatchObject({ sessionType: 'peering.directpeeringsession', sessionId, remoteAddress: '127.0.0.9' });
    expect(['IDLE', 'CONNECT', 'ACTIVE']).toContain(shown.state);
    await page.screenshot({ path: join(ARTIFACTS, 'graphiql-bgp-session-changed.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(foreign()).toEqual([]);
    await page.close();
  });

  test('GraphiQL runs objectChanged over graphql-ws and shows the event of a change made over HTTP', async () => {
    const { page, requests, problems, foreign } = await watchedPage(browser, s.url);
    await runInGraphiql(page, 'subscription { objectChanged { action objectType } }');
    // The subscription is live once the server holds it: wait for the socket, then cause a change.
    await waitFor('graphql-ws socket', async () => requests.some((u) => u === s.url.replace('http', 'ws') + '/graphql'), 10_000, 100);
    // Creates until one is seen (the first may come before the server has subscribed): each
    // try is a new AS, so whatever the pane shows is a `create`.
    let asn = 64511;
    const created = await waitFor('a change the subscription sees', async () => {
      const r = await s.gql(`mutation { createAutonomousSystem(input: {asn: ${asn++}, name: "Seen In GraphiQL"}) { id } }`);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      await page.waitForTimeout(300);
      const text = await editorText(page, '.graphiql-response');
      return text.includes('objectChanged') ? text : null;
    }, 15_000, 200);
    const shown = JSON.parse(created!);
    expect(shown).toEqual({ data: { objectChanged: { action: 'CREATE', objectType: 'peering.autonomoussystem' } } });
    await page.screenshot({ path: join(ARTIFACTS, 'graphiql-subscription.png'), fullPage: true });
    expect(problems).toEqual([]);
    expect(foreign()).toEqual([]);
    await page.close();
  });

  test('Swagger UI loads the document, every request on the server\'s own origin, no validator badge', async () => {
    // Without LOGIN_REQUIRED: the page loads the document anonymously.
    const open = await startTestServer('pglite');
    try {
      await swagger(open);
    } finally {
      await open.close();
    }
  });

  async function swagger(s: TestServer) {
    const { page, requests, problems, foreign } = await watchedPage(browser, s.url);
    // Opened under another name for the same server: Swagger UI's validator badge calls out
    // for any host but localhost and 127.0.0.1.
    const other = s.url.replace('127.0.0.1', 'peergate.test');
    const watched = await watchedPage(browser, other);
    for (const [p, url] of [[page, s.url], [watched.page, other]] as const) {
      await p.goto(url + '/api/schema/swagger-ui/');
      await p.locator('.info .title', { hasText: 'PeerGate' }).waitFor({ timeout: 30_000 });
      await p.locator('.opblock-summary-path', { hasText: '/api/extras/tags/' }).first().waitFor({ timeout: 30_000 });
      await p.waitForLoadState('networkidle');
    }
    expect(requests.some((u) => u.includes('/api/schema/?format=json'))).toBe(true);
    expect(foreign()).toEqual([]);
    expect(watched.foreign()).toEqual([]);
    expect(await page.locator('.validator-badge, img[src*="validator"]').count()).toBe(0);
    expect(problems).toEqual([]);
    expect(watched.problems).toEqual([]);
    // The servers entry names the origin the page was opened under.
    await expect(watched.page.locator('.servers select option').first().textContent()).resolves.toContain(other);
    await page.screenshot({ path: join(ARTIFACTS, 'swagger-ui.png') });
    await page.close();
    await watched.page.close();
  }
});
