// The change log's user reference kept by triggers instead of a foreign key (src/domain/model.ts,
// `checkedPerStatement`): the constraint's check locked the user once per record, 10,000 times in
// a bulk write. The same guarantees, set-wise: an insert statement checks and locks (FOR KEY SHARE,
// as the constraint's check did) the users its records name, and deleting a user sets its records'
// user to null (the constraint's ON DELETE SET NULL). User ids never change (no ON UPDATE needed).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207155000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "core_object_change" drop constraint "core_object_change_user_id_foreign";`);

    this.addSql(`create function "core_object_change_user_id_check"() returns trigger language plpgsql as $$
declare
  named int;
  found_ int;
begin
  select count(distinct "user_id") into named from new_rows;
  if named = 0 then return null; end if;
  select count(*) into found_ from (select 1 from "users_user" where "id" in (select "user_id" from new_rows) for key share) u;
  if found_ < named then
    raise exception 'insert or update on table "core_object_change" violates foreign key constraint "core_object_change_user_id_foreign"'
      using errcode = 'foreign_key_violation', detail = 'Key (user_id) is not present in table "users_user".';
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger "core_object_change_user_id_check" after insert on "core_object_change" referencing new table as new_rows for each statement execute function "core_object_change_user_id_check"();`);

    this.addSql(`create function "core_object_change_user_id_set_null"() returns trigger language plpgsql as $$
begin
  update "core_object_change" set "user_id" = null where "user_id" = old."id";
  return null;
end $$;`);
    this.addSql(`create trigger "core_object_change_user_id_set_null" after delete on "users_user" for each row execute function "core_object_change_user_id_set_null"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "core_object_change_user_id_set_null" on "users_user";`);
    this.addSql(`drop function "core_object_change_user_id_set_null"();`);
    this.addSql(`drop trigger "core_object_change_user_id_check" on "core_object_change";`);
    this.addSql(`drop function "core_object_change_user_id_check"();`);
    this.addSql(`alter table "core_object_change" add constraint "core_object_change_user_id_foreign" foreign key ("user_id") references "users_user" ("id") on update cascade on delete set null;`);
  }

}
