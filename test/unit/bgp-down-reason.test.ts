// Typed down reasons: the RFC 8203/9003 shutdown communication on the wire, the kind of each
// NOTIFICATION and transport failure, and both ends of a stop between two bgp-core speakers.
import { BgpSpeaker, PeerConfig, decodeNotification, decodeShutdownCommunication, encodeNotification, encodeShutdownCommunication, encodeShutdownNotification, notificationKind, transportKind } from '../../bgp-core';
import { bmpDownReason, downReasonOf } from '../../src/bgp/down-reason';
import { freePort, waitFor } from '../interop/daemons';

const HEADER = 19;
const decodeWhole = (msg: Buffer) => decodeNotification(msg, HEADER, msg.length);

describe('shutdown communication (RFC 8203, RFC 9003)', () => {
  it('is a length octet then UTF-8, and decodes back', () => {
    const data = encodeShutdownCommunication('maintenance until 10:00 ✓');
    expect(data[0]).toBe(data.length - 1);
    expect(decodeShutdownCommunication(data)).toEqual({ text: 'maintenance until 10:00 ✓', invalid: null });
    expect(decodeWhole(encodeShutdownNotification(2, 'bye'))).toMatchObject({ code: 6, subcode: 2, shutdownMessage: 'bye' });
  });

  it('cuts a text over 255 octets at a character boundary', () => {
    const data = encodeShutdownCommunication('é'.repeat(200)); // 400 octets
    expect(data[0]).toBe(254);
    expect(decodeShutdownCommunication(data).text).toBe('é'.repeat(127));
  });

  it('keeps a malformed communication as raw hex instead of failing', () => {
    const tooLong = decodeShutdownCommunication(Buffer.from([10, 0x61, 0x62]));
    expect(tooLong.text).toBeNull();
    expect(tooLong.invalid).toMatch(/length 10 exceeds the 2 octets.*raw 0a6162/);
    const notUtf8 = decodeShutdownCommunication(Buffer.from([2, 0xc3, 0x28]));
    expect(notUtf8.text).toBeNull();
    expect(notUtf8.invalid).toMatch(/not valid UTF-8 \(raw c328\)/);
    expect(decodeShutdownCommunication(Buffer.from([0]))).toEqual({ text: null, invalid: null });
    const n = decodeWhole(encodeNotification(6, 4, Buffer.from([3, 0xff, 0xfe, 0xfd])));
    expect(n.shutdownMessage).toBeUndefined();
    expect(n.shutdownMessageInvalid).toMatch(/fffefd/);
  });

  it('is only read from Cease 2 and 4', () => {
    expect(decodeWhole(encodeNotification(6, 3, encodeShutdownCommunication('x'))).shutdownMessage).toBeUndefined();
  });
});

describe('down reason kinds', () => {
  it('follow the NOTIFICATION code and subcode', () => {
    expect(notificationKind(6, 2)).toBe('ADMINISTRATIVE_SHUTDOWN');
    expect(notificationKind(6, 4)).toBe('ADMINISTRATIVE_RESET');
    expect(notificationKind(6, 1)).toBe('MAX_PREFIX');
    expect(notificationKind(6, 3)).toBe('PEER_DECONFIGURED');
    expect(notificationKind(6, 7)).toBe('CONNECTION_COLLISION');
    expect(notificationKind(6, 42)).toBe('CEASE');
    expect(notificationKind(4, 0)).toBe('HOLD_TIMER_EXPIRED');
    expect(notificationKind(5, 3)).toBe('FSM_ERROR');
    expect(notificationKind(2, 2)).toBe('OPEN_MESSAGE_ERROR');
    expect(notificationKind(3, 1)).toBe('UPDATE_MESSAGE_ERROR');
    expect(notificationKind(99, 0)).toBe('NOTIFICATION');
  });

  it('follow the socket error of a transport failure', () => {
    expect(transportKind('ECONNREFUSED')).toBe('CONNECTION_REFUSED');
    expect(transportKind('ECONNRESET')).toBe('CONNECTION_RESET');
    expect(transportKind('ETIMEDOUT')).toBe('CONNECTION_FAILED');
    expect(transportKind(undefined)).toBe('CONNECTION_FAILED');
  });
});

describe('a BMP Peer Down as a down reason', () => {
  const time = new Date('2026-12-06T10:00:00Z');
  it('takes the NOTIFICATION and its direction from the reason code', () => {
    const notification = decodeWhole(encodeShutdownNotification(2, 'router maintenance'));
    expect(bmpDownReason({ reason: 3, text: 'remote', notification, fsmEvent: null, time })).toMatchObject({
      kind: 'ADMINISTRATIVE_SHUTDOWN', direction: 'received', code: 6, subcode: 2, communication: 'router maintenance', detail: 'remote',
    });
    const hold = decodeWhole(encodeNotification(4, 0));
    expect(bmpDownReason({ reason: 1, text: 'local', notification: hold, fsmEvent: null, time })).toMatchObject({ kind: 'HOLD_TIMER_EXPIRED', direction: 'sent' });
  });

  it('names the reasons without a NOTIFICATION', () => {
    expect(bmpDownReason({ reason: 4, text: 'x', notification: null, fsmEvent: null, time })).toMatchObject({ kind: 'CONNECTION_CLOSED', direction: null, code: null });
    expect(bmpDownReason({ reason: 5, text: 'x', notification: null, fsmEvent: null, time })?.kind).toBe('PEER_DECONFIGURED');
    expect(bmpDownReason({ reason: 2, text: 'x', notification: null, fsmEvent: 18, time })?.kind).toBe('CONNECTION_FAILED');
    expect(bmpDownReason(null)).toBeNull();
  });
});

function cfg(id: string, localAs: number, routerId: string, local: string, remote: string, remoteAs: number, port: number, extra: Partial<PeerConfig> = {}): PeerConfig {
  return { id, localAs, routerId, localAddress: local, remoteAddress: remote, remoteAs, remotePort: port, holdTime: 9, connectRetryTime: 1, idleHoldTime: 0.2, idleHoldTimeMax: 1, ...extra };
}

describe('a stop between two bgp-core speakers', () => {
  let a: BgpSpeaker;
  let b: BgpSpeaker;

  beforeEach(async () => {
    const pa = await freePort('127.0.0.1');
    const pb = await freePort('127.0.0.4');
    a = new BgpSpeaker({ listen: { address: '127.0.0.1', port: pa } });
    b = new BgpSpeaker({ listen: { address: '127.0.0.4', port: pb } });
    await a.start();
    await b.start();
    a.addPeer(cfg('b', 65001, '10.0.0.1', '127.0.0.1', '127.0.0.4', 65002, pb, { passive: true }));
    b.addPeer(cfg('a', 65002, '10.0.0.2', '127.0.0.4', '127.0.0.1', 65001, pa));
    await waitFor('Established', () => a.info('b').state === 'ESTABLISHED' && b.info('a').state === 'ESTABLISHED', 10000);
  });

  afterEach(async () => {
    await a.stop();
    await b.stop();
  });

  it('carries the shutdown communication to both sides\' down reasons', async () => {
    a.manualStop('b', 'maintenance until 10:00');
    await waitFor('b saw the Cease', () => b.info('a').lastError?.direction === 'received' ? true : null, 5000);
    expect(downReasonOf(a.info('b').downReason)).toMatchObject({
      kind: 'ADMINISTRATIVE_SHUTDOWN', direction: 'sent', code: 6, subcode: 2, codeName: 'Cease', subcodeName: 'Administrative Shutdown', communication: 'maintenance until 10:00',
    });
    expect(downReasonOf(b.info('a').downReason)).toMatchObject({ kind: 'ADMINISTRATIVE_SHUTDOWN', direction: 'received', communication: 'maintenance until 10:00' });
    expect(b.info('a').lastError?.text).toContain('"maintenance until 10:00"');
    // b redials a, which is stopped and closes the connection: the last error moves on, the down reason does not.
    await waitFor('b redialled and was turned away', () => b.info('a').lastError?.direction === 'local' ? true : null, 10_000);
    expect(b.info('a').lastError?.kind).toBe('CONNECTION_CLOSED');
    expect(downReasonOf(b.info('a').downReason)).toMatchObject({ kind: 'ADMINISTRATIVE_SHUTDOWN', communication: 'maintenance until 10:00' });
  });

  it('a stop without a communication has none', async () => {
    a.manualStop('b');
    await waitFor('b saw the Cease', () => b.info('a').lastError?.direction === 'received' ? true : null, 5000);
    expect(downReasonOf(b.info('a').downReason)).toMatchObject({ kind: 'ADMINISTRATIVE_SHUTDOWN', communication: null });
  });
});
