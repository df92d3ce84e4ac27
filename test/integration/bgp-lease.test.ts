// Router leases between bgp-core workers on one PostgreSQL: spread, hand-over on a
// clean stop, take-over after a silent death within the lease time.
import { LeaseManager, listLeases } from '../../src/bgp/lease';
import { freshDatabaseUrl } from '../helpers/db';
import { waitFor } from '../interop/daemons';

const LEASE_SECONDS = 2;

describe('bgp-core worker leases', () => {
  let url: string;
  const routers = [1, 2, 3, 4];
  const managers: LeaseManager[] = [];

  const manager = (workerId: string): LeaseManager => {
    const m = new LeaseManager({ url, workerId, leaseSeconds: LEASE_SECONDS, candidates: async () => routers, onChange: () => undefined });
    managers.push(m);
    return m;
  };
  const holders = async (): Promise<Record<string, number[]>> => {
    const out: Record<string, number[]> = {};
    for (const l of await listLeases(url)) (out[l.workerId] ??= []).push(l.routerId);
    return out;
  };

  beforeAll(async () => { url = await freshDatabaseUrl('postgres'); });
  afterAll(async () => { for (const m of managers) await m.close().catch(() => undefined); });

  test('one worker takes every router; a second one gets its share', async () => {
    const a = manager('a');
    await a.start();
    expect(a.held()).toEqual([1, 2, 3, 4]);
    const b = manager('b');
    await b.start();
    // a gives back its surplus on its next round, b claims it on its own.
    await waitFor('routers spread', () => a.held().length === 2 && b.held().length === 2, 5000);
    expect([...a.held(), ...b.held()].sort()).toEqual(routers);
    expect(await holders()).toEqual({ a: a.held(), b: b.held() });
  });

  test('a worker that stops cleanly hands its routers over at once', async () => {
    const [a, b] = managers;
    await a.close();
    await b.tick();
    expect(b.held()).toEqual(routers);
  });

  test('a worker that dies silently loses its routers within the lease time', async () => {
    const b = managers[1];
    const c = manager('c');
    await c.start();
    await waitFor('routers spread', () => b.held().length === 2 && c.held().length === 2, 5000);
    // Simulated crash: b stops renewing and never releases.
    clearInterval((b as any).timer);
    (b as any).closed = true;
    const died = Date.now();
    await waitFor('c holds everything', () => c.held().length === 4, (LEASE_SECONDS + 2) * 1000, 50);
    // The lease runs out at most LEASE_SECONDS after b's last renewal; c claims it at its next round.
    expect(Date.now() - died).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + c.tickMs + 500);
    expect(await holders()).toEqual({ c: routers });
  });

  test('routers that no longer need a speaker are released', async () => {
    const c = managers[2];
    routers.splice(2);
    await c.tick();
    expect(c.held()).toEqual([1, 2]);
    expect(await holders()).toEqual({ c: [1, 2] });
  });
});
