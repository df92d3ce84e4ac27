import { Model, F, IdField } from '../model';

/** Tags stand alone (no base class) so every other model can point at them. */
@Model<Tag>({
  app: 'extras',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name', 'slug', 'color'],
  ordering: ['name'],
  q: ['name', 'slug', 'description'],
  naturalKeys: ['name', 'slug'],
})
export class Tag {
  @IdField() id!: number;
  @F.datetime({ nullable: true, readOnly: true, auto: 'create', filter: false }) created?: Date | null;
  @F.datetime({ nullable: true, readOnly: true, auto: 'update', filter: false }) updated?: Date | null;
  @F.string({ maxLength: 100, required: true, unique: true }) name!: string;
  @F.string({ maxLength: 100, required: true, unique: true }) slug!: string;
  @F.string({ maxLength: 6, default: '9e9e9e', pattern: [/^[0-9a-f]{6}$/, 'Enter a valid hexadecimal RGB color code.'] }) color: string = '9e9e9e';
  @F.string({ maxLength: 200, default: '' }) description: string = '';
}
