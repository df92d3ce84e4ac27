// bgp-core's speaker thread loads both ways PeerGate runs: from the TypeScript sources (jest,
// tsx: the thread registers tsx's loader) and from the compiled dist/ (node). Each way, two
// speakers in one thread peer over loopback and exchange a route; a thread that dies fails
// what was in flight, tells its speakers, and the next speaker starts in a new thread.
import { join } from 'node:path';
import * as source from '../../bgp-core';
import { buildOnce, root } from '../helpers/cli';
import { waitFor } from '../interop/daemons';

jest.setTimeout(120_000);

type Core = typeof source;

const peer = (id: string, localAs: number, local: string, remote: string, remoteAs: number, port: number, passive = false): source.PeerConfig => ({
  id, localAs, routerId: local === '127.0.0.1' ? '10.0.0.1' : '10.0.0.2', localAddress: local, remoteAddress: remote, remotePort: port, remoteAs,
  families: ['ipv4'], passive, connectRetryTime: 1, idleHoldTime: 0.2, idleHoldTimeMax: 1,
});

function suite(name: string, load: () => Core) {
  describe(name, () => {
    let core: Core;
    let thread: source.SpeakerThread;

    beforeAll(() => {
      core = load();
      thread = new core.SpeakerThread({ restartDelayMs: 100 });
    });
    afterAll(() => thread?.close());

    test('two speakers in the thread peer and exchange a route; events carry the peer state', async () => {
      const a = await thread.createSpeaker({ listen: [{ address: '127.0.0.1', port: 0 }] });
      const b = await thread.createSpeaker({ listen: [{ address: '127.0.0.6', port: 0 }] });
      const [la] = await a.start();
      const [lb] = await b.start();
      const states: string[] = [];
      a.on('state', (e, info) => states.push(`${e.to}:${info?.state}`));
      await b.reconcile([peer('a', 65002, '127.0.0.6', '127.0.0.1', 65001, la.port, true)]);
      await a.reconcile([peer('b', 65001, '127.0.0.1', '127.0.0.6', 65002, lb.port)]);
      await waitFor('Established', async () => (await a.info('b')).state === 'ESTABLISHED', 20_000);
      expect(states).toContain('ESTABLISHED:ESTABLISHED');
      expect((await a.announce('b', { attrs: { origin: 0, nextHop: '192.0.2.1' }, nlri: ['10.9.0.0/16'] })).messages).toBe(1);
      await waitFor('route at b', async () => (await b.info('a')).received.ipv4 === 1, 10_000);
      expect(await b.routes('a', 'in', { exact: '10.9.0.0/16' })).toEqual([{ prefix: '10.9.0.0/16', attributes: expect.objectContaining({ 3: '192.0.2.1' }), pathId: null }]);
      expect(await b.lookupRoutes('a', 'in', ['10.9.1.1', '10.10.0.0/16'])).toEqual([expect.objectContaining({ prefix: '10.9.0.0/16' }), null]);
      // bgp-core's refusals keep their class across the thread.
      await expect(a.info('nobody')).rejects.toBeInstanceOf(core.UnknownPeerError);
      await expect(a.announce('b', { attrs: { origin: 0, nextHop: '192.0.2.1' }, nlri: ['2001:db8::/32'] })).rejects.toBeInstanceOf(core.EncodeError);
      await a.stop();
      await b.stop();
    });

    test('a thread that dies: calls in flight fail, speakers are told, the next speaker runs in a new thread', async () => {
      const a = await thread.createSpeaker();
      await a.start();
      const lost = new Promise<Error>((resolve) => a.once('lost', resolve));
      const crashed = new Promise<Error>((resolve) => thread.once('crashed', resolve));
      // Asked once the thread is already being stopped: no answer will come.
      const stopping: Promise<number> = (thread as any).worker.terminate();
      const inFlight = a.snapshot();
      await stopping;
      await expect(inFlight).rejects.toBeInstanceOf(core.SpeakerThreadError);
      await expect(lost).resolves.toBeInstanceOf(Error);
      await crashed;
      expect(thread.running).toBe(false);
      await expect(a.snapshot()).rejects.toBeInstanceOf(core.SpeakerThreadError);
      const next = await thread.createSpeaker();
      expect(thread.running).toBe(true);
      expect(await next.start()).toEqual([]);
      expect(await next.snapshot()).toEqual([]);
      expect(await thread.loopDelay()).toMatchObject({ samples: expect.any(Number) });
      await next.stop();
    });
  });
}

suite('from the TypeScript sources', () => source);
suite('from the compiled dist/', () => {
  buildOnce();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(root, 'dist/bgp-core/index.js')) as Core;
});
