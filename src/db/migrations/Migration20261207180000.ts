// Many-to-many tables' second column indexed (src/db/pivot-indexes.ts says why).
import { Migration } from '@mikro-orm/migrations';

export class Migration20261207180000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "bgp_community_tags_tag_id_index" on "bgp_community_tags" ("tag_id");`);
    this.addSql(`create index "bgp_relationship_tags_tag_id_index" on "bgp_relationship_tags" ("tag_id");`);
    this.addSql(`create index "core_datasource_tags_tag_id_index" on "core_datasource_tags" ("tag_id");`);
    this.addSql(`create index "devices_configuration_tags_tag_id_index" on "devices_configuration_tags" ("tag_id");`);
    this.addSql(`create index "devices_platform_tags_tag_id_index" on "devices_platform_tags" ("tag_id");`);
    this.addSql(`create index "devices_router_communities_community_id_index" on "devices_router_communities" ("community_id");`);
    this.addSql(`create index "devices_router_tags_tag_id_index" on "devices_router_tags" ("tag_id");`);
    this.addSql(`create index "extras_journalentry_tags_tag_id_index" on "extras_journalentry_tags" ("tag_id");`);
    this.addSql(`create index "messaging_contact_tags_tag_id_index" on "messaging_contact_tags" ("tag_id");`);
    this.addSql(`create index "messaging_contactrole_tags_tag_id_index" on "messaging_contactrole_tags" ("tag_id");`);
    this.addSql(`create index "messaging_email_tags_tag_id_index" on "messaging_email_tags" ("tag_id");`);
    this.addSql(`create index "net_bfd_tags_tag_id_index" on "net_bfd_tags" ("tag_id");`);
    this.addSql(`create index "net_connection_tags_tag_id_index" on "net_connection_tags" ("tag_id");`);
    this.addSql(`create index "peering_autonomoussystem_communities_community_id_index" on "peering_autonomoussystem_communities" ("community_id");`);
    this.addSql(`create index "peering_autonomoussystem_export_routing_policies_routi_73e88c6b" on "peering_autonomoussystem_export_routing_policies" ("routing_policy_id");`);
    this.addSql(`create index "peering_autonomoussystem_import_routing_policies_routi_76ce087d" on "peering_autonomoussystem_import_routing_policies" ("routing_policy_id");`);
    this.addSql(`create index "peering_autonomoussystem_tags_tag_id_index" on "peering_autonomoussystem_tags" ("tag_id");`);
    this.addSql(`create index "peering_bgpgroup_communities_community_id_index" on "peering_bgpgroup_communities" ("community_id");`);
    this.addSql(`create index "peering_bgpgroup_export_routing_policies_routing_polic_be144d57" on "peering_bgpgroup_export_routing_policies" ("routing_policy_id");`);
    this.addSql(`create index "peering_bgpgroup_import_routing_policies_routing_polic_d485adfd" on "peering_bgpgroup_import_routing_policies" ("routing_policy_id");`);
    this.addSql(`create index "peering_bgpgroup_tags_tag_id_index" on "peering_bgpgroup_tags" ("tag_id");`);
    this.addSql(`create index "peering_directpeeringsession_communities_community_id_index" on "peering_directpeeringsession_communities" ("community_id");`);
    this.addSql(`create index "peering_directpeeringsession_export_routing_policies_r_e47cf422" on "peering_directpeeringsession_export_routing_policies" ("routing_policy_id");`);
    this.addSql(`create index "peering_directpeeringsession_import_routing_policies_r_e41068b6" on "peering_directpeeringsession_import_routing_policies" ("routing_policy_id");`);
    this.addSql(`create index "peering_directpeeringsession_tags_tag_id_index" on "peering_directpeeringsession_tags" ("tag_id");`);
    this.addSql(`create index "peering_internetexchange_communities_community_id_index" on "peering_internetexchange_communities" ("community_id");`);
    this.addSql(`create index "peering_internetexchange_export_routing_policies_routi_28151459" on "peering_internetexchange_export_routing_policies" ("routing_policy_id");`);
    this.addSql(`create index "peering_internetexchange_import_routing_policies_routi_d569d356" on "peering_internetexchange_import_routing_policies" ("routing_policy_id");`);
    this.addSql(`create index "peering_internetexchange_tags_tag_id_index" on "peering_internetexchange_tags" ("tag_id");`);
    this.addSql(`create index "peering_internetexchangepeeringsession_communities_com_876ae652" on "peering_internetexchangepeeringsession_communities" ("community_id");`);
    this.addSql(`create index "peering_internetexchangepeeringsession_export_routing__0cf583fe" on "peering_internetexchangepeeringsession_export_routing_policies" ("routing_policy_id");`);
    this.addSql(`create index "peering_internetexchangepeeringsession_import_routing__da826a20" on "peering_internetexchangepeeringsession_import_routing_policies" ("routing_policy_id");`);
    this.addSql(`create index "peering_internetexchangepeeringsession_tags_tag_id_index" on "peering_internetexchangepeeringsession_tags" ("tag_id");`);
    this.addSql(`create index "peering_routingpolicy_communities_community_id_index" on "peering_routingpolicy_communities" ("community_id");`);
    this.addSql(`create index "peering_routingpolicy_tags_tag_id_index" on "peering_routingpolicy_tags" ("tag_id");`);
    this.addSql(`create index "users_user_groups_group_id_index" on "users_user_groups" ("group_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "bgp_community_tags_tag_id_index";`);
    this.addSql(`drop index if exists "bgp_relationship_tags_tag_id_index";`);
    this.addSql(`drop index if exists "core_datasource_tags_tag_id_index";`);
    this.addSql(`drop index if exists "devices_configuration_tags_tag_id_index";`);
    this.addSql(`drop index if exists "devices_platform_tags_tag_id_index";`);
    this.addSql(`drop index if exists "devices_router_communities_community_id_index";`);
    this.addSql(`drop index if exists "devices_router_tags_tag_id_index";`);
    this.addSql(`drop index if exists "extras_journalentry_tags_tag_id_index";`);
    this.addSql(`drop index if exists "messaging_contact_tags_tag_id_index";`);
    this.addSql(`drop index if exists "messaging_contactrole_tags_tag_id_index";`);
    this.addSql(`drop index if exists "messaging_email_tags_tag_id_index";`);
    this.addSql(`drop index if exists "net_bfd_tags_tag_id_index";`);
    this.addSql(`drop index if exists "net_connection_tags_tag_id_index";`);
    this.addSql(`drop index if exists "peering_autonomoussystem_communities_community_id_index";`);
    this.addSql(`drop index if exists "peering_autonomoussystem_export_routing_policies_routi_73e88c6b";`);
    this.addSql(`drop index if exists "peering_autonomoussystem_import_routing_policies_routi_76ce087d";`);
    this.addSql(`drop index if exists "peering_autonomoussystem_tags_tag_id_index";`);
    this.addSql(`drop index if exists "peering_bgpgroup_communities_community_id_index";`);
    this.addSql(`drop index if exists "peering_bgpgroup_export_routing_policies_routing_polic_be144d57";`);
    this.addSql(`drop index if exists "peering_bgpgroup_import_routing_policies_routing_polic_d485adfd";`);
    this.addSql(`drop index if exists "peering_bgpgroup_tags_tag_id_index";`);
    this.addSql(`drop index if exists "peering_directpeeringsession_communities_community_id_index";`);
    this.addSql(`drop index if exists "peering_directpeeringsession_export_routing_policies_r_e47cf422";`);
    this.addSql(`drop index if exists "peering_directpeeringsession_import_routing_policies_r_e41068b6";`);
    this.addSql(`drop index if exists "peering_directpeeringsession_tags_tag_id_index";`);
    this.addSql(`drop index if exists "peering_internetexchange_communities_community_id_index";`);
    this.addSql(`drop index if exists "peering_internetexchange_export_routing_policies_routi_28151459";`);
    this.addSql(`drop index if exists "peering_internetexchange_import_routing_policies_routi_d569d356";`);
    this.addSql(`drop index if exists "peering_internetexchange_tags_tag_id_index";`);
    this.addSql(`drop index if exists "peering_internetexchangepeeringsession_communities_com_876ae652";`);
    this.addSql(`drop index if exists "peering_internetexchangepeeringsession_export_routing__0cf583fe";`);
    this.addSql(`drop index if exists "peering_internetexchangepeeringsession_import_routing__da826a20";`);
    this.addSql(`drop index if exists "peering_internetexchangepeeringsession_tags_tag_id_index";`);
    this.addSql(`drop index if exists "peering_routingpolicy_communities_community_id_index";`);
    this.addSql(`drop index if exists "peering_routingpolicy_tags_tag_id_index";`);
    this.addSql(`drop index if exists "users_user_groups_group_id_index";`);
  }

}
