// RFC 4271 §8 finite state machine, detached from sockets: inputs are method calls,
// outputs go through FsmActions, time comes from an injectable Clock.
import { Clock, TimerHandle, realClock } from './clock';

export type BgpState = 'IDLE' | 'CONNECT' | 'ACTIVE' | 'OPENSENT' | 'OPENCONFIRM' | 'ESTABLISHED';

export interface FsmActions {
  /** Start an outgoing TCP connection; report with tcpConnected/tcpFailed. */
  connect(): void;
  /** Close every connection of the session (after any pending NOTIFICATION is flushed). */
  dropConnection(): void;
  sendOpen(): void;
  sendKeepalive(): void;
  sendNotification(code: number, subcode: number, data?: Buffer): void;
  stateChanged(from: BgpState, to: BgpState, reason: string): void;
}

export interface FsmConfig {
  passive: boolean;
  /** Seconds; 0 = no hold timer and no keepalives once negotiated. */
  holdTime: number;
  connectRetryTime: number;
  /** Hold time used while waiting for the peer's OPEN (RFC 4271 suggests 4 minutes). */
  largeHoldTime: number;
  /** First idle hold after a failure, seconds; doubles with each further failure (DampPeerOscillations). */
  idleHoldTime: number;
  idleHoldTimeMax: number;
  /** A session that stays Established this long (s) resets the back-off. */
  stableTime: number;
  /** Restart automatically after a failure (not after a manual stop). */
  autoRestart: boolean;
}

export const DEFAULT_FSM_CONFIG: FsmConfig = {
  passive: false,
  holdTime: 90,
  connectRetryTime: 120,
  largeHoldTime: 240,
  idleHoldTime: 1,
  idleHoldTimeMax: 120,
  stableTime: 60,
  autoRestart: true,
};

type TimerName = 'connectRetry' | 'hold' | 'keepalive' | 'idleHold';

export class BgpFsm {
  state: BgpState = 'IDLE';
  /** Negotiated hold time of the current session (s). */
  negotiatedHoldTime = 0;
  keepaliveInterval = 0;
  /** Clock time of entering Established, or 0. */
  establishedAt = 0;
  /** True after manualStop until manualStart: no automatic restart. */
  adminDown = true;
  /** Consecutive failures feeding the idle-hold back-off. */
  failures = 0;
  /** Clock time at which the idle hold ends, 0 when not holding. */
  idleHoldUntil = 0;
  private timers: Record<TimerName, TimerHandle | null> = { connectRetry: null, hold: null, keepalive: null, idleHold: null };

  constructor(
    public config: FsmConfig,
    private readonly actions: FsmActions,
    private readonly clock: Clock = realClock,
  ) {}

  /** Seconds the session has been Established (0 otherwise). */
  uptime(): number {
    return this.state === 'ESTABLISHED' ? (this.clock.now() - this.establishedAt) / 1000 : 0;
  }

  /** Milliseconds left in the idle hold, 0 if none. */
  idleHoldRemaining(): number {
    return this.idleHoldUntil > 0 ? Math.max(0, this.idleHoldUntil - this.clock.now()) : 0;
  }

  // ---------------- administrative events ----------------

  /** ManualStart (event 1) or ManualStart_with_PassiveTcpEstablishment (event 4). Only acts in Idle. */
  manualStart(): boolean {
    if (this.state !== 'IDLE') return false;
    this.adminDown = false;
    this.failures = 0;
    this.stopTimer('idleHold');
    this.idleHoldUntil = 0;
    this.start('manual start');
    return true;
  }

  /** ManualStop (event 2): Cease/Administrative Shutdown when a session exists. */
  manualStop(subcode = 2, data?: Buffer, reason = 'manual stop'): void {
    this.adminDown = true;
    this.stopTimer('idleHold');
    this.idleHoldUntil = 0;
    if (this.state === 'OPENSENT' || this.state === 'OPENCONFIRM' || this.state === 'ESTABLISHED') {
      this.actions.sendNotification(6, subcode, data);
    }
    this.toIdle(reason, false);
  }

  private start(reason: string): void {
    if (this.config.passive) {
      this.setState('ACTIVE', reason);
    } else {
      this.startConnectRetry();
      this.setState('CONNECT', reason);
      this.actions.connect();
    }
  }

  // ---------------- transport events ----------------

  /** TCP connection up (events 16/17): send OPEN and wait for the peer's. */
  tcpConnected(): void {
    if (this.state !== 'CONNECT' && this.state !== 'ACTIVE') return;
    this.stopTimer('connectRetry');
    this.actions.sendOpen();
    this.startTimer('hold', this.config.largeHoldTime * 1000);
    this.setState('OPENSENT', 'TCP connection established');
  }

  /** TCP connection failed or closed (event 18). */
  tcpFailed(reason: string): void {
    switch (this.state) {
      case 'CONNECT':
        // Keep the ConnectRetry timer running; Active waits for it (or an inbound connection).
        this.setState('ACTIVE', reason);
        return;
      case 'OPENSENT':
        this.stopTimer('hold');
        this.actions.dropConnection();
        this.startConnectRetry();
        this.setState('ACTIVE', reason);
        return;
      case 'OPENCONFIRM':
      case 'ESTABLISHED':
        this.fail(reason);
        return;
      default:
        return;
    }
  }

  // ---------------- message events ----------------

  /**
   * A valid OPEN arrived (event 19; validation is the caller's). Hold time = min(ours, theirs).
   */
  openReceived(peerHoldTime: number): void {
    if (this.state !== 'OPENSENT') {
      this.fsmError();
      return;
    }
    this.applyOpen(peerHoldTime);
    this.setState('OPENCONFIRM', 'OPEN received');
  }

  /**
   * Collision resolution kept a connection on which OPENs were already exchanged:
   * continue from OpenConfirm with that connection's hold time.
   */
  adoptOpenedConnection(peerHoldTime: number): void {
    this.stopTimer('connectRetry');
    this.applyOpen(peerHoldTime);
    if (this.state !== 'OPENCONFIRM') this.setState('OPENCONFIRM', 'connection collision resolved');
  }

  private applyOpen(peerHoldTime: number): void {
    this.stopTimer('connectRetry');
    const hold = Math.min(this.config.holdTime, peerHoldTime);
    this.negotiatedHoldTime = hold;
    this.keepaliveInterval = Math.floor(hold / 3);
    this.actions.sendKeepalive();
    if (hold > 0) {
      this.startTimer('hold', hold * 1000);
      this.startTimer('keepalive', this.keepaliveInterval * 1000);
    } else {
      this.stopTimer('hold');
      this.stopTimer('keepalive');
    }
  }

  keepaliveReceived(): void {
    if (this.state === 'OPENCONFIRM') {
      this.restartHold();
      this.establishedAt = this.clock.now();
      this.setState('ESTABLISHED', 'KEEPALIVE received');
      return;
    }
    if (this.state === 'ESTABLISHED') {
      this.restartHold();
      return;
    }
    this.fsmError();
  }

  /** UPDATE or ROUTE-REFRESH received: only legal when Established. Returns false if rejected. */
  updateReceived(): boolean {
    if (this.state === 'ESTABLISHED') {
      this.restartHold();
      return true;
    }
    this.fsmError();
    return false;
  }

  notificationReceived(reason: string): void {
    if (this.state === 'IDLE') return;
    this.fail(reason);
  }

  /** A decoding/validation error: send the NOTIFICATION and reset. */
  protocolError(code: number, subcode: number, data: Buffer | undefined, reason: string): void {
    if (this.state === 'IDLE') return;
    this.actions.sendNotification(code, subcode, data);
    this.fail(reason);
  }

  /**
   * Local policy ends the session (RFC 4486 max-prefix): Cease with this subcode, then Idle for
   * exactly `holdSeconds` instead of the back-off (0: no automatic restart).
   */
  ceaseWithHold(subcode: number, data: Buffer | undefined, reason: string, holdSeconds: number): void {
    if (this.state === 'IDLE') return;
    if (this.state === 'OPENSENT' || this.state === 'OPENCONFIRM' || this.state === 'ESTABLISHED') {
      this.actions.sendNotification(6, subcode, data);
    }
    this.failures++;
    this.toIdle(reason, true, holdSeconds);
  }

  /** Ends an idle hold now (what kept the session down was fixed); nothing after a manual stop. */
  restartNow(reason: string): boolean {
    if (this.state !== 'IDLE' || this.adminDown) return false;
    this.stopTimer('idleHold');
    this.idleHoldUntil = 0;
    this.start(reason);
    return true;
  }

  /** Our own keepalive/update sent: RFC 4271 lets it restart the keepalive timer. */
  messageSent(): void {
    if (this.state === 'ESTABLISHED' && this.timers.keepalive !== null && this.keepaliveInterval > 0) {
      this.startTimer('keepalive', this.keepaliveInterval * 1000);
    }
  }

  // ---------------- timers ----------------

  private onTimer(name: TimerName): void {
    this.timers[name] = null;
    switch (name) {
      case 'connectRetry':
        if (this.state === 'CONNECT') {
          this.actions.dropConnection();
          this.startConnectRetry();
          this.actions.connect();
        } else if (this.state === 'ACTIVE' && !this.config.passive) {
          this.startConnectRetry();
          this.setState('CONNECT', 'ConnectRetry timer expired');
          this.actions.connect();
        } else if (this.state === 'ACTIVE') {
          this.startConnectRetry();
        }
        return;
      case 'hold':
        if (this.state === 'OPENSENT' || this.state === 'OPENCONFIRM' || this.state === 'ESTABLISHED') {
          this.actions.sendNotification(4, 0);
          this.fail('hold timer expired');
        }
        return;
      case 'keepalive':
        if (this.state === 'OPENCONFIRM' || this.state === 'ESTABLISHED') {
          this.actions.sendKeepalive();
          if (this.keepaliveInterval > 0) this.startTimer('keepalive', this.keepaliveInterval * 1000);
        }
        return;
      case 'idleHold':
        this.idleHoldUntil = 0;
        if (this.state === 'IDLE' && !this.adminDown) this.start('automatic start after idle hold');
        return;
    }
  }

  /** RFC 4271 §10: ConnectRetryTime with jitter, so two speakers that failed together do not retry together. */
  private startConnectRetry(): void {
    this.startTimer('connectRetry', this.config.connectRetryTime * 1000 * (this.clock.jitter?.() ?? 1));
  }

  private restartHold(): void {
    if (this.negotiatedHoldTime > 0) this.startTimer('hold', this.negotiatedHoldTime * 1000);
  }

  private fsmError(): void {
    const sub = this.state === 'OPENSENT' ? 1 : this.state === 'OPENCONFIRM' ? 2 : this.state === 'ESTABLISHED' ? 3 : 0;
    if (this.state === 'IDLE') return;
    if (this.state !== 'CONNECT' && this.state !== 'ACTIVE') this.actions.sendNotification(5, sub);
    this.fail(`FSM error: unexpected message in ${this.state}`);
  }

  /** Session failure: go Idle and, unless stopped by an operator, restart after a growing idle hold. */
  private fail(reason: string): void {
    const wasUp = this.state === 'ESTABLISHED' ? this.clock.now() - this.establishedAt : -1;
    if (wasUp >= this.config.stableTime * 1000) this.failures = 0;
    this.failures++;
    this.toIdle(reason, true);
  }

  private toIdle(reason: string, restart: boolean, holdSeconds?: number): void {
    for (const n of ['connectRetry', 'hold', 'keepalive'] as TimerName[]) this.stopTimer(n);
    this.actions.dropConnection();
    this.negotiatedHoldTime = 0;
    this.keepaliveInterval = 0;
    this.establishedAt = 0;
    this.setState('IDLE', reason);
    if (restart && !this.adminDown && this.config.autoRestart && holdSeconds !== 0) {
      const secs = holdSeconds ?? Math.min(this.config.idleHoldTime * 2 ** Math.max(0, this.failures - 1), this.config.idleHoldTimeMax);
      this.idleHoldUntil = this.clock.now() + secs * 1000;
      this.startTimer('idleHold', secs * 1000);
    }
  }

  private setState(to: BgpState, reason: string): void {
    const from = this.state;
    if (from === to) return;
    this.state = to;
    this.actions.stateChanged(from, to, reason);
  }

  private startTimer(name: TimerName, ms: number): void {
    this.stopTimer(name);
    this.timers[name] = this.clock.setTimeout(() => this.onTimer(name), ms);
  }

  private stopTimer(name: TimerName): void {
    const h = this.timers[name];
    if (h !== null) {
      this.clock.clearTimeout(h);
      this.timers[name] = null;
    }
  }

  /** Cancels every timer (peer removal). */
  dispose(): void {
    for (const n of Object.keys(this.timers) as TimerName[]) this.stopTimer(n);
  }
}
