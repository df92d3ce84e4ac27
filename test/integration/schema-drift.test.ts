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
    } finally {
      await orm.close(true);
    }
  });
});
