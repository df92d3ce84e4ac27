import { Migration } from '@mikro-orm/migrations';

export class Migration20261206160733 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "users_userpreferences" ("id" serial primary key, "user_id" int not null, "data" jsonb not null);`);
    this.addSql(`alter table "users_userpreferences" add constraint "users_userpreferences_user_id_unique" unique ("user_id");`);

    this.addSql(`alter table "users_userpreferences" add constraint "users_userpreferences_user_id_foreign" foreign key ("user_id") references "users_user" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "users_userpreferences" cascade;`);
  }

}
