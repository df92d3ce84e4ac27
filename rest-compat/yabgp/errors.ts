// yabgp's error body is `{"status": false, "code": "<text>"}`; PeerGate keeps it and only
// chooses the HTTP status: 200 for peer-state refusals (as yabgp), 4xx for bad requests.
import type { Response } from 'express';

/** yabgp's own refusal texts, reused verbatim so scripts matching on them keep working. */
export const CODES = {
  peerState: "Please check the peer's state",
  alreadyStarted: 'peer already established',
  idleHold: 'Idle Hold, please wait',
  postData: 'please check your post data',
  sendFailed: 'failed when send this message out',
  unauthorized: 'Unauthorized Access',
  forbidden: 'You do not have permission to perform this action.',
  throttled: 'Too many failed logins',
  tooLarge: 'please check your post data: body too large',
} as const;

export class YabgpError extends Error {
  constructor(readonly status: number, readonly code: string) {
    super(code);
    this.name = 'YabgpError';
  }
}

/** Too many failed logins (429; the core has set Retry-After). */
export const throttled = (seconds: number): YabgpError => new YabgpError(429, `${CODES.throttled}, retry in ${seconds} s`);

/** A refusal answered with HTTP 200, as yabgp does for peer state and negotiation. */
export const refusal = (code: string): YabgpError => new YabgpError(200, code);

export function sendError(res: Response, e: YabgpError): void {
  if (e.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Authentication Required"');
  res.status(e.status).json({ status: false, code: e.code });
}
