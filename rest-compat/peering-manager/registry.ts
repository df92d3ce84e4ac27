// Which model answers which /api/<app>/<path>/: every descriptor at its app and
// restPath, plus the aliases Peering Manager's history left behind. Adding a
// model adds its endpoints here with no edit.
import '../../src/domain';
import { allModels, modelByContentType, type ModelDescriptor } from '../../src/domain/model';
import type { UrlBuilder } from '../core/projection';

export interface Endpoint { app: string; path: string; d: ModelDescriptor; alias: boolean }

/** Old or alternative homes of a model (spec §0 and the table at the top). */
const ALIASES: { app: string; path: string; contentType: string }[] = [
  { app: 'core', path: 'object-changes', contentType: 'extras.objectchange' },
  { app: 'peering', path: 'communities', contentType: 'bgp.community' },
];

/** Plain views (no model) listed in their app root. */
export const PLAIN_VIEWS: { app: string; path: string }[] = [
  { app: 'extras', path: 'prefix-list' },
  { app: 'users', path: 'userpref' },
  { app: 'peeringdb', path: 'cache' },
];

let table: Map<string, Endpoint> | null = null;

function build(): Map<string, Endpoint> {
  const t = new Map<string, Endpoint>();
  for (const d of allModels()) t.set(`${d.app}/${d.restPath}`, { app: d.app, path: d.restPath, d, alias: false });
  for (const a of ALIASES) {
    const d = modelByContentType(a.contentType);
    if (d && !t.has(`${a.app}/${a.path}`)) t.set(`${a.app}/${a.path}`, { app: a.app, path: a.path, d, alias: true });
  }
  return t;
}

export function endpoints(): Endpoint[] {
  table ??= build();
  return [...table.values()];
}

export function endpoint(app: string, path: string): Endpoint | undefined {
  table ??= build();
  return table.get(`${app}/${path}`);
}

/** Apps in the API root: those with models or plain views. */
export function apps(): string[] {
  return [...new Set([...endpoints().map((e) => e.app), ...PLAIN_VIEWS.map((v) => v.app)])].sort();
}

/** `{prefix: absolute list URL}` of one app, sorted. */
export function appListing(app: string, base: string): Record<string, string> | null {
  const names = [...endpoints().filter((e) => e.app === app).map((e) => e.path), ...PLAIN_VIEWS.filter((v) => v.app === app).map((v) => v.path)];
  if (!names.length) return null;
  return Object.fromEntries(names.sort().map((n) => [n, `${base}/api/${app}/${n}/`]));
}

/** Absolute URLs: the API detail URL, and the UI URL (the API path without /api; peering sits at the root). */
export function urlBuilder(base: string): UrlBuilder {
  return {
    api: (d, id) => `${base}/api/${d.app}/${d.restPath}/${id}/`,
    ui: (d, id) => `${base}/${d.app === 'peering' ? '' : `${d.app}/`}${d.restPath}/${id}/`,
  };
}
