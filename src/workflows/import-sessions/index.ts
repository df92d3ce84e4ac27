// Peering Manager's import-sessions (pm-workflows §6.2): IX peering sessions created from the BGP
// neighbours the IX's routers have. Peering Manager reads them from the router over NAPALM; PeerGate
// reads what the routers report over BMP to PeerGate's stations (the peers each router announces
// in its Peer Ups), so only what a router really has is imported, never a guess.
import type { EntityManager } from '@mikro-orm/postgresql';
import { BlockList, isIP } from 'node:net';
import { defineJob, enqueueJob, type JobRun } from '../../jobs/api';
import type { Job } from '../../domain/core/job';
import type { Caller } from '../../http/auth';
import { requireReadGrant, toWhere } from '../../domain/access';
import { describe } from '../../domain/model';
import * as crud from '../../domain/crud';
import { InternetExchange } from '../../domain/peering/internet-exchange';
import { AutonomousSystem } from '../../domain/peering/autonomous-system';
import { InternetExchangePeeringSession } from '../../domain/peering/internet-exchange-peering-session';
import { Connection } from '../../domain/net/connection';
import { PdbNetwork } from '../../domain/peeringdb/net';
import { canonicalAddress } from '../../../bgp-core';
import type { SpeakerApi } from '../../bgp/speaker-api/types';
import { peeringdbPrefixes } from '../peeringdb-actions';
import { transaction } from '../../db/transaction';

export const IMPORT_SESSIONS_JOB = 'peering.internet_exchange.import_sessions';

export interface Neighbour { address: string; asn: number }

/** The neighbours each router reports over BMP to a station of PeerGate (routers reporting none are absent). */
export async function bmpNeighbours(speaker: SpeakerApi): Promise<Map<number, Neighbour[]>> {
  const out = new Map<number, Neighbour[]>();
  for (const e of await speaker.bmpPeers()) {
    if (e.routerId === null) continue;
    let list = out.get(e.routerId);
    if (!list) out.set(e.routerId, (list = []));
    list.push({ address: canonicalAddress(e.remoteAddress), asn: e.remoteAs });
  }
  return out;
}

/** Whether an address lies in one of the prefixes (CIDR strings). */
function within(prefixes: string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const p of prefixes) {
    const [net, len] = p.split('/');
    const family = isIP(net);
    if (family) list.addSubnet(net, Number(len), family === 6 ? 'ipv6' : 'ipv4');
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

const scoped = (caller: Caller, cls: Function, where: Record<string, unknown>) => {
  const scope = toWhere(requireReadGrant(caller, describe(cls)));
  return scope ? { $and: [where, scope] } : where;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

defineJob(IMPORT_SESSIONS_JOB, async (r: JobRun) => {
  const ixId = Number(r.params.internetExchangeId);
  const ix = await r.em.findOne(InternetExchange, scoped(r.caller, InternetExchange, { id: ixId }) as any);
  if (!ix) throw new Error(`Internet exchange ${ixId} does not exist (any more).`);
  const object = { display: ix.name, url: `/api/peering/internet-exchanges/${ix.id}/` };
  const connections = await r.em.find(Connection, scoped(r.caller, Connection, { internetExchangePoint: ix.id, router: { $ne: null } }) as any, { orderBy: { id: 'asc' } });
  r.log('info', `Found ${plural(connections.length, 'connection')}.`, object);

  const reported = await bmpNeighbours(r.speaker);
  const usable = connections.map((c) => ({ c, neighbours: reported.get((c.router as any).id) ?? null })).filter((u) => u.neighbours !== null);
  if (!usable.length) {
    r.log('warning', 'No usable connections: none of their routers reports its BGP neighbours over BMP to this PeerGate.', object);
    return;
  }

  const prefixes = Object.values(await peeringdbPrefixes(r.em, ix.peeringdbIxlan)).flat();
  const inLan = within(prefixes);
  const existing = new Set((await r.em.find(InternetExchangePeeringSession, { ixpConnection: { $in: usable.map((u) => u.c.id) } } as any, { fields: ['ipAddress', 'ixpConnection'] as any }))
    .map((s) => `${(s.ixpConnection as any).id} ${canonicalAddress(String(s.ipAddress).split('/')[0])}`));

  // Candidates: a neighbour on the IX's PeeringDB LAN with no session on that connection yet.
  const wanted = usable.flatMap(({ c, neighbours }) => neighbours!
    .filter((n) => inLan(n.address) && !existing.has(`${c.id} ${n.address}`))
    .map((n) => ({ connection: c.id, ...n })));
  const asns = [...new Set(wanted.map((w) => w.asn))];
  const networks = new Map((asns.length ? await r.em.find(PdbNetwork, { asn: { $in: asns } } as any) : []).map((n) => [Number(n.asn), n]));
  const known = new Map((asns.length ? await r.em.find(AutonomousSystem, scoped(r.caller, AutonomousSystem, { asn: { $in: asns } }) as any) : []).map((a) => [Number(a.asn), a.id]));
  // No PeeringDB record: skipped even when the AS exists, as Peering Manager does.
  const importable = wanted.filter((w) => networks.has(w.asn));
  for (const w of wanted) if (!networks.has(w.asn)) r.log('warning', `Skipped ${w.address}: AS${w.asn} has no PeeringDB record.`, object);

  await transaction(r.em, async (tem) => {
    const missing = [...new Set(importable.map((w) => w.asn))].filter((asn) => !known.has(asn));
    const created = await crud.create(tem, describe(AutonomousSystem), missing.map((asn) => {
      const n = networks.get(asn)!;
      return { asn, name: n.name, irrAsSet: n.irrAsSet || null, ipv4MaxPrefixes: n.infoPrefixes4 ?? 0, ipv6MaxPrefixes: n.infoPrefixes6 ?? 0 };
    }), r.caller, undefined, true);
    for (const a of created) known.set(Number((a as AutonomousSystem).asn), (a as AutonomousSystem).id);
    await crud.create(tem, describe(InternetExchangePeeringSession),
      importable.map((w) => ({ autonomousSystemId: known.get(w.asn), ixpConnectionId: w.connection, ipAddress: w.address })), r.caller, undefined, true);
  });
  const systems = new Set(importable.map((w) => w.asn)).size;
  r.log('info', `Imported ${plural(importable.length, 'session')} for ${plural(systems, 'autonomous system')}.`, object);
  r.log('success', 'Import completed.', object);
});

/** Queues an import for one IX, owned by the caller's user. */
export function enqueueImportSessions(em: EntityManager, internetExchangeId: number, caller: Caller): Promise<Job> {
  return enqueueJob(em, { name: IMPORT_SESSIONS_JOB, objectType: 'peering.internetexchange', objectId: internetExchangeId, caller, params: { internetExchangeId } });
}
