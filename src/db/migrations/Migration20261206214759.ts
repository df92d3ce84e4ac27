// Job parameters leave `data` (which every reader of a job sees) for a column of their own.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261206214759 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "core_job" add column "params" jsonb null;`);
    this.addSql(`update "core_job" set "params" = "data"->'params', "data" = "data" - 'params' where jsonb_typeof("data") = 'object' and "data"->'params' is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`update "core_job" set "data" = jsonb_set("data", '{params}', "params") where "params" is not null and jsonb_typeof("data") = 'object';`);
    this.addSql(`alter table "core_job" drop column "params";`);
  }

}
