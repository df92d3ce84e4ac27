// schema/schema.graphql is the checked-in contract: it must match what the code builds.
// Regenerate with `npm run schema`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaSdl } from '../../src/graphql/schema';
import { openOrm } from '../../src/db/orm';

describe('drift', () => {
  test('schema/schema.graphql is up to date', async () => {
    const checkedIn = readFileSync(join(__dirname, '../../schema/schema.graphql'), 'utf8');
    expect(checkedIn === (await schemaSdl())).toBe(true);
  });

  test('migrations create exactly the schema the entities declare', async () => {
    const orm = await openOrm('pglite://memory');
    try {
      await orm.getMigrator().up();
      const diff = await orm.schema.getUpdateSchemaSQL({ safe: false, wrap: false });
      expect(diff.trim()).toBe('');
      // References declared `checkedPerStatement` have no constraint (the diff agrees): their
      // migration gave the two triggers that keep them instead.
      const triggers = new Set((await orm.em.getConnection().execute('select tgname from pg_trigger where not tgisinternal') as any[]).map((t) => t.tgname));
      const kept = Object.values(orm.getMetadata().getAll()).flatMap((meta) => meta.relations
        .filter((p) => p.kind === 'm:1' && p.createForeignKeyConstraint === false)
        .flatMap((p) => [`${meta.tableName}_${p.fieldNames[0]}_check`, `${meta.tableName}_${p.fieldNames[0]}_set_null`]));
      expect(kept).toContain('core_object_change_user_id_check');
      for (const name of kept) expect(triggers).toContain(name);
      // The diff compares a JSON column by its mapped type (jsonb either way): json and jsonb are checked here.
      const jsonTypes = new Map((await orm.em.getConnection().execute(`select table_name || '.' || column_name as c, data_type from information_schema.columns
        where table_schema = current_schema() and data_type in ('json', 'jsonb')`) as any[]).map((r) => [r.c, r.data_type]));
      const declared = Object.values(orm.getMetadata().getAll()).flatMap((meta) => meta.props
        .filter((p) => ['json', 'jsonb'].includes(p.columnTypes?.[0]) && p.fieldNames?.length === 1)
        .map((p) => [`${meta.tableName}.${p.fieldNames[0]}`, p.columnTypes[0]]));
      expect(declared).toContainEqual(['core_object_change.prechange_data', 'json']);
      expect(declared).toEqual(declared.map(([c]) => [c, jsonTypes.get(c)]));
    } finally {
      await orm.close(true);
    }
  });
});
