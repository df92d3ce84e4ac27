// Open graphql-ws connections check their caller again: a token revoked, expired or moved out
// of its allowed networks, or a user deactivated, ends that caller's subscriptions (close 4403)
// within SUBSCRIPTION_RECHECK_SECONDS, and at once when a gateway hears of a revoked token or a
// changed user on the event bus (src/http/app.ts).
import type { WebSocket } from 'ws';
import type { Orm } from '../db/orm';
import { authenticate } from './auth';
import { onCredentialsChanged } from './credentials';
import { logger } from '../log';

/** graphql-ws's close code for a forbidden connection. */
export const FORBIDDEN_CLOSE = 4403;

interface Held { authorization: string; clientIp: string | undefined }

export class SubscriptionSessions {
  private held = new Map<WebSocket, Held>();
  private timer: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private again = false;
  private unsubscribe: (() => void)[];

  constructor(private orm: Orm, everySeconds: number) {
    this.timer = setInterval(() => void this.check(), everySeconds * 1000).unref();
    this.unsubscribe = [onCredentialsChanged(() => void this.check())];
  }

  /** A connection that authenticated with these credentials (anonymous ones have nothing to lose). */
  hold(socket: WebSocket, authorization: string, clientIp: string | undefined): void {
    this.held.set(socket, { authorization, clientIp });
    socket.once('close', () => this.held.delete(socket));
  }

  /** One check at a time; a request for another while one runs makes it run once more. */
  check(): Promise<void> {
    if (this.running) { this.again = true; return this.running; }
    this.running = this.checkAll().catch((e) => logger.warn({ err: (e as Error).message }, 'subscription credential check failed'))
      .finally(() => {
        this.running = null;
        if (this.again) { this.again = false; void this.check(); }
      });
    return this.running;
  }

  private async checkAll(): Promise<void> {
    // Connections sharing credentials and address share one lookup.
    const verdicts = new Map<string, Promise<boolean>>();
    const em = this.orm.em.fork();
    for (const [socket, h] of this.held) {
      const key = `${h.clientIp ?? ''}\u0000${h.authorization}`;
      if (!verdicts.has(key)) verdicts.set(key, authenticate(em, h.authorization, h.clientIp, { touch: false }).then((c) => !c.error && !!c.user));
      if (!(await verdicts.get(key))) {
        this.held.delete(socket);
        socket.close(FORBIDDEN_CLOSE, 'Forbidden');
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
  }
}
