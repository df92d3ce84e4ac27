import { Formula, type Rel } from '@mikro-orm/core';
import { Model, F, IdField } from '../model';
import { Primary } from '../base';
import { DataSourceStatus, DataSourceType } from '../choices';

/** A remote source of files (a local directory or a git repository) that synchronises DataFiles. */
@Model<DataSource>({
  app: 'core',
  display: (o) => o.name,
  brief: ['id', 'url', 'display', 'name'],
  ordering: ['name'],
  q: ['name', 'description', 'comments'],
  computed: { fileCount: { type: 'int', nullable: false, resolve: (o) => Number(o.fileCountValue ?? 0) } },
  validate: (o) => {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(o.sourceUrl ?? '')?.[1]?.toLowerCase() ?? '';
    if (o.type === 'local' && scheme !== '' && scheme !== 'file') {
      return { sourceUrl: ['URLs for local sources must start with file:// (or should not have one)'] };
    }
    return {};
  },
})
export class DataSource extends Primary {
  @F.string({ maxLength: 100, required: true, unique: true }) name!: string;
  @F.choice(DataSourceType, { default: 'local' }) type: string = 'local';
  @F.string({ maxLength: 200, required: true, filter: false, label: 'URL' }) sourceUrl!: string;
  @F.choice(DataSourceStatus, { default: 'new', readOnly: true }) status: string = 'new';
  @F.bool({ default: true }) enabled: boolean = true;
  @F.text({ filter: false, help: 'Patterns (one per line) matching files to ignore when synchronising' }) ignoreRules: string = '';
  @F.json({ objectOnly: true, help: 'Backend parameters (a JSON object)' }) parameters?: Record<string, unknown> | null;
  @F.datetime({ nullable: true, readOnly: true, filter: false }) lastSynchronised?: Date | null;
  /** Number of synchronised files, counted by the database in the same query. */
  @Formula((t) => `(select count(*)::int from core_datafile df where df.source_id = ${t.alias}.id)`, { type: 'integer', lazy: false }) fileCountValue?: number;
}

/** A file fetched from a DataSource; only the synchronisation writes them. */
@Model<DataFile>({
  app: 'core',
  display: (o) => o.path,
  brief: ['id', 'url', 'display', 'path'],
  ordering: ['source', 'path'],
  orderingPaths: { source: 'source.name' },
  q: ['path'],
  uniqueTogether: [['source', 'path']],
  changeLogged: false,
  readOnly: true,
})
export class DataFile {
  @IdField() id!: number;
  @F.datetime({ nullable: true, readOnly: true, auto: 'create', filter: false }) created?: Date | null;
  @F.fk(() => DataSource, { required: true, deleteRule: 'cascade', via: ['name'], restVia: 'name' }) source!: Rel<DataSource>;
  @F.string({ maxLength: 1000, required: true, help: "File path relative to the data source's root" }) path!: string;
  @F.datetime({ required: true }) updated!: Date;
  @F.int({ min: 0, required: true }) size!: number;
  @F.string({ maxLength: 64, required: true, pattern: [/^[0-9a-f]{64}$/, 'It must be composed of 64 hexadecimal characters.'], help: 'SHA256 hash of the file data' }) hash!: string;
}
