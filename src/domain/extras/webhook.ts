import { Model, F, IdField } from '../model';
import { HttpMethod } from '../choices';
import { contentTypeError } from './content-type';

function validateWebhook(o: Webhook): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const cts = o.contentTypes;
  if (!Array.isArray(cts) || cts.length === 0) errors.contentTypes = ['This list may not be empty.'];
  else for (const ct of cts) { const e = contentTypeError(ct); if (e) (errors.contentTypes ??= []).push(e); }
  if (!o.typeCreate && !o.typeUpdate && !o.typeDelete) {
    errors.nonFieldErrors = ['At least one event type must be selected: create, update, and/or delete.'];
  }
  if (!o.sslVerification && o.caFilePath) {
    errors.caFilePath = ['Do not specify a CA certificate file if SSL verification is disabled.'];
  }
  return errors;
}

/** An HTTP request sent when objects of the given types are created, updated and/or deleted. */
@Model<Webhook>({
  app: 'extras',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name'],
  ordering: ['name'],
  uniqueTogether: [['typeCreate', 'typeUpdate', 'typeDelete', 'payloadUrl']],
  validate: validateWebhook,
})
export class Webhook {
  // Webhook filters have no created/updated (Peering Manager's filter set for it has none).
  @IdField() id!: number;
  @F.datetime({ nullable: true, readOnly: true, auto: 'create', filter: false }) created?: Date | null;
  @F.datetime({ nullable: true, readOnly: true, auto: 'update', filter: false }) updated?: Date | null;
  @F.json({ required: true, nullable: false, label: 'Object types', help: 'The object types ("app_label.model") to which this webhook applies' }) contentTypes!: string[];
  @F.string({ maxLength: 100, required: true, unique: true }) name!: string;
  @F.bool({ default: false, help: 'Call this webhook when an object is created.' }) typeCreate: boolean = false;
  @F.bool({ default: false, help: 'Call this webhook when an object is updated.' }) typeUpdate: boolean = false;
  @F.bool({ default: false, help: 'Call this webhook when an object is deleted.' }) typeDelete: boolean = false;
  @F.string({ maxLength: 512, required: true, filter: false, label: 'URL', help: 'Called with the HTTP method below; Jinja2 templating is supported' }) payloadUrl!: string;
  @F.bool({ default: true }) enabled: boolean = true;
  @F.choice(HttpMethod, { maxLength: 32, default: 'POST', choiceStyle: 'plain', label: 'HTTP method' }) httpMethod: string = 'POST';
  @F.string({ maxLength: 128, default: 'application/json', label: 'HTTP content type' }) httpContentType: string = 'application/json';
  @F.text({ filter: false, help: 'Extra headers, one "Name: Value" per line (Jinja2)' }) additionalHeaders: string = '';
  @F.text({ filter: false, help: 'Jinja2 template for the request body; empty for the default JSON body' }) bodyTemplate: string = '';
  @F.string({ maxLength: 255, default: '', secret: true, help: 'Key of the HMAC-SHA512 X-Hook-Signature header; never sent' }) secret: string = '';
  @F.json({ objectOnly: true, help: 'Conditions that decide whether the webhook fires' }) conditions?: Record<string, unknown> | null;
  @F.bool({ default: true, label: 'SSL verification' }) sslVerification: boolean = true;
  @F.string({ maxLength: 4096, nullable: true, label: 'CA file path' }) caFilePath?: string | null;
}
