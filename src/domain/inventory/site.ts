import { Model, F, IdField } from '../model';
import { INVENTORY_ACCESS } from './access';

/** A namespace for inventory: every other inventory object belongs to one site. */
@Model<Site>({
  app: 'inventory',
  access: INVENTORY_ACCESS,
  display: (o) => o.name,
  brief: ['id', 'name'],
  ordering: ['id'],
  q: ['name', 'description'],
  naturalKeys: ['name'],
})
export class Site {
  @IdField() id!: number;
  @F.string({ maxLength: 255, required: true, unique: true }) name!: string;
  @F.text() description: string = '';
}
