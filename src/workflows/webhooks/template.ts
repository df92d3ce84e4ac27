// Webhook templates (payload_url, additional_headers, body_template) on the environment router
// configurations use (pm-workflows §2.1: autoescape off, trim/lstrip off, Peering Manager's filters,
// fuel and output bounds). The context holds plain data, not loaded objects: filters that need an
// object (e.g. `iterate`) refuse it with a template error, as they would on a dict in Peering Manager.
import type { Caller } from '../../http/auth';
import { renderTemplate } from '../templates/environment';
import { pmFilters } from '../templates/filters';
import { Graph } from '../templates/graph';

/**
 * Renders one webhook field; throws TemplateError (its message names `name` and the line).
 * Text without a tag or a trailing newline renders to itself: the engine is skipped for it.
 */
export function renderWebhookTemplate(name: string, template: string, context: Record<string, unknown>, caller: Caller): string {
  if (!template.includes('{') && !template.endsWith('\n')) return template;
  const g = new Graph(caller);
  // The payload's dicts iterate and print in their own order (the REST field order), as in Jinja2.
  g.keyOrders.add(context);
  return renderTemplate({ name, source: template, context, filters: pmFilters(g), keyOrders: g.keyOrders });
}
