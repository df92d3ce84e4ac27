// Writes a migration for whatever the entities declare beyond the existing migrations:
// applies them to an in-memory database, diffs, and saves the difference under src/db/migrations.
import 'reflect-metadata';
import { openOrm } from '../src/db/orm';

async function main(): Promise<void> {
  const orm = await openOrm('pglite://memory');
  try {
    const migrator = orm.getMigrator();
    await migrator.up();
    const result = await migrator.createMigration(undefined, false, (await migrator.getExecutedMigrations()).length === 0);
    console.log(result.diff.up.length ? `Wrote ${result.fileName} (${result.diff.up.length} statements)` : 'No changes: entities match the migrations.');
  } finally {
    await orm.close(true);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
