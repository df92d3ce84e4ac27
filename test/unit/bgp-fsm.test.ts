import { BgpFsm, BgpState, DEFAULT_FSM_CONFIG, FsmActions, FsmConfig } from '../../bgp-core/fsm';
import { ManualClock, realClock } from '../../bgp-core/clock';

function setup(over: Partial<FsmConfig> = {}): { fsm: BgpFsm; clock: ManualClock; log: string[] } {
  const log: string[] = [];
  const clock = new ManualClock(1_000_000);
  const actions: FsmActions = {
    connect: () => log.push('connect'),
    dropConnection: () => log.push('drop'),
    sendOpen: () => log.push('open'),
    sendKeepalive: () => log.push('keepalive'),
    sendNotification: (c, s) => log.push(`notify ${c}/${s}`),
    stateChanged: (_f: BgpState, t: BgpState) => log.push(`-> ${t}`),
  };
  const fsm = new BgpFsm({ ...DEFAULT_FSM_CONFIG, holdTime: 9, connectRetryTime: 5, ...over }, actions, clock);
  return { fsm, clock, log };
}

function establish(fsm: BgpFsm, peerHold = 30): void {
  fsm.manualStart();
  fsm.tcpConnected();
  fsm.openReceived(peerHold);
  fsm.keepaliveReceived();
}

describe('BGP FSM', () => {
  it('Idle -> Connect -> OpenSent -> OpenConfirm -> Established with negotiated hold time', () => {
    const { fsm, log } = setup();
    establish(fsm);
    expect(fsm.state).toBe('ESTABLISHED');
    expect(fsm.negotiatedHoldTime).toBe(9);
    expect(fsm.keepaliveInterval).toBe(3);
    expect(log).toEqual(['-> CONNECT', 'connect', 'open', '-> OPENSENT', 'keepalive', '-> OPENCONFIRM', '-> ESTABLISHED']);
  });

  it('sends keepalives every hold/3 and expires the hold timer with NOTIFICATION 4', () => {
    const { fsm, clock, log } = setup();
    establish(fsm);
    log.length = 0;
    clock.advance(3000);
    expect(log).toEqual(['keepalive']);
    clock.advance(3000);
    fsm.keepaliveReceived(); // restarts hold
    clock.advance(8000);
    expect(fsm.state).toBe('ESTABLISHED');
    clock.advance(1000);
    expect(fsm.state).toBe('IDLE');
    expect(log).toContain('notify 4/0');
  });

  it('hold time 0 disables keepalives and the hold timer', () => {
    const { fsm, clock } = setup({ holdTime: 0 });
    establish(fsm);
    clock.advance(10 * 60 * 1000);
    expect(fsm.state).toBe('ESTABLISHED');
    expect(clock.pending()).toBe(0);
  });

  it('OpenSent uses the large hold time', () => {
    const { fsm, clock, log } = setup();
    fsm.manualStart();
    fsm.tcpConnected();
    clock.advance(239_000);
    expect(fsm.state).toBe('OPENSENT');
    clock.advance(1000);
    expect(log).toContain('notify 4/0');
    expect(fsm.state).toBe('IDLE');
  });

  it('connect failure goes Active and retries on ConnectRetry', () => {
    const { fsm, clock, log } = setup();
    fsm.manualStart();
    fsm.tcpFailed('refused');
    expect(fsm.state).toBe('ACTIVE');
    log.length = 0;
    clock.advance(5000);
    expect(fsm.state).toBe('CONNECT');
    expect(log).toEqual(['-> CONNECT', 'connect']);
  });

  it('passive mode never connects out', () => {
    const { fsm, clock, log } = setup({ passive: true });
    fsm.manualStart();
    clock.advance(60_000);
    expect(fsm.state).toBe('ACTIVE');
    expect(log).not.toContain('connect');
    fsm.tcpConnected();
    expect(fsm.state).toBe('OPENSENT');
  });

  it('manual stop sends Cease 2 and stays down; manual start only from Idle', () => {
    const { fsm, clock, log } = setup();
    establish(fsm);
    expect(fsm.manualStart()).toBe(false);
    fsm.manualStop();
    expect(log).toContain('notify 6/2');
    expect(fsm.state).toBe('IDLE');
    clock.advance(600_000);
    expect(fsm.state).toBe('IDLE');
    expect(fsm.manualStart()).toBe(true);
    expect(fsm.state).toBe('CONNECT');
  });

  it('flapping peers back off exponentially (idle hold) and recover after a stable session', () => {
    const { fsm, clock } = setup({ idleHoldTime: 1, idleHoldTimeMax: 8, stableTime: 60 });
    fsm.manualStart();
    const holds: number[] = [];
    for (let i = 0; i < 5; i++) {
      fsm.tcpConnected();
      fsm.openReceived(30);
      fsm.keepaliveReceived();
      fsm.notificationReceived('flap');
      holds.push(fsm.idleHoldRemaining());
      clock.advance(fsm.idleHoldRemaining());
      expect(fsm.state).toBe('CONNECT');
    }
    expect(holds).toEqual([1000, 2000, 4000, 8000, 8000]);
    fsm.tcpConnected();
    fsm.openReceived(30);
    fsm.keepaliveReceived();
    for (let i = 0; i < 21; i++) {
      clock.advance(3000);
      fsm.keepaliveReceived();
    }
    expect(fsm.state).toBe('ESTABLISHED');
    fsm.notificationReceived('after a long session');
    expect(fsm.idleHoldRemaining()).toBe(1000);
  });

  it('unexpected messages are FSM errors with RFC 6608 subcodes', () => {
    const { fsm, log } = setup();
    fsm.manualStart();
    fsm.tcpConnected();
    expect(fsm.updateReceived()).toBe(false);
    expect(log).toContain('notify 5/1');
    expect(fsm.state).toBe('IDLE');
  });

  it('a TCP failure in OpenSent returns to Active; in Established to Idle with restart', () => {
    const { fsm, clock } = setup();
    fsm.manualStart();
    fsm.tcpConnected();
    fsm.tcpFailed('reset');
    expect(fsm.state).toBe('ACTIVE');
    clock.advance(5000);
    fsm.tcpConnected();
    fsm.openReceived(30);
    fsm.keepaliveReceived();
    fsm.tcpFailed('reset');
    expect(fsm.state).toBe('IDLE');
    clock.advance(1000);
    expect(fsm.state).toBe('CONNECT');
  });

  it('ConnectRetry is jittered (RFC 4271 §10): two speakers that failed together retry apart', () => {
    const { fsm, clock, log } = setup();
    clock.jitter = () => 0.8;
    fsm.manualStart();
    fsm.tcpFailed('refused');
    log.length = 0;
    clock.advance(3999);
    expect(fsm.state).toBe('ACTIVE');
    clock.advance(1);
    expect(fsm.state).toBe('CONNECT');
    expect(log).toEqual(['-> CONNECT', 'connect']);
    expect(realClock.jitter!()).toBeGreaterThanOrEqual(0.75);
    expect(Math.max(...Array.from({ length: 1000 }, () => realClock.jitter!()))).toBeLessThanOrEqual(1);
  });

  it('collision resolution can adopt an already-opened connection', () => {
    const { fsm } = setup();
    fsm.manualStart();
    fsm.tcpConnected();
    fsm.adoptOpenedConnection(6);
    expect(fsm.state).toBe('OPENCONFIRM');
    expect(fsm.negotiatedHoldTime).toBe(6);
    fsm.keepaliveReceived();
    expect(fsm.state).toBe('ESTABLISHED');
    expect(fsm.uptime()).toBe(0);
  });
});
