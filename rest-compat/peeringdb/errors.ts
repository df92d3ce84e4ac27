// PeeringDB's error shape: `{"meta": {"error": ...}}`, other keys (field errors) beside it.
export class PdbError extends Error {
  constructor(readonly status: number, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
  body(): Record<string, unknown> {
    return { ...this.extra, meta: { error: this.message } };
  }
}

export const REASON: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Request Entity Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};
