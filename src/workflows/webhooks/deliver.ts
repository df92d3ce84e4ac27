// The delivery job (extras.webhook.process): conditions, Peering Manager's default body or the
// webhook's templates, its headers and HMAC signature, one HTTP request; any 2xx is a success,
// anything else throws so that the runner retries it with backoff (WEBHOOK_MAX_ATTEMPTS, 6).
// A template that does not render fails the attempt and sends nothing (pm-workflows §0 #10); the
// retry renders the webhook as it is then, so fixing the template lets the delivery through.
import { createHmac } from 'node:crypto';
import { defineJob, type JobRun } from '../../jobs/api';
import { Webhook } from '../../domain/extras/webhook';
import { ObjectChange } from '../../domain/extras/object-change';
import { modelByContentType } from '../../domain/model';
import { VERSION } from '../../http/version';
import { conditionsHold } from './conditions';
import { pythonJson, pythonTimestamp } from './payload';
import { sendRequest, type SendResult } from './send';
import { renderWebhookTemplate } from './template';
import { WEBHOOK_JOB } from './enqueue';

const envInt = (name: string, fallback: number): number => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};
const TIMEOUT_MS = envInt('WEBHOOK_TIMEOUT_MS', 10_000);

/** `Name: Value` lines, split at the first colon; a line without one aborts the delivery (spec §3.3). */
function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const i = line.indexOf(':');
    if (i < 0) throw new Error(`Invalid header line: ${line.slice(0, 100)}`);
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

async function deliver(r: JobRun): Promise<void> {
  const hook = await r.em.findOne(Webhook, Number(r.params.webhookId));
  const change = await r.em.findOne(ObjectChange, Number(r.params.changeId));
  if (!hook || !change) {
    r.log('warning', 'The webhook or the change it reports no longer exists; nothing sent.');
    return;
  }
  const d = modelByContentType(change.changedObjectType);
  // The REST representation queued with the job (./enqueue); jobs without one carry the snapshot.
  const data = typeof r.params.dataJson === 'string' ? JSON.parse(r.params.dataJson) : change.postchangeData ?? change.prechangeData ?? null;
  if (!conditionsHold(hook.conditions ?? null, data)) {
    r.log('info', 'Conditions not met; nothing sent.');
    return;
  }
  const context: Record<string, unknown> = {
    event: change.action,
    timestamp: pythonTimestamp(change.time),
    model: d?.modelName ?? change.changedObjectType.split('.')[1],
    username: change.userName,
    request_id: change.requestId,
    data,
    snapshots: { prechange: change.prechangeData ?? null, postchange: change.postchangeData ?? null },
  };
  const attempt = Number(r.params.attempt ?? 1);
  const about = { display: hook.name, url: `/api/extras/webhooks/${hook.id}/` };
  // Named by the field: the attempt's log line already names the webhook.
  const render = (field: string, text: string) => renderWebhookTemplate(field, text, context, r.caller);
  let url: string;
  let body: Buffer;
  let headers: Record<string, string>;
  try {
    body = Buffer.from(hook.bodyTemplate ? render('body_template', hook.bodyTemplate) : pythonJson(context), 'utf8');
    headers = {
      'User-Agent': `PeerGate/${VERSION}`,
      'Content-Type': hook.httpContentType,
      ...parseHeaders(render('additional_headers', hook.additionalHeaders)),
    };
    url = render('payload_url', hook.payloadUrl);
  } catch (e) {
    r.log('failure', `Attempt ${attempt}: nothing sent: ${(e as Error).message}`, about);
    throw e;
  }
  if (hook.secret) headers['X-Hook-Signature'] = createHmac('sha512', Buffer.from(hook.secret, 'utf8')).update(body).digest('hex');
  let res: SendResult;
  try {
    res = await sendRequest({ url, method: hook.httpMethod, headers, body, timeoutMs: TIMEOUT_MS, verifyTls: hook.sslVerification, caFile: hook.caFilePath });
  } catch (e) {
    r.log('failure', `Attempt ${attempt}: ${(e as Error).message}`, about);
    throw e;
  }
  const line = `Attempt ${attempt}: status ${res.status} in ${res.durationMs} ms`;
  if (res.status >= 200 && res.status < 300) {
    r.log('success', line, about);
    r.setOutput(`${res.status} ${res.body.slice(0, 1000)}`);
    return;
  }
  r.log('failure', line, about);
  throw new Error(`status ${res.status} returned with content '${res.body.slice(0, 500)}', webhook FAILED to process`);
}

defineJob(WEBHOOK_JOB, deliver, {
  timeoutMs: TIMEOUT_MS + 5000,
  maxAttempts: envInt('WEBHOOK_MAX_ATTEMPTS', 6),
  retryBaseMs: envInt('WEBHOOK_RETRY_BASE_MS', 5000),
});
