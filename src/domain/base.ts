// Field sets every model inherits, as Peering Manager's base models define them.
import { Collection } from '@mikro-orm/core';
import { Base, F, IdField, type ModelOptions } from './model';
import { Tag } from './extras/tag';

/** Every change-logged model: id and timestamps. */
@Base()
export abstract class ChangeLogged {
  @IdField() id!: number;
  @F.datetime({ nullable: true, readOnly: true, auto: 'create' }) created?: Date | null;
  @F.datetime({ nullable: true, readOnly: true, auto: 'update' }) updated?: Date | null;
}

/** Primary models: description, comments, tags. */
@Base()
export abstract class Primary extends ChangeLogged {
  @F.string({ maxLength: 200, default: '' }) description: string = '';
  @F.text({ filter: false }) comments: string = '';
  @F.m2m(() => Tag, { filter: false }) tags = new Collection<Tag>(this);
}

/** Organisational models: unique name and slug, description, tags. */
@Base()
export abstract class Organisational extends ChangeLogged {
  @F.string({ maxLength: 100, required: true, unique: true }) name!: string;
  @F.string({ maxLength: 100, required: true, unique: true }) slug!: string;
  @F.string({ maxLength: 200, default: '' }) description: string = '';
  @F.m2m(() => Tag, { filter: false }) tags = new Collection<Tag>(this);
}

/** What Organisational models share in their declaration: shown by name, found by name/slug/description. */
export const ORGANISATIONAL: Pick<ModelOptions<Organisational>, 'display' | 'brief' | 'ordering' | 'q'> = {
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name', 'slug'],
  ordering: ['name'],
  q: ['name', 'slug', 'description'],
};
