// The part of the PeeringDB mirror a render may need (filters run synchronously and cannot
// query): the networks of the autonomous systems it loaded (and any network it is given), their
// IX LAN ports and facilities, and the prefixes of its IXPs' LANs. Bounded like the rest.
import type { EntityManager } from '@mikro-orm/postgresql';
import { isPrivateAsn } from '../peeringdb-actions';
import { cutDangling, loadRows, type Graph } from './graph';

export const PDB_NET = 'peeringdb.pdbnetwork';
export const PDB_NETIXLAN = 'peeringdb.pdbnetworkixlan';
export const PDB_NETFAC = 'peeringdb.pdbnetworkfacility';
export const PDB_FAC = 'peeringdb.pdbfacility';
export const PDB_IXLAN = 'peeringdb.pdbixlan';
export const PDB_IXPFX = 'peeringdb.pdbixlanprefix';

const LIVE = { status: 'ok' };

/** Loads the PeeringDB records the loaded ASes and IXPs point at, plus the networks `networkIds`; `max` objects at most. */
export async function loadPeeringdbSlice(em: EntityManager, g: Graph, networkIds: number[], max: number): Promise<void> {
  const asns = [...new Set(g.all('peering.autonomoussystem').map((a) => Number(a.row.asn)).filter((n) => !isPrivateAsn(n)))];
  const ixlans = [...new Set(g.all('peering.internetexchange').map((x) => x.row.peeringdb_ixlan).filter((n): n is number => typeof n === 'number'))];
  await loadRows(em, g, [{ ct: PDB_NET, where: { ...LIVE, $or: [{ asn: { $in: asns } }, { id: { $in: networkIds } }] } }], max - g.size(), false);
  const nets = g.all(PDB_NET).map((n) => n.id);
  await loadRows(em, g, [
    { ct: PDB_NETIXLAN, where: { ...LIVE, net: { $in: nets } } },
    { ct: PDB_NETFAC, where: { ...LIVE, net: { $in: nets } } },
    { ct: PDB_IXPFX, where: { ...LIVE, ixlan: { $in: ixlans } } },
  ], max - g.size(), false);
  const facs = [...new Set(g.all(PDB_NETFAC).map((x) => x.fk.fac).filter((n): n is number => n !== null))];
  const lans = [...new Set([...g.all(PDB_NETIXLAN).map((x) => x.fk.ixlan), ...g.all(PDB_IXPFX).map((x) => x.fk.ixlan)].filter((n): n is number => n !== null))];
  await loadRows(em, g, [
    { ct: PDB_FAC, where: { ...LIVE, id: { $in: facs } } },
    { ct: PDB_IXLAN, where: { id: { $in: lans } } },
  ], max - g.size(), false);
  // The links were loaded before what they point at: cut only now that it is there.
  cutDangling(g, [PDB_NET, PDB_NETIXLAN, PDB_NETFAC, PDB_IXPFX, PDB_FAC, PDB_IXLAN]);
}
