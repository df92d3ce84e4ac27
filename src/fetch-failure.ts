/**
 * Why a fetch failed, from undici's cause chain: the system error code (ECONNREFUSED, ENOTFOUND,
 * ETIMEDOUT, ...) and its address when given, else the innermost message ("fetch failed" alone says nothing).
 */
export function fetchFailure(e: unknown): string {
  let err = e as { message?: string; code?: string; cause?: unknown; address?: string; port?: number; hostname?: string } | undefined;
  const seen = new Set<unknown>();
  let message = err?.message ?? String(e);
  while (err && !seen.has(err)) {
    seen.add(err);
    if (typeof err.code === 'string' && /^E[A-Z0-9_]+$|^UND_ERR/.test(err.code)) {
      const where = err.address ? ` (${err.address}${err.port ? `:${err.port}` : ''})` : err.hostname ? ` (${err.hostname})` : '';
      return `${err.code}${where}`;
    }
    if (err.message) message = err.message;
    err = err.cause as typeof err;
  }
  return message;
}
