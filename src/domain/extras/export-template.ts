import { Model, F } from '../model';
import { ChangeLogged } from '../base';
import { checkContentTypes } from './content-type';

/** A Jinja2 template that renders a list of objects of one model. */
@Model<ExportTemplate>({
  app: 'extras',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name'],
  ordering: ['contentType', 'name'],
  q: ['name', 'description'],
  uniqueTogether: [['contentType', 'name']],
  validate: (o) => ({
    ...checkContentTypes({ contentType: o.contentType }),
    ...(o.name?.toLowerCase() === 'table' ? { name: [`"${o.name}" is a reserved name. Please choose a different name.`] } : {}),
  }),
})
export class ExportTemplate extends ChangeLogged {
  @F.string({ maxLength: 100, required: true, help: '"app_label.model" of the exported objects' }) contentType!: string;
  @F.string({ maxLength: 100, required: true }) name!: string;
  @F.string({ maxLength: 200, default: '' }) description: string = '';
  @F.text({ required: true, default: undefined, filter: false, help: 'Jinja2 template code; the objects are passed as `dataset`' }) template!: string;
  @F.bool({ default: false, help: 'Removes new line after tag' }) jinja2Trim: boolean = false;
  @F.bool({ default: false, help: 'Strips whitespaces before block' }) jinja2Lstrip: boolean = false;
}
