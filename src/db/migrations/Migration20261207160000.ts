// The change log's snapshots as json, not jsonb (src/domain/extras/object-change.ts says why).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207160000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "core_object_change" alter column "prechange_data" type json using ("prechange_data"::json), alter column "postchange_data" type json using ("postchange_data"::json);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "core_object_change" alter column "prechange_data" type jsonb using ("prechange_data"::jsonb), alter column "postchange_data" type jsonb using ("postchange_data"::jsonb);`);
  }

}
