// Peering Manager's polling actions (pm-workflows §6.3), each one GraphQL mutation of the core
// (src/workflows/polling/resolver.ts): poll-bgp-sessions on a router (202 + Job) or on an AS, a BGP
// group or an IX (202 + [Job], one per router), and poll on one session (200, or 503 with why not).
import { modelByContentType } from '../../src/domain/model';
import type { Job } from '../../src/domain/core/job';
import { run, type Call } from './call';
import { jobBody } from './jobs';
import { actionDocument } from '../core/documents';

async function mutate<T>(call: Call, mutation: string, id: string, contentType: string): Promise<T> {
  const ctx = await call.ctx();
  return run<T>(call, ctx, actionDocument(mutation), { id }, { d: modelByContentType(contentType)! });
}

/** POST /api/devices/routers/{id}/poll-bgp-sessions/ → 202 + Job devices.router.poll_bgp_sessions. */
export async function pollRouter(call: Call, id: string): Promise<[number, unknown]> {
  const job = await mutate<{ id: number }>(call, 'pollRouterBgpSessions', id, 'devices.router');
  return [202, await jobBody(call, job as Job)];
}

/** POST …/{autonomous-systems,bgp-groups,internet-exchanges}/{id}/poll-bgp-sessions/ → 202 + [Job]. */
export function pollRoutersOf(mutation: string, contentType: string) {
  return async (call: Call, id: string): Promise<[number, unknown]> => {
    const jobs = await mutate<{ id: number }[]>(call, mutation, id, contentType);
    const out: unknown[] = [];
    for (const job of jobs) out.push(await jobBody(call, job as Job));
    return [202, out];
  };
}

/** POST …/{direct,internet-exchange}-peering-sessions/{id}/poll/ → 200 (no body, as Peering Manager), 503 with why not. */
export function pollSession(mutation: string, contentType: string) {
  return async (call: Call, id: string): Promise<[number, unknown]> => {
    await mutate(call, mutation, id, contentType);
    return [200, undefined];
  };
}

/** What the OpenAPI document lists for these actions. */
export const POLL_ROUTER_RESPONSES: Record<number, string> = { 202: 'The queued job polling the router\'s BGP sessions state from PeerGate\'s BGP speaker' };
export const POLL_FAN_OUT_RESPONSES: Record<number, string> = { 202: 'One queued job per router polling its BGP sessions state' };
export const POLL_SESSION_RESPONSES: Record<number, string> = {
  200: 'The session state and prefix counts are polled (no body)',
  503: 'Not polled: no router, the router is not an enabled BGP speaker, polling is off, no worker runs it, or it has no neighbour for the session',
};
