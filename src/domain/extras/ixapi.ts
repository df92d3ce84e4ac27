import { Model, F } from '../model';
import { ChangeLogged } from '../base';

/** Credentials of an IX-API endpoint (an IXP's customer API). No tags. */
@Model<IXAPI>({
  app: 'extras',
  name: 'IXAPI',
  plural: 'IXAPIs',
  restPath: 'ix-api',
  modelName: 'ixapi',
  verboseName: 'IX-API',
  verboseNamePlural: 'IX-API',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name'],
  ordering: ['name'],
  q: ['name', 'apiUrl', 'apiKey'],
  naturalKeys: ['name'],
  uniqueTogether: [['apiUrl', 'apiKey']],
})
export class IXAPI extends ChangeLogged {
  @F.string({ maxLength: 100, required: true }) name!: string;
  @F.string({ maxLength: 2000, required: true, label: 'API URL' }) apiUrl!: string;
  @F.string({ maxLength: 2000, required: true, label: 'API key' }) apiKey!: string;
  @F.string({ maxLength: 2000, required: true, secret: true, label: 'API secret' }) apiSecret!: string;
  @F.string({ maxLength: 256, required: true, help: 'Identity used to interact with the IX-API' }) identity!: string;
}
