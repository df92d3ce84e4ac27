// Choice sets of the inventory (NSoT) models.
import type { ChoiceSet } from '../choices';

const set = (name: string, pairs: [string | number, string][]): ChoiceSet => ({ name, values: pairs.map(([value, label]) => ({ value, label })) });

/** Resource types that carry attributes (NSoT's RESOURCE_CHOICES). */
export const ResourceName = set('InventoryResourceName', [
  ['Network', 'Network'], ['Device', 'Device'], ['Interface', 'Interface'], ['Circuit', 'Circuit'], ['Protocol', 'Protocol'],
]);

/** Network states; assigned and reserved are "busy" for allocation. */
export const NetworkState = set('InventoryNetworkState', [
  ['allocated', 'Allocated'], ['assigned', 'Assigned'], ['reserved', 'Reserved'], ['orphaned', 'Orphaned'],
]);
export const BUSY_STATES = ['assigned', 'reserved'];

/** IANA ifType values NSoT accepts for an interface's `type`. */
export const INTERFACE_TYPES = [6, 1, 135, 136, 150, 53, 131, 24, 161, 62, 117, 71, 188, 37, 32, 22, 23, 49, 94];
