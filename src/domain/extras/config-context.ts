import { type Rel } from '@mikro-orm/core';
import { Model, F } from '../model';
import { ChangeLogged } from '../base';
import { checkContentTypes } from './content-type';

/** Arbitrary JSON data made available to the objects it is assigned to. */
@Model<ConfigContext>({
  app: 'extras',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name'],
  ordering: ['name'],
  q: ['name', 'description'],
})
export class ConfigContext extends ChangeLogged {
  @F.string({ maxLength: 100, required: true, unique: true }) name!: string;
  @F.string({ maxLength: 200, default: '' }) description: string = '';
  @F.bool({ default: true }) isActive: boolean = true;
  @F.json({ required: true, nullable: false, objectOnly: true, help: 'A JSON object' }) data!: Record<string, unknown>;
}

/** Assigns a config context, with a weight, to any object ("app.model" + id). */
@Model<ConfigContextAssignment>({
  app: 'extras',
  display: async (o, load) => (await load<ConfigContext>(o, 'configContext'))?.name ?? '',
  brief: ['id', 'url', 'display', 'configContext', 'weight'],
  ordering: ['weight', 'configContext'],
  orderingPaths: { configContext: 'configContext.name' },
  uniqueTogether: [['contentType', 'objectId', 'configContext']],
  validate: (o) => checkContentTypes({ contentType: o.contentType }),
})
export class ConfigContextAssignment extends ChangeLogged {
  @F.string({ maxLength: 100, required: true, help: '"app_label.model" of the assigned object' }) contentType!: string;
  @F.bigint({ min: 0, required: true }) objectId!: number;
  // Deleting a config context that is still assigned is refused (Django's PROTECT).
  @F.fk(() => ConfigContext, { required: true, via: ['name'], restVia: 'name', deleteRule: 'restrict' }) configContext!: Rel<ConfigContext>;
  @F.int({ min: 0, max: 32767, default: 1000 }) weight: number = 1000;
}
