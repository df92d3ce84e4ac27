// The three renders of Peering Manager, as core functions every surface calls (GraphQL resolvers,
// REST actions, jobs): a router's configuration, an export template, an e-mail for an AS. Each
// loads what the caller may read (bounded), builds its context and renders on the environment.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../../http/auth';
import { modelByContentType, describe } from '../../domain/model';
import { NotFoundError } from '../../domain/errors';
import { renderTemplate } from './environment';
import { TemplateError } from './errors';
import { loadGraph, TooManyObjects, type Graph, type Rec } from './graph';
import { pmFilters } from './filters';
import { emailContext, PEERING_MODELS, routerContext, TEMPLATE_MODELS } from './contexts';
import { prepare, type IncludeRef } from './source';
import { loadPeeringdbSlice, PDB_NET } from './peeringdb';

export interface Renderer { em: EntityManager; caller: Caller }

const envInt = (name: string, fallback: number): number => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};
/** Objects one render may load in all (every model together). */
export const maxObjects = (): number => envInt('TEMPLATE_MAX_OBJECTS', 100_000);
const MAX_INCLUDE_DEPTH = 10;

const TEMPLATE_CT = { configuration: 'devices.configuration', email: 'messaging.email', exporttemplate: 'extras.exporttemplate' } as const;

/** The objects of these models, and for peering renders the PeeringDB records they point at (and `networkIds`). */
async function graphFor(r: Renderer, cts: string[], template: string, networkIds: number[] = []): Promise<Graph> {
  try {
    const g = await loadGraph(r.em, r.caller, [...new Set(cts)], maxObjects());
    if (cts.includes('peering.autonomoussystem') || networkIds.length) await loadPeeringdbSlice(r.em, g, networkIds, maxObjects());
    return g;
  } catch (e) {
    if (e instanceof TooManyObjects) throw new TemplateError(e.message, template, null);
    throw e;
  }
}

/** The template an include names: an id when it looks like one, else the exact name (must be unique). */
function findTemplate(g: Graph, ref: IncludeRef): Rec | string {
  const all = g.all(TEMPLATE_CT[ref.kind]);
  const hits = /^\d+$/.test(ref.key) ? all.filter((t) => t.id === Number(ref.key)) : all.filter((t) => t.row.name === ref.key);
  if (hits.length === 1) return hits[0];
  return hits.length ? `Several ${ref.kind} templates are named "${ref.key}"` : `No ${ref.kind} template "${ref.key}"`;
}

/**
 * Sources of every template the main one includes, transitively, by include name. A missing one
 * becomes a template that fails when (and only if) it is included, as in Peering Manager.
 */
async function includesOf(r: Renderer, g: Graph, source: string, name: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const queue: [IncludeRef, number][] = prepare(source, name).includes.map((i) => [i, 1]);
  while (queue.length) {
    const [ref, depth] = queue.shift()!;
    const key = `${ref.kind}::${ref.key}`;
    if (out.has(key)) continue;
    if (depth > MAX_INCLUDE_DEPTH) throw new TemplateError(`includes nested deeper than ${MAX_INCLUDE_DEPTH}`, name, null);
    const t = findTemplate(g, ref);
    if (typeof t === 'string') {
      out.set(key, `{{ ""|pg_fail(${JSON.stringify(t)}) }}`);
      continue;
    }
    // An included export template inserts its own output, rendered alone with its own dataset.
    const text = ref.kind === 'exporttemplate' ? await exportTemplateText(r, t, depth) : String(t.row.template);
    out.set(key, text);
    if (ref.kind !== 'exporttemplate') for (const i of prepare(text, key).includes) queue.push([i, depth + 1]);
  }
  return out;
}

function run(g: Graph, t: { name: string; source: string; trim: boolean; lstrip: boolean }, context: Record<string, unknown>, includes: Map<string, string>): string {
  return renderTemplate({
    name: t.name,
    source: t.source,
    context,
    trim: t.trim,
    lstrip: t.lstrip,
    includes,
    filters: { ...pmFilters(g), pg_fail: (_v, args) => { throw new Error(String(args[0])); } },
    keyOrders: g.keyOrders,
  });
}

/** A router's configuration (its configuration template rendered); "" when it has none. */
export async function renderRouterConfiguration(r: Renderer, routerId: number): Promise<{ text: string; router: Rec }> {
  const g = await graphFor(r, [...PEERING_MODELS, ...TEMPLATE_MODELS], `router ${routerId}`);
  const router = g.get('devices.router', routerId);
  if (!router) throw new NotFoundError('No Router matches the given query.');
  const tpl = g.fk(router, 'configuration_template');
  if (!tpl) return { text: '', router };
  const name = String(tpl.row.name);
  const includes = await includesOf(r, g, String(tpl.row.template), name);
  const text = run(g, { name, source: String(tpl.row.template), trim: !!tpl.row.jinja2_trim, lstrip: !!tpl.row.jinja2_lstrip }, routerContext(g, router), includes);
  return { text, router };
}

/** The models an export of `ct` loads: the model, what its relations point at, and for peering models the rest of them (filters). */
function exportModels(ct: string): string[] {
  const d = modelByContentType(ct);
  if (!d) return [];
  const related = d.fields.filter((f) => f.target).map((f) => describe(f.target!()).contentType);
  return [ct, ...related, ...(PEERING_MODELS.includes(ct) ? PEERING_MODELS : ['extras.tag'])];
}

/**
 * An export template's text. `ids`: the dataset is these objects in this order (a filtered list),
 * those the render may read; without it, every object of the content type.
 */
async function exportTemplateText(r: Renderer, t: Rec, depth: number, ids?: number[]): Promise<string> {
  const ct = String(t.row.content_type);
  const name = String(t.row.name);
  if (!modelByContentType(ct)) throw new TemplateError(`unknown content type "${ct}"`, name, null);
  const g = await graphFor(r, [...exportModels(ct), ...TEMPLATE_MODELS], name);
  const includes = depth < MAX_INCLUDE_DEPTH ? await includesOf(r, g, String(t.row.template), name) : new Map<string, string>();
  const rows = ids ? ids.map((id) => g.get(ct, id)).filter((x): x is Rec => !!x) : g.all(ct);
  const dataset = rows.map((x) => g.view(x));
  return run(g, { name, source: String(t.row.template), trim: !!t.row.jinja2_trim, lstrip: !!t.row.jinja2_lstrip }, { dataset }, includes);
}

/** An export template rendered with `dataset` = the objects of its content type the caller may read. */
export async function renderExportTemplate(r: Renderer, templateId: number): Promise<{ text: string; template: Rec }> {
  const g = await graphFor(r, ['extras.exporttemplate'], `export template ${templateId}`);
  const t = g.get('extras.exporttemplate', templateId);
  if (!t) throw new NotFoundError('No ExportTemplate matches the given query.');
  return { text: await exportTemplateText(r, t, 0), template: t };
}

/**
 * Peering Manager's `?export=<name>` on a list: the export template of content type `ct` named
 * `name`, rendered with `dataset` = the objects among `ids` (the filtered, ordered list) the caller reads.
 */
export async function renderExportOfList(r: Renderer, ct: string, name: string, ids: number[]): Promise<{ text: string; template: Rec }> {
  const g = await graphFor(r, ['extras.exporttemplate'], `export template ${name}`);
  const t = g.all('extras.exporttemplate').find((x) => x.row.content_type === ct && x.row.name === name);
  if (!t) throw new NotFoundError('Not found.');
  return { text: await exportTemplateText(r, t, 0, ids), template: t };
}

/** An e-mail (subject and body rendered separately, same context) for an autonomous system. */
export async function renderEmail(r: Renderer, asId: number, emailId: number): Promise<{ subject: string; body: string }> {
  const g = await graphFor(r, [...PEERING_MODELS, ...TEMPLATE_MODELS], `e-mail ${emailId}`);
  const as = g.get('peering.autonomoussystem', asId);
  if (!as) throw new NotFoundError('No AutonomousSystem matches the given query.');
  const email = g.get('messaging.email', emailId);
  if (!email) throw new NotFoundError('No Email matches the given query.');
  return renderEmailWith(r, g, email, emailContext(g, as));
}

/** Subject and body of an e-mail template, rendered separately with the same context. */
async function renderEmailWith(r: Renderer, g: Graph, email: Rec, context: Record<string, unknown>): Promise<{ subject: string; body: string }> {
  const name = String(email.row.name);
  const flags = { trim: !!email.row.jinja2_trim, lstrip: !!email.row.jinja2_lstrip };
  const subject = run(g, { name: `${name} (subject)`, source: String(email.row.subject), ...flags }, context, await includesOf(r, g, String(email.row.subject), name));
  const body = run(g, { name, source: String(email.row.template), ...flags }, context, await includesOf(r, g, String(email.row.template), name));
  return { subject, body };
}

/** An e-mail to a PeeringDB network (Peering Manager's render-email): `autonomous_systems` = [the AS, the network]. */
export async function renderNetworkEmail(r: Renderer, asId: number, networkId: number, emailId: number): Promise<{ subject: string; body: string }> {
  const g = await graphFor(r, [...PEERING_MODELS, ...TEMPLATE_MODELS], `e-mail ${emailId}`, [networkId]);
  const email = g.get('messaging.email', emailId);
  if (!email) throw new NotFoundError('No Email matches the given query.');
  const as = g.get('peering.autonomoussystem', asId);
  if (!as) throw new NotFoundError('No AutonomousSystem matches the given query.');
  const net = g.get(PDB_NET, networkId);
  if (!net) throw new NotFoundError('No PdbNetwork matches the given query.');
  return renderEmailWith(r, g, email, { autonomous_systems: [g.view(as), g.view(net)] });
}
