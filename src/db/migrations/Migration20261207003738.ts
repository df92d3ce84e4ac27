// The down reason that bgp-core and the BMP station write back with the rest of a session's live state.
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207003738 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "peering_internetexchangepeeringsession" add column "last_down_reason" jsonb null;`);

    this.addSql(`alter table "peering_directpeeringsession" add column "last_down_reason" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "peering_directpeeringsession" drop column "last_down_reason";`);

    this.addSql(`alter table "peering_internetexchangepeeringsession" drop column "last_down_reason";`);
  }

}
