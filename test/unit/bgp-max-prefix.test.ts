// Max-prefix (RFC 4486): the limit logic, the Cease/1 NOTIFICATION bytes, the idle hold on a
// manual clock, and two bgp-core speakers where one limits what the other sends.
import { BgpSpeaker, ManualClock, PeerConfig, PrefixLimits, encodeNotification, maxPrefixNotificationData } from '../../bgp-core';
import { BgpFsm, BgpState, DEFAULT_FSM_CONFIG } from '../../bgp-core/fsm';
import { freePort, waitFor } from '../interop/daemons';

describe('PrefixLimits', () => {
  it('warns once at the threshold, again only after falling below it, and reports a count beyond the limit', () => {
    const l = new PrefixLimits({ maxPrefixes: { ipv4: 10 }, maxPrefixWarningPercent: 80 });
    expect(l.check('ipv4', 7)).toEqual({ kind: 'ok' });
    expect(l.check('ipv4', 8)).toEqual({ kind: 'warn', family: 'ipv4', count: 8, limit: 10 });
    expect(l.check('ipv4', 9)).toEqual({ kind: 'ok' });
    expect(l.check('ipv4', 10)).toEqual({ kind: 'ok' });
    expect(l.check('ipv4', 5)).toEqual({ kind: 'ok' });
    expect(l.check('ipv4', 9).kind).toBe('warn');
    expect(l.check('ipv4', 11)).toEqual({ kind: 'exceeded', family: 'ipv4', count: 11, limit: 10 });
    l.reset();
    expect(l.check('ipv4', 8).kind).toBe('warn');
  });

  it('0 or no limit never warns nor ends anything; families are independent', () => {
    const l = new PrefixLimits({ maxPrefixes: { ipv4: 0, ipv6: 4 } });
    expect(l.check('ipv4', 1_000_000)).toEqual({ kind: 'ok' });
    expect(new PrefixLimits({}).check('ipv6', 1_000_000)).toEqual({ kind: 'ok' });
    expect(l.check('ipv6', 4).kind).toBe('warn'); // default threshold 90% of 4 rounds up to 4
    expect(l.check('ipv6', 5).kind).toBe('exceeded');
  });

  it('NOTIFICATION Cease/1 carries AFI, SAFI and the upper bound (RFC 4486 §4)', () => {
    const msg = encodeNotification(6, 1, maxPrefixNotificationData('ipv6', 100_000));
    expect(msg.toString('hex')).toBe(
      'ff'.repeat(16) + '001c' + '03' + '06' + '01' + '0002' + '01' + '000186a0',
    );
    expect(maxPrefixNotificationData('ipv4', 10).toString('hex')).toBe('00010100' + '00000a');
  });
});

describe('FSM ceaseWithHold', () => {
  function setup(): { fsm: BgpFsm; clock: ManualClock; log: string[]; data: Buffer[] } {
    const log: string[] = [];
    const data: Buffer[] = [];
    const clock = new ManualClock(1_000_000);
    const fsm = new BgpFsm({ ...DEFAULT_FSM_CONFIG, holdTime: 9 }, {
      connect: () => log.push('connect'),
      dropConnection: () => log.push('drop'),
      sendOpen: () => undefined,
      sendKeepalive: () => undefined,
      sendNotification: (c, s, d) => { log.push(`notify ${c}/${s}`); if (d) data.push(d); },
      stateChanged: (_f: BgpState, t: BgpState, reason: string) => log.push(`-> ${t} (${reason})`),
    }, clock);
    fsm.manualStart();
    fsm.tcpConnected();
    fsm.openReceived(30);
    fsm.keepaliveReceived();
    log.length = 0;
    return { fsm, clock, log, data };
  }

  it('sends the Cease and stays Idle for exactly the configured hold, not the back-off', () => {
    const { fsm, clock, log, data } = setup();
    fsm.ceaseWithHold(1, maxPrefixNotificationData('ipv4', 10), 'maximum number of prefixes reached (ipv4, limit 10)', 60);
    expect(log).toEqual(['notify 6/1', 'drop', '-> IDLE (maximum number of prefixes reached (ipv4, limit 10))']);
    expect(data[0].toString('hex')).toBe('0001010000000a');
    expect(fsm.idleHoldRemaining()).toBe(60_000);
    clock.advance(59_999);
    expect(fsm.state).toBe('IDLE');
    clock.advance(1);
    expect(fsm.state).toBe('CONNECT');
  });

  it('hold 0 means no automatic restart; restartNow ends a hold but not a manual stop', () => {
    const a = setup();
    a.fsm.ceaseWithHold(1, undefined, 'limit', 0);
    a.clock.advance(24 * 3600 * 1000);
    expect(a.fsm.state).toBe('IDLE');
    expect(a.fsm.restartNow('limit raised')).toBe(true);
    expect(a.fsm.state).toBe('CONNECT');
    const b = setup();
    b.fsm.manualStop();
    expect(b.fsm.restartNow('limit raised')).toBe(false);
    expect(b.fsm.state).toBe('IDLE');
  });
});

describe('max-prefix between two bgp-core speakers', () => {
  let sender: BgpSpeaker;
  let limiter: BgpSpeaker;
  let clock: ManualClock;
  let pSender: number;
  let pLimiter: number;

  const routes = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `10.9.${from + i}.0/24`);
  const limiterCfg = (extra: Partial<PeerConfig> = {}): PeerConfig => ({
    id: 'sender', localAs: 65002, routerId: '10.0.0.2', localAddress: '127.0.0.4', remoteAddress: '127.0.0.1', remoteAs: 65001,
    remotePort: pSender, holdTime: 0, maxPrefixes: { ipv4: 10 }, maxPrefixWarningPercent: 80, maxPrefixRestartTime: 30, ...extra,
  });

  beforeEach(async () => {
    pSender = await freePort('127.0.0.1');
    pLimiter = await freePort('127.0.0.4');
    sender = new BgpSpeaker({ listen: { address: '127.0.0.1', port: pSender }, counterIntervalMs: 50 });
    // The limiting side runs on a manual clock: its idle hold only ends when the test says so.
    clock = new ManualClock();
    limiter = new BgpSpeaker({ listen: { address: '127.0.0.4', port: pLimiter }, clock });
    await sender.start();
    await limiter.start();
    sender.addPeer({ id: 'limiter', localAs: 65001, routerId: '10.0.0.1', localAddress: '127.0.0.1', remoteAddress: '127.0.0.4', remoteAs: 65002,
      remotePort: pLimiter, passive: true, holdTime: 0, idleHoldTime: 0.1, idleHoldTimeMax: 0.2 });
  });

  afterEach(async () => {
    await sender.stop();
    await limiter.stop();
  });

  const announce = (n: number, from = 0) => sender.announce('limiter', { attrs: { origin: 0, nextHop: '192.0.2.1' }, nlri: routes(n, from) });

  it('warns once at the threshold, ends the session beyond the limit with Cease/1, and holds it down', async () => {
    const warnings: unknown[] = [];
    const states: string[] = [];
    limiter.on('maxPrefixWarning', (w) => warnings.push(w));
    limiter.on('state', (e) => states.push(`${e.to}: ${e.reason}`));
    limiter.addPeer(limiterCfg());
    await waitFor('established', () => limiter.info('sender').state === 'ESTABLISHED', 10_000);
    announce(8);
    await waitFor('8 routes', () => limiter.info('sender').received.ipv4 === 8, 5000);
    announce(2, 8);
    await waitFor('10 routes', () => limiter.info('sender').received.ipv4 === 10, 5000);
    expect(warnings).toEqual([{ peerId: 'sender', remoteAddress: '127.0.0.1', remoteAs: 65001, family: 'ipv4', count: 8, limit: 10, percent: 80 }]);
    expect(limiter.info('sender').state).toBe('ESTABLISHED');

    announce(1, 10);
    await waitFor('limiter down', () => limiter.info('sender').state === 'IDLE', 5000);
    const info = limiter.info('sender');
    expect(states).toContain('IDLE: maximum number of prefixes reached (ipv4, limit 10)');
    expect(info.lastError).toMatchObject({ direction: 'sent', code: 6, subcode: 1, subcodeName: 'Maximum Number of Prefixes Reached' });
    expect(info.lastError?.text).toContain('maximum number of prefixes reached (ipv4, limit 10)');
    expect(info.received.ipv4).toBe(0);
    expect(info.idleHoldRemaining).toBe(30_000);
    await waitFor('sender saw the Cease', () => sender.info('limiter').lastError?.direction === 'received' ? true : null, 5000);
    expect(sender.info('limiter').lastError).toMatchObject({ code: 6, subcode: 1 });

    // Nothing on the limiter fires during the hold; once it ends the limiter connects again by itself.
    await new Promise((r) => setTimeout(r, 500));
    expect(limiter.info('sender').state).toBe('IDLE');
    // The sender drops its extra route meanwhile, so the new session stays within the limit.
    sender.withdraw('limiter', ['10.9.10.0/24']);
    clock.advance(30_000);
    await waitFor('re-established after the hold', () => limiter.info('sender').state === 'ESTABLISHED', 10_000);
    await waitFor('10 routes again', () => limiter.info('sender').received.ipv4 === 10, 5000);
    expect(limiter.info('sender').state).toBe('ESTABLISHED');
  });

  it('a raised limit ends the hold at once; a changed limit leaves a running session alone', async () => {
    const states: string[] = [];
    limiter.on('state', (e) => states.push(e.to));
    limiter.addPeer(limiterCfg());
    await waitFor('established', () => limiter.info('sender').state === 'ESTABLISHED', 10_000);
    announce(11);
    await waitFor('limiter down', () => limiter.info('sender').state === 'IDLE', 5000);
    const before = limiter.getPeer('sender');

    const r = limiter.reconcile([limiterCfg({ maxPrefixes: { ipv4: 20 } })]);
    expect(r.changed).toEqual(['sender']);
    expect(limiter.getPeer('sender')).toBe(before);
    await waitFor('established with the new limit', () => limiter.info('sender').state === 'ESTABLISHED', 10_000);
    await waitFor('11 routes', () => limiter.info('sender').received.ipv4 === 11, 5000);

    states.length = 0;
    const again = limiter.reconcile([limiterCfg({ maxPrefixes: { ipv4: 30 }, maxPrefixWarningPercent: 95 })]);
    expect(again.changed).toEqual(['sender']);
    expect(limiter.getPeer('sender')).toBe(before);
    expect(limiter.info('sender').state).toBe('ESTABLISHED');
    expect(states).toEqual([]);

    // Lowered below what is held: the running session ends for it.
    limiter.reconcile([limiterCfg({ maxPrefixes: { ipv4: 5 } })]);
    expect(limiter.info('sender').state).toBe('IDLE');
    expect(limiter.info('sender').lastError?.text).toContain('maximum number of prefixes reached (ipv4, limit 5)');
  });
});
