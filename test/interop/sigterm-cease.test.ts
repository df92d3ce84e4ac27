// A graceful stop of a gateway that runs BGP: SIGTERM closes its sessions with a Cease
// (Administrative Shutdown) that the real peer, BIRD, records, and the process exits 0.
import { randomBytes } from 'node:crypto';
import { startGateway, type Gateway } from '../helpers/process';
import { declareSession } from './peergate-setup';
import { Bird, freePort, requireBinaries, startBird, waitFor } from './daemons';

const CORE = '127.0.0.40';
const BIRD = '127.0.0.41';

describe('SIGTERM with live BGP sessions', () => {
  let bird: Bird;
  let gw: Gateway;
  const token = randomBytes(20).toString('hex');

  beforeAll(async () => {
    requireBinaries('bird', 'birdc');
    const corePort = await freePort(CORE);
    const birdPort = await freePort(BIRD);
    bird = await startBird({
      routerId: BIRD, address: BIRD, port: birdPort, nextHop: '198.18.0.41', staticRoutes: ['10.41.0.0/24'],
      // Passive: after the Cease BIRD does not dial again, so its last error stays the Cease
      // (it once became "Connection refused" before birdc was asked, under load).
      peers: [{ name: 'core', localAs: 65041, neighborAddress: CORE, neighborPort: corePort, remoteAs: 65040, holdTime: 6, passive: true }],
    });
    const port = await freePort('127.0.0.1');
    gw = await startGateway({ DATABASE_URL: 'pglite://memory', PEERGATE_ADMIN_TOKEN: token, BGP_WORKER: 'embedded', NODE_ENV: 'production' }, port, 'sigterm');
    const gql = async (query: string) => (await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` }, body: JSON.stringify({ query }),
    })).json();
    await declareSession({ gql }, { localAsn: 65040, remoteAsn: 65041, routerIp: CORE, corePort, remoteIp: BIRD, remotePort: birdPort, tag: 'term' });
    await waitFor('BIRD Established with the gateway', async () => /Established/.test(await bird.birdc('show', 'protocols', 'core')), 30_000);
  }, 90_000);

  afterAll(async () => {
    await gw?.proc.stop(1000);
    await bird?.stop();
  });

  test('the session ends with Cease/Administrative Shutdown and the process exits 0', async () => {
    const exit = new Promise<number | null>((resolve) => gw.proc.proc.once('exit', (code) => resolve(code)));
    gw.proc.proc.kill('SIGTERM');
    expect(await exit).toBe(0);
    const out = await bird.birdc('show', 'protocols', 'all', 'core');
    expect(out).toMatch(/Received: Administrative shutdown/i);
  }, 30_000);
});
