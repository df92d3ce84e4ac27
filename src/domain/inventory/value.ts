import { Index, type Rel } from '@mikro-orm/core';
import { Model, F, IdField } from '../model';
import { INVENTORY_ACCESS } from './access';
import { Attribute } from './attribute';
import { Interface, Network } from './resources';

/**
 * One attribute value of one resource (one row per element of a multi-valued
 * attribute). Written only by the inventory flush subscriber from the resource's
 * `attributes`; set queries run on this table.
 */
@Index({ properties: ['resourceName', 'name', 'value'] })
@Index({ properties: ['resourceName', 'resourceId'] })
@Model<Value>({
  app: 'inventory',
  access: INVENTORY_ACCESS,
  display: (o) => `${o.name}=${o.value}`,
  brief: ['id', 'name', 'value'],
  ordering: ['id'],
  q: ['name', 'value'],
  changeLogged: false,
  readOnly: true,
})
export class Value {
  @IdField() id!: number;
  @F.fk(() => Attribute, { required: true, deleteRule: 'restrict' }) attribute!: Rel<Attribute>;
  @F.string({ maxLength: 64, required: true }) name!: string;
  @F.text({ required: true }) value!: string;
  @F.string({ maxLength: 20, required: true }) resourceName!: string;
  @F.int({ required: true }) resourceId!: number;
}

/** An address (a host network) assigned to an interface; rebuilt from the interface's `addresses`. */
@Model<Assignment>({
  app: 'inventory',
  access: INVENTORY_ACCESS,
  display: (o) => `assignment #${o.id}`,
  brief: ['id'],
  ordering: ['id'],
  changeLogged: false,
  readOnly: true,
  uniqueTogether: [['interface', 'address']],
})
export class Assignment {
  @IdField() id!: number;
  @F.fk(() => Interface, { required: true, deleteRule: 'cascade' }) interface!: Rel<Interface>;
  @F.fk(() => Network, { required: true, deleteRule: 'cascade' }) address!: Rel<Network>;
}
