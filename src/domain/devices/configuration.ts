import { Model, F } from '../model';
import { Primary } from '../base';

/** A Jinja2 router configuration template (rendered elsewhere; stored here). */
@Model<Configuration>({
  app: 'devices',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name'],
  ordering: ['name'],
  q: ['name', 'template'],
})
export class Configuration extends Primary {
  @F.string({ maxLength: 100, required: true, filter: false }) name!: string;
  @F.text({ required: true, filter: false }) template!: string;
  @F.bool({ default: false }) jinja2Trim: boolean = false;
  @F.bool({ default: false }) jinja2Lstrip: boolean = false;
}
