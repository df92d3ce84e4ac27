// One HTTP request of a webhook: bounded in time and in what is read back, so that a slow or huge
// receiver cannot hold a worker or memory. TLS verification and a CA bundle per webhook.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';

export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface SendResult { status: number; body: string; durationMs: number }

export function sendRequest(o: { url: string; method: string; headers: Record<string, string>; body: Buffer; timeoutMs: number; verifyTls: boolean; caFile?: string | null }): Promise<SendResult> {
  const url = new URL(o.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new Error(`Unsupported URL scheme ${url.protocol}`));
  const started = Date.now();
  const tls = url.protocol === 'https:' ? { rejectUnauthorized: o.verifyTls, ...(o.caFile ? { ca: readFileSync(o.caFile) } : {}) } : {};
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method, headers: { ...o.headers, 'Content-Length': String(o.body.length) }, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size >= MAX_RESPONSE_BYTES) return;
        chunks.push(c.subarray(0, MAX_RESPONSE_BYTES - size));
        size += c.length;
        // Enough read to report on: stop receiving the rest.
        if (size >= MAX_RESPONSE_BYTES) res.destroy();
      });
      const done = () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), durationMs: Date.now() - started });
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.setTimeout(o.timeoutMs, () => req.destroy(new Error(`No answer within ${o.timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
