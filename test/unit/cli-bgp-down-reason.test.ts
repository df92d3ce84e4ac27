// `peergate bgp neighbor <address>` prints the typed down reason of a speaker peer.
import { neighborDetail } from '../../src/cli/bgp/format';
import type { Neighbor, SpeakerPeer } from '../../src/cli/bgp/neighbors';

function neighbor(downReason: SpeakerPeer['downReason']): Neighbor {
  const speaker: SpeakerPeer = {
    sessionType: 'peering.directpeeringsession', sessionId: '1', routerId: '1', state: 'IDLE', localAddress: null, localAs: 65010,
    remoteAddress: '127.0.0.15', remotePort: 179, remoteAs: 65015, remoteRouterId: null, uptime: 0,
    lastError: { direction: 'received', code: 6, subcode: 2, codeName: 'Cease', subcodeName: 'Administrative Shutdown', text: 'NOTIFICATION received', time: '2026-12-06T10:00:00.000Z' },
    downReason,
    prefixes: { received: {}, advertised: {} }, statistics: { send: {}, receive: {} }, capabilities: { local: {}, remote: null }, negotiated: null, staleFamilies: [],
  };
  return { source: 'speaker', address: '127.0.0.15', asn: 65015, state: 'Idle', uptime: 0, received: 0, accepted: 0, advertised: 0, routerId: '1', routerName: 'pg1', session: { type: 'direct', id: '1' }, speaker };
}

describe('peergate bgp neighbor: down reason', () => {
  it('shows the kind, the direction and the shutdown communication', () => {
    expect(neighborDetail(neighbor({ kind: 'ADMINISTRATIVE_SHUTDOWN', direction: 'RECEIVED', communication: 'maintenance until 10:00' })))
      .toContain('  Down reason: ADMINISTRATIVE_SHUTDOWN (received), shutdown communication "maintenance until 10:00"');
  });

  it('says nothing when the session never went down', () => {
    expect(neighborDetail(neighbor(null))).not.toContain('Down reason');
  });
});
