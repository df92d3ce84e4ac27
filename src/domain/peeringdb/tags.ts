// PeeringDB's object types by reftag: the model, the `*_set` relations a depth
// expansion follows, the soft-delete cascade, and the order a sync walks them in.
// The REST dialect, the sync and the Peering Manager features all read this table.
import { describe, type ModelDescriptor } from '../model';
import { PdbOrganization } from './org';
import { PdbCampus } from './campus';
import { PdbFacility } from './fac';
import { PdbNetwork } from './net';
import { PdbInternetExchange } from './ix';
import { PdbIXLan } from './ixlan';
import { PdbIXLanPrefix } from './ixpfx';
import { PdbNetworkIXLan } from './netixlan';
import { PdbCarrier } from './carrier';
import { PdbCarrierFacility, PdbInternetExchangeFacility, PdbNetworkContact, PdbNetworkFacility } from './links';

export type PdbTag =
  | 'org' | 'campus' | 'fac' | 'net' | 'ix' | 'carrier' | 'carrierfac' | 'ixfac' | 'ixlan' | 'ixpfx' | 'netfac' | 'netixlan' | 'poc';

/** peeringdb-py's sync order: parents before children. */
export const SYNC_ORDER: PdbTag[] = ['org', 'campus', 'fac', 'net', 'ix', 'carrier', 'carrierfac', 'ixfac', 'ixlan', 'ixpfx', 'netfac', 'netixlan', 'poc'];

/**
 * A `<name>_set` of a parent: the child rows whose `fk` points at it, or, with `via`,
 * the rows of another tag that those children point at (ix.fac_set through ixfac).
 */
export interface PdbSet { name: string; child: PdbTag; fk: string; via?: { fk: string; tag: PdbTag } }

export interface PdbType {
  tag: PdbTag;
  cls: Function;
  sets: PdbSet[];
  /** Children soft-deleted with this object: [tag, fk property]. */
  cascade: [PdbTag, string][];
  /** Write methods PeeringDB allows (ixlan: GET/PUT only). */
  methods: ('POST' | 'PUT' | 'DELETE')[];
  /** Unique among live rows (validated on write; not a database constraint, so a mirror can import any order). */
  unique: string[];
}

const ALL: PdbType['methods'] = ['POST', 'PUT', 'DELETE'];

export const PDB_TYPES: Record<PdbTag, PdbType> = {
  org: {
    tag: 'org', cls: PdbOrganization, methods: ALL, unique: ['name'],
    sets: [
      { name: 'net_set', child: 'net', fk: 'org' }, { name: 'fac_set', child: 'fac', fk: 'org' }, { name: 'ix_set', child: 'ix', fk: 'org' },
      { name: 'carrier_set', child: 'carrier', fk: 'org' }, { name: 'campus_set', child: 'campus', fk: 'org' },
    ],
    cascade: [['net', 'org'], ['fac', 'org'], ['ix', 'org'], ['carrier', 'org'], ['campus', 'org']],
  },
  campus: { tag: 'campus', cls: PdbCampus, methods: ALL, unique: ['name'], sets: [{ name: 'fac_set', child: 'fac', fk: 'campus' }], cascade: [] },
  fac: { tag: 'fac', cls: PdbFacility, methods: ALL, unique: ['name'], sets: [], cascade: [['ixfac', 'fac'], ['netfac', 'fac'], ['carrierfac', 'fac']] },
  net: {
    tag: 'net', cls: PdbNetwork, methods: ALL, unique: ['name', 'asn'],
    sets: [{ name: 'netfac_set', child: 'netfac', fk: 'net' }, { name: 'netixlan_set', child: 'netixlan', fk: 'net' }, { name: 'poc_set', child: 'poc', fk: 'net' }],
    cascade: [['poc', 'net'], ['netfac', 'net'], ['netixlan', 'net']],
  },
  ix: {
    tag: 'ix', cls: PdbInternetExchange, methods: ALL, unique: ['name'],
    sets: [{ name: 'fac_set', child: 'ixfac', fk: 'ix', via: { fk: 'fac', tag: 'fac' } }, { name: 'ixlan_set', child: 'ixlan', fk: 'ix' }],
    cascade: [['ixfac', 'ix'], ['ixlan', 'ix']],
  },
  ixlan: {
    tag: 'ixlan', cls: PdbIXLan, methods: ['PUT'], unique: [],
    sets: [{ name: 'net_set', child: 'netixlan', fk: 'ixlan', via: { fk: 'net', tag: 'net' } }, { name: 'ixpfx_set', child: 'ixpfx', fk: 'ixlan' }],
    cascade: [['ixpfx', 'ixlan'], ['netixlan', 'ixlan']],
  },
  ixpfx: { tag: 'ixpfx', cls: PdbIXLanPrefix, methods: ALL, unique: ['prefix'], sets: [], cascade: [] },
  netixlan: { tag: 'netixlan', cls: PdbNetworkIXLan, methods: ALL, unique: ['ipaddr4', 'ipaddr6'], sets: [], cascade: [] },
  netfac: { tag: 'netfac', cls: PdbNetworkFacility, methods: ALL, unique: [], sets: [], cascade: [] },
  ixfac: { tag: 'ixfac', cls: PdbInternetExchangeFacility, methods: ALL, unique: [], sets: [], cascade: [] },
  poc: { tag: 'poc', cls: PdbNetworkContact, methods: ALL, unique: [], sets: [], cascade: [] },
  carrier: { tag: 'carrier', cls: PdbCarrier, methods: ALL, unique: ['name'], sets: [{ name: 'carrierfac_set', child: 'carrierfac', fk: 'carrier' }], cascade: [] },
  carrierfac: { tag: 'carrierfac', cls: PdbCarrierFacility, methods: ALL, unique: [], sets: [], cascade: [] },
};

export function pdbType(tag: string): PdbType | undefined {
  return Object.prototype.hasOwnProperty.call(PDB_TYPES, tag) ? PDB_TYPES[tag as PdbTag] : undefined;
}

export function pdbDescriptor(tag: PdbTag): ModelDescriptor {
  return describe(PDB_TYPES[tag].cls);
}

/** The tag of a model class, for FK targets. */
export function tagOf(cls: Function): PdbTag | undefined {
  return SYNC_ORDER.find((t) => PDB_TYPES[t].cls === cls);
}
