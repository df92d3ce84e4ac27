// The speaker API over the event bus, on the in-process bus: lists merge every node's peers, a
// command reaches the node that runs the session, errors keep their kind, and nothing waits
// without end (no node, a silent node, a stale request) or stays pending afterwards.
import { BgpSpeaker, attrsToJson, type PeerConfig, type RouteQuery, type UpdateSpec } from '../../bgp-core';
import { InProcessBus, type SpeakerRequest } from '../../src/events/bus';
import { BusSpeaker, SpeakerResponder } from '../../src/bgp/speaker-api/bus';
import { LocalSpeaker } from '../../src/bgp/speaker-api/local';
import { Speakers } from '../../src/bgp/speaker-api';
import { SpeakerError } from '../../src/bgp/speaker-api/types';
import { parsePeerKey } from '../../src/bgp/desired';
import type { BgpWorker } from '../../src/bgp/worker';
import { waitFor } from '../interop/daemons';

/** A worker running one router's speaker, as LocalSpeaker sees it (no database, no thread: the speaker's async surface over a local one). */
function fakeWorker(routerId: number, speaker: BgpSpeaker): BgpWorker {
  const remote = {
    info: async (id: string) => speaker.info(id),
    snapshot: async () => speaker.snapshot(),
    manualStart: async (id: string) => speaker.manualStart(id),
    manualStop: async (id: string, m?: string) => speaker.manualStop(id, m),
    routeRefresh: async (id: string, afi: number, safi: number, sub?: number) => speaker.routeRefresh(id, afi, safi, sub),
    announce: async (id: string, spec: UpdateSpec) => speaker.announce(id, spec),
    routes: async (id: string, dir: 'in' | 'out', q: RouteQuery) => {
      const p = speaker.getPeer(id)!;
      return (dir === 'out' ? p.ribOut : p.ribIn).query(q).map((e) => ({ prefix: e.prefix, attributes: attrsToJson(e.set.attrs), pathId: e.pathId ?? null }));
    },
  };
  const running = (id: string) => (speaker.getPeer(id) ? { routerId, speaker: remote, peerId: id, info: speaker.info(id) } : null);
  return {
    find: (type: string, id: number) => running(`${type}:${id}`),
    findByAddress: (a: string) => speaker.listPeers().filter((p) => p.config.remoteAddress === a).map((p) => running(p.id)),
    allPeers: () => speaker.snapshot().map((info) => ({ routerId, info })),
    currentPeers: async () => speaker.snapshot().map((info) => ({ routerId, info })),
    runsRouter: (id: number) => id === routerId,
    snapshotEvents: () => speaker.snapshot().map((info) => ({ sessionType: 'x', sessionId: parsePeerKey(info.id)!.id, state: info.state.toLowerCase() }) as any),
  } as unknown as BgpWorker;
}

// Peers towards an address nobody listens on: they stay between Connect/Active and Idle.
const peer = (id: string, remote: string): PeerConfig => ({
  id, localAs: 65001, routerId: '10.0.0.1', localAddress: '127.0.0.1', remoteAddress: remote, remoteAs: 65002, remotePort: 1, holdTime: 9, connectRetryTime: 30, idleHoldTime: 30, idleHoldTimeMax: 30,
});

describe('speaker API over the bus', () => {
  const bus = new InProcessBus();
  const speakers = [new BgpSpeaker({}), new BgpSpeaker({})];
  const responders: SpeakerResponder[] = [];
  let live = ['w1', 'w2', 'gw'];
  const nodes = { live: async () => live };
  const asker = new BusSpeaker(bus, nodes, 'gw', 300);
  const api = new Speakers(new LocalSpeaker(), asker);

  beforeAll(() => {
    speakers[0].addPeer(peer('direct:7', '127.0.0.77'));
    speakers[1].addPeer(peer('ixp:9', '127.0.0.99'));
    speakers[1].addPeer(peer('direct:8', '127.0.0.77'));
    speakers.forEach((s, i) => {
      const local = new LocalSpeaker();
      local.worker = fakeWorker(i + 1, s);
      const r = new SpeakerResponder(bus, local, `w${i + 1}`);
      r.start();
      responders.push(r);
    });
  });

  afterAll(async () => {
    for (const r of responders) r.close();
    asker.close();
    for (const s of speakers) await s.stop();
  });

  afterEach(() => {
    live = ['w1', 'w2', 'gw'];
    expect(asker.inFlight).toBe(0);
  });

  test('a list merges the peers of every node; filters apply on each', async () => {
    const all = await api.peers();
    expect(all.map((p) => `${p.routerId} ${p.sessionType}:${p.sessionId}`).sort()).toEqual(['1 direct:7', '2 direct:8', '2 ixp:9']);
    expect((await api.peers({ remoteAddress: '127.0.0.77' })).map((p) => p.sessionId).sort()).toEqual([7, 8]);
    expect((await api.peers({ routerId: 2 })).map((p) => p.sessionId).sort()).toEqual([8, 9]);
    expect((await api.snapshot()).length).toBe(3);
    // Plain data: what crossed the bus is what JSON keeps.
    const one = all.find((p) => p.sessionId === 7)!;
    expect(JSON.parse(JSON.stringify(one))).toEqual(one);
    expect(one.statistics.send).toEqual(expect.objectContaining({ open: expect.any(Number) }));
  });

  test('one session: the node that runs it answers; the others are "not here"', async () => {
    expect((await api.peer({ type: 'ixp', id: 9 }))?.remoteAddress).toBe('127.0.0.99');
    expect(await api.peer({ type: 'ixp', id: 1234 })).toBeNull();
    expect((await api.routerPeers(1))?.map((p) => p.sessionId)).toEqual([7]);
    expect(await api.routerPeers(99)).toBeNull();
    expect(await api.routes({ type: 'direct', id: 8 }, { limit: 10 })).toEqual([]);
    await expect(api.stop({ type: 'direct', id: 1234 })).rejects.toMatchObject({ kind: 'not-found' });
  });

  test('a command acts on the node that runs the session, and its refusal comes back as a refusal', async () => {
    await api.stop({ type: 'direct', id: 7 }, 'maintenance');
    expect(speakers[0].info('direct:7')).toMatchObject({ state: 'IDLE', adminDown: true });
    expect(speakers[1].info('direct:8').adminDown).toBe(false);
    await api.start({ type: 'direct', id: 7 });
    await expect(api.start({ type: 'direct', id: 7 })).rejects.toMatchObject({ kind: 'refused', reason: { kind: 'already-started' } });
    await expect(api.routeRefresh({ type: 'direct', id: 7 }, 1, 1)).rejects.toMatchObject({ kind: 'refused' });
    await expect(api.sendUpdate({ type: 'direct', id: 7 }, { attributes: { 1: 9 }, nlri: ['192.0.2.0/24'] })).rejects.toMatchObject({ kind: 'invalid', field: 'attributes' });
    await expect(api.sendRawUpdate({ type: 'direct', id: 7 }, 'zz')).rejects.toMatchObject({ kind: 'refused' });
  });

  test('no node at all: a command fails at once, saying no worker is reachable; lists are empty', async () => {
    live = ['gw'];
    const err = await api.stop({ type: 'direct', id: 7 }).catch((e) => e);
    expect(err).toBeInstanceOf(SpeakerError);
    expect(err).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/^No bgp-core worker is reachable/) });
    expect(await api.peers()).toEqual([]);
    expect(await api.peer({ type: 'direct', id: 7 })).toBeNull();
  });

  test('a node that never answers: the call fails after the timeout naming it; a list keeps the others', async () => {
    live = ['w1', 'w2', 'ghost'];
    const err = await api.stop({ type: 'direct', id: 4321 }).catch((e) => e);
    expect(err).toMatchObject({ kind: 'unavailable', message: expect.stringContaining('1 of 3 bgp-core workers answered') });
    expect(err.message).toContain('ghost');
    // The node that runs the session answers before the timeout, whoever else is silent.
    await api.stop({ type: 'direct', id: 8 });
    expect(speakers[1].info('direct:8').adminDown).toBe(true);
    expect((await api.peers()).length).toBe(3);
    live = ['ghost'];
    await expect(api.peers()).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringContaining('No bgp-core worker answered') });
  });

  test('a request past its deadline (late, or replayed from the bus log) is never acted on', async () => {
    const stale: SpeakerRequest = { id: 'old', replyTo: 'gw', to: ['w2'], method: 'stop', args: [{ type: 'ixp', id: 9 }, null], deadline: Date.now() - 1 };
    bus.publishSpeaker('bgpRequest', stale);
    const fresh: SpeakerRequest = { ...stale, id: 'new', args: [{ type: 'direct', id: 8 }, null], method: 'start', deadline: Date.now() + 1000 };
    bus.publishSpeaker('bgpRequest', fresh);
    await waitFor('the fresh request acted on', () => !speakers[1].info('direct:8').adminDown, 2000);
    expect(speakers[1].info('ixp:9').adminDown).toBe(false);
  });
});
