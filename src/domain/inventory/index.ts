// The inventory app (NSoT's data model): sites, attributes, devices, networks,
// interfaces, circuits, attribute values and address assignments.
export { Site } from './site';
export { Attribute } from './attribute';
export { Device, Network, Interface, Circuit } from './resources';
export { Value, Assignment } from './value';
export { UserSecret } from './secret';
export { InventorySubscriber } from './subscriber';
