// Structured JSON logs (pino). Secrets never reach them: Authorization headers and
// password-like fields are redacted.
import pino from 'pino';

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: 'peergate' },
  redact: { paths: ['req.headers.authorization', '*.password', '*.secret', '*.apiSecret', '*.key'], censor: '[redacted]' },
});
