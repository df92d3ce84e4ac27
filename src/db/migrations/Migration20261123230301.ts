import { Migration } from '@mikro-orm/migrations';

export class Migration20261123230301 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "peering_autonomoussystem" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "description" varchar(200) not null default '', "comments" text not null default '', "asn" bigint not null, "name" varchar(200) not null, "irr_as_set" varchar(255) null, "name_peeringdb_sync" boolean not null default true, "irr_as_set_peeringdb_sync" boolean not null default true, "ipv6_max_prefixes" int null default 0, "ipv6_max_prefixes_peeringdb_sync" boolean not null default true, "ipv4_max_prefixes" int null default 0, "ipv4_max_prefixes_peeringdb_sync" boolean not null default true, "prefixes" jsonb null, "as_list" jsonb null default '[]', "retrieve_prefixes" boolean not null default true, "retrieve_as_list" boolean not null default true, "irr_sources_override" varchar(255) not null default '', "irr_ipv6_prefixes_args_override" varchar(255) not null default '', "irr_ipv4_prefixes_args_override" varchar(255) not null default '', "affiliated" boolean not null default false, "local_context_data" jsonb null);`);
    this.addSql(`alter table "peering_autonomoussystem" add constraint "peering_autonomoussystem_asn_unique" unique ("asn");`);

    this.addSql(`create table "net_bfd" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "name" varchar(100) not null, "slug" varchar(100) not null, "description" varchar(200) not null default '', "minimum_transmit_interval" int not null default 300, "minimum_receive_interval" int not null default 300, "detection_multiplier" int not null default 3, "hold_time" int not null default 0);`);
    this.addSql(`alter table "net_bfd" add constraint "net_bfd_name_unique" unique ("name");`);
    this.addSql(`alter table "net_bfd" add constraint "net_bfd_slug_unique" unique ("slug");`);

    this.addSql(`create table "peering_bgpgroup" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "name" varchar(100) not null, "slug" varchar(100) not null, "description" varchar(200) not null default '', "status" varchar(50) not null default 'enabled', "local_context_data" jsonb null);`);
    this.addSql(`alter table "peering_bgpgroup" add constraint "peering_bgpgroup_name_unique" unique ("name");`);
    this.addSql(`alter table "peering_bgpgroup" add constraint "peering_bgpgroup_slug_unique" unique ("slug");`);

    this.addSql(`create table "bgp_community" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "name" varchar(100) not null, "slug" varchar(100) not null, "description" varchar(200) not null default '', "value" varchar(50) not null, "type" varchar(50) null, "kind" varchar(50) null);`);
    this.addSql(`alter table "bgp_community" add constraint "bgp_community_name_unique" unique ("name");`);
    this.addSql(`alter table "bgp_community" add constraint "bgp_community_slug_unique" unique ("slug");`);

    this.addSql(`create table "extras_configcontext" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "name" varchar(100) not null, "description" varchar(200) not null default '', "is_active" boolean not null default true, "data" jsonb not null);`);
    this.addSql(`alter table "extras_configcontext" add constraint "extras_configcontext_name_unique" unique ("name");`);

    this.addSql(`create table "extras_configcontextassignment" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "content_type" varchar(100) not null, "object_id" bigint not null, "config_context_id" int not null, "weight" int not null default 1000);`);
    this.addSql(`alter table "extras_configcontextassignment" add constraint "extras_configcontextassignment_content_type_object_id__89beb44b" unique ("content_type", "object_id", "config_context_id");`);

    this.addSql(`create table "devices_configuration" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "description" varchar(200) not null default '', "comments" text not null default '', "name" varchar(100) not null, "template" text not null, "jinja2_trim" boolean not null default false, "jinja2_lstrip" boolean not null default false);`);

    this.addSql(`create table "messaging_contact" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "description" varchar(200) not null default '', "comments" text not null default '', "name" varchar(100) not null, "title" varchar(100) not null default '', "phone" varchar(50) not null default '', "email" varchar(254) not null default '', "address" varchar(200) not null default '');`);

    this.addSql(`create table "messaging_contactrole" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "name" varchar(100) not null, "slug" varchar(100) not null, "description" varchar(200) not null default '');`);
    this.addSql(`alter table "messaging_contactrole" add constraint "messaging_contactrole_name_unique" unique ("name");`);
    this.addSql(`alter table "messaging_contactrole" add constraint "messaging_contactrole_slug_unique" unique ("slug");`);

    this.addSql(`create table "messaging_contactassignment" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "content_type" varchar(100) not null, "object_id" bigint not null, "contact_id" int not null, "role_id" int not null);`);
    this.addSql(`alter table "messaging_contactassignment" add constraint "messaging_contactassignment_content_type_object_id_con_a10a54c2" unique ("content_type", "object_id", "contact_id", "role_id");`);

    this.addSql(`create table "core_datasource" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "description" varchar(200) not null default '', "comments" text not null default '', "name" varchar(100) not null, "type" varchar(50) not null default 'local', "source_url" varchar(200) not null, "status" varchar(50) not null default 'new', "enabled" boolean not null default true, "ignore_rules" text not null default '', "parameters" jsonb null, "last_synchronised" timestamptz null);`);
    this.addSql(`alter table "core_datasource" add constraint "core_datasource_name_unique" unique ("name");`);

    this.addSql(`create table "core_datafile" ("id" serial primary key, "created" timestamptz null, "source_id" int not null, "path" varchar(1000) not null, "updated" timestamptz not null, "size" int not null, "hash" varchar(64) not null);`);
    this.addSql(`alter table "core_datafile" add constraint "core_datafile_source_id_path_unique" unique ("source_id", "path");`);

    this.addSql(`create table "messaging_email" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "description" varchar(200) not null default '', "comments" text not null default '', "name" varchar(100) not null, "subject" varchar(512) not null, "template" text not null, "jinja2_trim" boolean not null default false, "jinja2_lstrip" boolean not null default false);`);

    this.addSql(`create table "extras_exporttemplate" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "content_type" varchar(100) not null, "name" varchar(100) not null, "description" varchar(200) not null default '', "template" text not null, "jinja2_trim" boolean not null default false, "jinja2_lstrip" boolean not null default false);`);
    this.addSql(`alter table "extras_exporttemplate" add constraint "extras_exporttemplate_content_type_name_unique" unique ("content_type", "name");`);

    this.addSql(`create table "users_group" ("id" serial primary key, "name" varchar(150) not null);`);
    this.addSql(`alter table "users_group" add constraint "users_group_name_unique" unique ("name");`);

    this.addSql(`create table "peeringdb_hiddenpeer" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "peeringdb_network" int not null, "peeringdb_ixlan" int not null, "until" timestamptz null, "comments" text not null default '');`);
    this.addSql(`alter table "peeringdb_hiddenpeer" add constraint "peeringdb_hiddenpeer_peeringdb_network_peeringdb_ixlan_unique" unique ("peeringdb_network", "peeringdb_ixlan");`);

    this.addSql(`create table "extras_ixapi" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "name" varchar(100) not null, "api_url" varchar(2000) not null, "api_key" varchar(2000) not null, "api_secret" varchar(2000) not null, "identity" varchar(256) not null);`);
    this.addSql(`alter table "extras_ixapi" add constraint "extras_ixapi_api_url_api_key_unique" unique ("api_url", "api_key");`);

    this.addSql(`create table "peering_internetexchange" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "name" varchar(100) not null, "slug" varchar(100) not null, "description" varchar(200) not null default '', "peeringdb_ixlan" int null, "ixapi_endpoint_id" int null, "status" varchar(50) not null default 'enabled', "local_autonomous_system_id" int not null, "local_context_data" jsonb null);`);
    this.addSql(`alter table "peering_internetexchange" add constraint "peering_internetexchange_name_unique" unique ("name");`);
    this.addSql(`alter table "peering_internetexchange" add constraint "peering_internetexchange_slug_unique" unique ("slug");`);

    this.addSql(`create table "peeringdb_org" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "name" text not null, "aka" text not null default '', "name_long" text not null default '', "website" text not null default '', "social_media" jsonb null default '[]', "notes" text not null default '', "logo" text null, "address1" text not null default '', "address2" text not null default '', "city" text not null default '', "state" text not null default '', "zipcode" text not null default '', "country" text not null default '', "floor" text not null default '', "suite" text not null default '', "latitude" double precision null, "longitude" double precision null, constraint "peeringdb_org_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_org_updated_index" on "peeringdb_org" ("updated");`);

    this.addSql(`create table "peeringdb_net" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "name" text not null, "aka" text not null default '', "name_long" text not null default '', "website" text not null default '', "social_media" jsonb null default '[]', "notes" text not null default '', "logo" text null, "org_id" int not null, "asn" bigint not null, "looking_glass" text not null default '', "route_server" text not null default '', "irr_as_set" text not null default '', "info_type" text not null default '', "info_types" jsonb null default '[]', "info_prefixes4" int null, "info_prefixes6" int null, "info_traffic" text not null default '', "info_ratio" text not null default '', "info_scope" text not null default '', "info_unicast" boolean not null default false, "info_multicast" boolean not null default false, "info_ipv6" boolean not null default false, "info_never_via_route_servers" boolean not null default false, "ix_count" int not null default 0, "fac_count" int not null default 0, "netixlan_updated" timestamptz null, "netfac_updated" timestamptz null, "poc_updated" timestamptz null, "policy_url" text not null default '', "policy_general" text not null default '', "policy_locations" text not null default '', "policy_ratio" boolean not null default false, "policy_contracts" text not null default '', "allow_ixp_update" boolean not null default false, "ixp_update_exclude" jsonb null, "status_dashboard" text null, "rir_status" text null, "rir_status_updated" timestamptz null, constraint "peeringdb_net_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_net_updated_index" on "peeringdb_net" ("updated");`);
    this.addSql(`create index "peeringdb_net_org_id_index" on "peeringdb_net" ("org_id");`);
    this.addSql(`create index "peeringdb_net_asn_index" on "peeringdb_net" ("asn");`);

    this.addSql(`create table "peeringdb_poc" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "net_id" int not null, "role" text not null, "visible" text not null default 'Public', "name" text not null default '', "phone" text not null default '', "email" text not null default '', "url" text not null default '', constraint "peeringdb_poc_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_poc_updated_index" on "peeringdb_poc" ("updated");`);
    this.addSql(`create index "peeringdb_poc_net_id_index" on "peeringdb_poc" ("net_id");`);

    this.addSql(`create table "peeringdb_ix" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "name" text not null, "aka" text not null default '', "name_long" text not null default '', "website" text not null default '', "social_media" jsonb null default '[]', "notes" text not null default '', "logo" text null, "org_id" int not null, "city" text not null default '', "country" text not null default '', "region_continent" text not null default '', "media" text not null default 'Ethernet', "proto_unicast" boolean not null default false, "proto_multicast" boolean not null default false, "proto_ipv6" boolean not null default false, "url_stats" text not null default '', "tech_email" text not null default '', "tech_phone" text not null default '', "policy_email" text not null default '', "policy_phone" text not null default '', "sales_email" text not null default '', "sales_phone" text not null default '', "net_count" int not null default 0, "fac_count" int not null default 0, "ixf_net_count" int not null default 0, "ixf_last_import" timestamptz null, "ixf_import_request" timestamptz null, "ixf_import_request_status" text not null default '', "service_level" text not null default '', "terms" text not null default '', "status_dashboard" text null, constraint "peeringdb_ix_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_ix_updated_index" on "peeringdb_ix" ("updated");`);
    this.addSql(`create index "peeringdb_ix_org_id_index" on "peeringdb_ix" ("org_id");`);

    this.addSql(`create table "peeringdb_ixlan" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "ix_id" int not null, "name" text not null default '', "descr" text not null default '', "mtu" int null, "dot1q_support" boolean not null default false, "rs_asn" bigint null, "arp_sponge" text null, "ixf_ixp_member_list_url" text null, "ixf_ixp_member_list_url_visible" text not null default 'Private', "ixf_ixp_import_enabled" boolean not null default false, constraint "peeringdb_ixlan_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_ixlan_updated_index" on "peeringdb_ixlan" ("updated");`);
    this.addSql(`create index "peeringdb_ixlan_ix_id_index" on "peeringdb_ixlan" ("ix_id");`);

    this.addSql(`create table "peeringdb_ixpfx" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "ixlan_id" int not null, "protocol" text not null default 'IPv4', "prefix" text not null, "in_dfz" boolean not null default true, constraint "peeringdb_ixpfx_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_ixpfx_updated_index" on "peeringdb_ixpfx" ("updated");`);
    this.addSql(`create index "peeringdb_ixpfx_ixlan_id_index" on "peeringdb_ixpfx" ("ixlan_id");`);

    this.addSql(`create table "peeringdb_carrier" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "name" text not null, "aka" text not null default '', "name_long" text not null default '', "website" text not null default '', "social_media" jsonb null default '[]', "notes" text not null default '', "logo" text null, "org_id" int not null, "org_name" text not null default '', "fac_count" int not null default 0, constraint "peeringdb_carrier_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_carrier_updated_index" on "peeringdb_carrier" ("updated");`);
    this.addSql(`create index "peeringdb_carrier_org_id_index" on "peeringdb_carrier" ("org_id");`);

    this.addSql(`create table "peeringdb_campus" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "name" text not null, "aka" text not null default '', "name_long" text not null default '', "website" text not null default '', "social_media" jsonb null default '[]', "notes" text not null default '', "logo" text null, "org_id" int not null, "org_name" text not null default '', "country" text not null default '', "city" text not null default '', "zipcode" text not null default '', "state" text not null default '', constraint "peeringdb_campus_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_campus_updated_index" on "peeringdb_campus" ("updated");`);
    this.addSql(`create index "peeringdb_campus_org_id_index" on "peeringdb_campus" ("org_id");`);

    this.addSql(`create table "peeringdb_fac" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "name" text not null, "aka" text not null default '', "name_long" text not null default '', "website" text not null default '', "social_media" jsonb null default '[]', "notes" text not null default '', "logo" text null, "address1" text not null default '', "address2" text not null default '', "city" text not null default '', "state" text not null default '', "zipcode" text not null default '', "country" text not null default '', "floor" text not null default '', "suite" text not null default '', "latitude" double precision null, "longitude" double precision null, "org_id" int not null, "org_name" text not null default '', "campus_id" int null, "clli" text not null default '', "rencode" text not null default '', "npanxx" text not null default '', "net_count" int not null default 0, "ix_count" int not null default 0, "carrier_count" int not null default 0, "sales_email" text not null default '', "sales_phone" text not null default '', "tech_email" text not null default '', "tech_phone" text not null default '', "available_voltage_services" jsonb null default '[]', "diverse_serving_substations" boolean null, "property" text null, "region_continent" text null, "status_dashboard" text null, constraint "peeringdb_fac_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_fac_updated_index" on "peeringdb_fac" ("updated");`);
    this.addSql(`create index "peeringdb_fac_org_id_index" on "peeringdb_fac" ("org_id");`);
    this.addSql(`create index "peeringdb_fac_campus_id_index" on "peeringdb_fac" ("campus_id");`);

    this.addSql(`create table "peeringdb_netixlan" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "net_id" int not null, "ixlan_id" int not null, "ix_id" int null, "name" text not null default '', "notes" text not null default '', "speed" int not null default 0, "asn" bigint not null, "ipaddr4" text null, "ipaddr6" text null, "is_rs_peer" boolean not null default false, "bfd_support" boolean not null default false, "operational" boolean not null default true, "net_side_id" int null, "ix_side_id" int null, constraint "peeringdb_netixlan_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_netixlan_updated_index" on "peeringdb_netixlan" ("updated");`);
    this.addSql(`create index "peeringdb_netixlan_net_id_index" on "peeringdb_netixlan" ("net_id");`);
    this.addSql(`create index "peeringdb_netixlan_ixlan_id_index" on "peeringdb_netixlan" ("ixlan_id");`);

    this.addSql(`create table "peeringdb_netfac" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "net_id" int not null, "fac_id" int not null, "name" text not null default '', "city" text not null default '', "country" text not null default '', "local_asn" bigint null, constraint "peeringdb_netfac_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_netfac_updated_index" on "peeringdb_netfac" ("updated");`);
    this.addSql(`create index "peeringdb_netfac_net_id_index" on "peeringdb_netfac" ("net_id");`);
    this.addSql(`create index "peeringdb_netfac_fac_id_index" on "peeringdb_netfac" ("fac_id");`);

    this.addSql(`create table "peeringdb_ixfac" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "ix_id" int not null, "fac_id" int not null, "name" text not null default '', "city" text not null default '', "country" text not null default '', constraint "peeringdb_ixfac_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_ixfac_updated_index" on "peeringdb_ixfac" ("updated");`);
    this.addSql(`create index "peeringdb_ixfac_ix_id_index" on "peeringdb_ixfac" ("ix_id");`);
    this.addSql(`create index "peeringdb_ixfac_fac_id_index" on "peeringdb_ixfac" ("fac_id");`);

    this.addSql(`create table "peeringdb_carrierfac" ("id" int not null, "status" varchar(50) not null default 'ok', "created" timestamptz not null, "updated" timestamptz not null, "carrier_id" int not null, "fac_id" int not null, "name" text not null default '', constraint "peeringdb_carrierfac_pkey" primary key ("id"));`);
    this.addSql(`create index "peeringdb_carrierfac_updated_index" on "peeringdb_carrierfac" ("updated");`);
    this.addSql(`create index "peeringdb_carrierfac_carrier_id_index" on "peeringdb_carrierfac" ("carrier_id");`);
    this.addSql(`create index "peeringdb_carrierfac_fac_id_index" on "peeringdb_carrierfac" ("fac_id");`);

    this.addSql(`create table "peering_autonomoussystem_communities" ("autonomous_system_id" int not null, "community_id" int not null, constraint "peering_autonomoussystem_communities_pkey" primary key ("autonomous_system_id", "community_id"));`);

    this.addSql(`create table "peering_bgpgroup_communities" ("bgpgroup_id" int not null, "community_id" int not null, constraint "peering_bgpgroup_communities_pkey" primary key ("bgpgroup_id", "community_id"));`);

    this.addSql(`create table "peering_internetexchange_communities" ("internet_exchange_id" int not null, "community_id" int not null, constraint "peering_internetexchange_communities_pkey" primary key ("internet_exchange_id", "community_id"));`);

    this.addSql(`create table "devices_platform" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "name" varchar(100) not null, "slug" varchar(100) not null, "description" varchar(200) not null default '', "napalm_driver" varchar(50) not null default '', "napalm_args" jsonb null, "password_algorithm" varchar(16) not null default '');`);
    this.addSql(`alter table "devices_platform" add constraint "devices_platform_name_unique" unique ("name");`);
    this.addSql(`alter table "devices_platform" add constraint "devices_platform_slug_unique" unique ("slug");`);

    this.addSql(`create table "bgp_relationship" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "name" varchar(100) not null, "slug" varchar(100) not null, "description" varchar(200) not null default '', "color" varchar(6) not null default '9e9e9e');`);
    this.addSql(`alter table "bgp_relationship" add constraint "bgp_relationship_name_unique" unique ("name");`);
    this.addSql(`alter table "bgp_relationship" add constraint "bgp_relationship_slug_unique" unique ("slug");`);

    this.addSql(`create table "devices_router" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "description" varchar(200) not null default '', "comments" text not null default '', "name" varchar(128) not null, "hostname" varchar(256) not null, "platform_id" int not null, "status" varchar(50) not null default 'enabled', "encrypt_passwords" boolean not null default false, "configuration_template_id" int null, "local_autonomous_system_id" int not null, "netbox_device_id" bigint not null default 0, "poll_bgp_sessions_state" boolean not null default false, "poll_bgp_sessions_last_updated" timestamptz null, "napalm_username" varchar(256) null, "napalm_password" varchar(256) null, "napalm_timeout" int not null default 0, "napalm_args" jsonb null, "bgp_speaker" boolean not null default false, "router_id" inet null, "bgp_listen_address" inet null, "bgp_listen_port" int not null default 179, "local_context_data" jsonb null);`);
    this.addSql(`alter table "devices_router" add constraint "devices_router_name_unique" unique ("name");`);

    this.addSql(`create table "devices_router_communities" ("router_id" int not null, "community_id" int not null, constraint "devices_router_communities_pkey" primary key ("router_id", "community_id"));`);

    this.addSql(`create table "net_connection" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "description" varchar(200) not null default '', "comments" text not null default '', "peeringdb_netixlan" int null, "status" varchar(50) not null default 'enabled', "vlan" int null, "mac_address" varchar(18) null, "ipv6_address" inet null, "ipv4_address" inet null, "internet_exchange_point_id" int null, "router_id" int null, "interface" varchar(200) not null default '', "local_context_data" jsonb null);`);

    this.addSql(`create table "peering_internetexchangepeeringsession" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "description" varchar(200) not null default '', "comments" text not null default '', "service_reference" varchar(255) null, "autonomous_system_id" int not null, "status" varchar(50) not null default 'enabled', "password" varchar(255) null, "encrypted_password" varchar(255) null, "multihop_ttl" int not null default 1, "passive" boolean not null default false, "remote_port" int not null default 179, "bfd_id" int null, "bgp_state" varchar(50) null, "received_prefix_count" int not null default 0, "accepted_prefix_count" int not null default 0, "advertised_prefix_count" int not null default 0, "last_established_state" timestamptz null, "local_context_data" jsonb null, "ixp_connection_id" int not null, "ip_address" inet not null, "is_route_server" boolean not null default false);`);
    this.addSql(`alter table "peering_internetexchangepeeringsession" add constraint "peering_internetexchangepeeringsession_service_reference_unique" unique ("service_reference");`);
    this.addSql(`alter table "peering_internetexchangepeeringsession" add constraint "peering_internetexchangepeeringsession_ixp_connection__730e3252" unique ("ixp_connection_id", "ip_address");`);

    this.addSql(`create table "peering_internetexchangepeeringsession_communities" ("internet_exchange_peering_session_id" int not null, "community_id" int not null, constraint "peering_internetexchangepeeringsession_communities_pkey" primary key ("internet_exchange_peering_session_id", "community_id"));`);

    this.addSql(`create table "peering_directpeeringsession" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "description" varchar(200) not null default '', "comments" text not null default '', "service_reference" varchar(255) null, "autonomous_system_id" int not null, "status" varchar(50) not null default 'enabled', "password" varchar(255) null, "encrypted_password" varchar(255) null, "multihop_ttl" int not null default 1, "passive" boolean not null default false, "remote_port" int not null default 179, "bfd_id" int null, "bgp_state" varchar(50) null, "received_prefix_count" int not null default 0, "accepted_prefix_count" int not null default 0, "advertised_prefix_count" int not null default 0, "last_established_state" timestamptz null, "local_context_data" jsonb null, "local_autonomous_system_id" int not null, "local_ip_address" inet null, "bgp_group_id" int null, "ip_address" inet not null, "relationship_id" int not null, "router_id" int null, "connection_id" int null);`);
    this.addSql(`alter table "peering_directpeeringsession" add constraint "peering_directpeeringsession_service_reference_unique" unique ("service_reference");`);

    this.addSql(`create table "peering_directpeeringsession_communities" ("direct_peering_session_id" int not null, "community_id" int not null, constraint "peering_directpeeringsession_communities_pkey" primary key ("direct_peering_session_id", "community_id"));`);

    this.addSql(`create table "peering_routingpolicy" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "name" varchar(100) not null, "slug" varchar(100) not null, "description" varchar(200) not null default '', "type" varchar(50) not null default 'import-policy', "weight" int not null default 0, "address_family" smallint not null default 0);`);
    this.addSql(`alter table "peering_routingpolicy" add constraint "peering_routingpolicy_name_unique" unique ("name");`);
    this.addSql(`alter table "peering_routingpolicy" add constraint "peering_routingpolicy_slug_unique" unique ("slug");`);

    this.addSql(`create table "peering_routingpolicy_communities" ("routing_policy_id" int not null, "community_id" int not null, constraint "peering_routingpolicy_communities_pkey" primary key ("routing_policy_id", "community_id"));`);

    this.addSql(`create table "peering_internetexchangepeeringsession_import_routing_policies" ("internet_exchange_peering_session_id" int not null, "routing_policy_id" int not null, constraint "peering_internetexchangepeeringsession_import_routing__91913064" primary key ("internet_exchange_peering_session_id", "routing_policy_id"));`);

    this.addSql(`create table "peering_internetexchangepeeringsession_export_routing_policies" ("internet_exchange_peering_session_id" int not null, "routing_policy_id" int not null, constraint "peering_internetexchangepeeringsession_export_routing__0b294c69" primary key ("internet_exchange_peering_session_id", "routing_policy_id"));`);

    this.addSql(`create table "peering_internetexchange_import_routing_policies" ("internet_exchange_id" int not null, "routing_policy_id" int not null, constraint "peering_internetexchange_import_routing_policies_pkey" primary key ("internet_exchange_id", "routing_policy_id"));`);

    this.addSql(`create table "peering_internetexchange_export_routing_policies" ("internet_exchange_id" int not null, "routing_policy_id" int not null, constraint "peering_internetexchange_export_routing_policies_pkey" primary key ("internet_exchange_id", "routing_policy_id"));`);

    this.addSql(`create table "peering_directpeeringsession_import_routing_policies" ("direct_peering_session_id" int not null, "routing_policy_id" int not null, constraint "peering_directpeeringsession_import_routing_policies_pkey" primary key ("direct_peering_session_id", "routing_policy_id"));`);

    this.addSql(`create table "peering_directpeeringsession_export_routing_policies" ("direct_peering_session_id" int not null, "routing_policy_id" int not null, constraint "peering_directpeeringsession_export_routing_policies_pkey" primary key ("direct_peering_session_id", "routing_policy_id"));`);

    this.addSql(`create table "peering_bgpgroup_import_routing_policies" ("bgpgroup_id" int not null, "routing_policy_id" int not null, constraint "peering_bgpgroup_import_routing_policies_pkey" primary key ("bgpgroup_id", "routing_policy_id"));`);

    this.addSql(`create table "peering_bgpgroup_export_routing_policies" ("bgpgroup_id" int not null, "routing_policy_id" int not null, constraint "peering_bgpgroup_export_routing_policies_pkey" primary key ("bgpgroup_id", "routing_policy_id"));`);

    this.addSql(`create table "peering_autonomoussystem_import_routing_policies" ("autonomous_system_id" int not null, "routing_policy_id" int not null, constraint "peering_autonomoussystem_import_routing_policies_pkey" primary key ("autonomous_system_id", "routing_policy_id"));`);

    this.addSql(`create table "peering_autonomoussystem_export_routing_policies" ("autonomous_system_id" int not null, "routing_policy_id" int not null, constraint "peering_autonomoussystem_export_routing_policies_pkey" primary key ("autonomous_system_id", "routing_policy_id"));`);

    this.addSql(`create table "inventory_site" ("id" serial primary key, "name" varchar(255) not null, "description" text not null default '');`);
    this.addSql(`alter table "inventory_site" add constraint "inventory_site_name_unique" unique ("name");`);

    this.addSql(`create table "inventory_network" ("id" serial primary key, "site_id" int not null, "cidr" cidr not null, "network_address" varchar(39) not null default '', "prefix_length" int not null default 0, "ip_version" varchar(1) not null default '4', "is_ip" boolean not null default false, "state" varchar(50) not null default 'allocated', "parent_id" int null, "attributes" jsonb null default '{}');`);
    this.addSql(`alter table "inventory_network" add constraint "inventory_network_site_id_cidr_unique" unique ("site_id", "cidr");`);

    this.addSql(`create table "inventory_device" ("id" serial primary key, "site_id" int not null, "hostname" varchar(255) not null, "attributes" jsonb null default '{}');`);
    this.addSql(`alter table "inventory_device" add constraint "inventory_device_site_id_hostname_unique" unique ("site_id", "hostname");`);

    this.addSql(`create table "inventory_interface" ("id" serial primary key, "device_id" int not null, "site_id" int null, "name" varchar(255) not null, "name_slug" varchar(255) not null default '', "description" varchar(255) not null default '', "type" int not null default 6, "mac_address" varchar(18) null, "speed" int not null default 1000, "parent_id" int null, "addresses" jsonb null, "networks" jsonb null, "attributes" jsonb null default '{}');`);
    this.addSql(`alter table "inventory_interface" add constraint "inventory_interface_name_slug_unique" unique ("name_slug");`);
    this.addSql(`alter table "inventory_interface" add constraint "inventory_interface_device_id_name_unique" unique ("device_id", "name");`);

    this.addSql(`create table "inventory_assignment" ("id" serial primary key, "interface_id" int not null, "address_id" int not null);`);
    this.addSql(`alter table "inventory_assignment" add constraint "inventory_assignment_interface_id_address_id_unique" unique ("interface_id", "address_id");`);

    this.addSql(`create table "inventory_circuit" ("id" serial primary key, "endpoint_a_id" int not null, "endpoint_z_id" int null, "site_id" int null, "name" varchar(255) not null default '', "name_slug" varchar(255) not null default '', "attributes" jsonb null default '{}');`);
    this.addSql(`alter table "inventory_circuit" add constraint "inventory_circuit_name_slug_unique" unique ("name_slug");`);

    this.addSql(`create table "inventory_attribute" ("id" serial primary key, "site_id" int not null, "name" varchar(64) not null, "description" varchar(255) not null default '', "resource_name" varchar(50) not null, "required" boolean not null default false, "displayed" boolean not null default false, "multi" boolean not null default false, "constraints" jsonb null default '{"pattern":"","valid_values":[],"allow_empty":false}');`);
    this.addSql(`alter table "inventory_attribute" add constraint "inventory_attribute_site_id_resource_name_name_unique" unique ("site_id", "resource_name", "name");`);

    this.addSql(`create table "extras_tag" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "name" varchar(100) not null, "slug" varchar(100) not null, "color" varchar(6) not null default '9e9e9e', "description" varchar(200) not null default '');`);
    this.addSql(`alter table "extras_tag" add constraint "extras_tag_name_unique" unique ("name");`);
    this.addSql(`alter table "extras_tag" add constraint "extras_tag_slug_unique" unique ("slug");`);

    this.addSql(`create table "peering_routingpolicy_tags" ("routing_policy_id" int not null, "tag_id" int not null, constraint "peering_routingpolicy_tags_pkey" primary key ("routing_policy_id", "tag_id"));`);

    this.addSql(`create table "peering_internetexchangepeeringsession_tags" ("internet_exchange_peering_session_id" int not null, "tag_id" int not null, constraint "peering_internetexchangepeeringsession_tags_pkey" primary key ("internet_exchange_peering_session_id", "tag_id"));`);

    this.addSql(`create table "peering_internetexchange_tags" ("internet_exchange_id" int not null, "tag_id" int not null, constraint "peering_internetexchange_tags_pkey" primary key ("internet_exchange_id", "tag_id"));`);

    this.addSql(`create table "peering_directpeeringsession_tags" ("direct_peering_session_id" int not null, "tag_id" int not null, constraint "peering_directpeeringsession_tags_pkey" primary key ("direct_peering_session_id", "tag_id"));`);

    this.addSql(`create table "peering_bgpgroup_tags" ("bgpgroup_id" int not null, "tag_id" int not null, constraint "peering_bgpgroup_tags_pkey" primary key ("bgpgroup_id", "tag_id"));`);

    this.addSql(`create table "peering_autonomoussystem_tags" ("autonomous_system_id" int not null, "tag_id" int not null, constraint "peering_autonomoussystem_tags_pkey" primary key ("autonomous_system_id", "tag_id"));`);

    this.addSql(`create table "net_connection_tags" ("connection_id" int not null, "tag_id" int not null, constraint "net_connection_tags_pkey" primary key ("connection_id", "tag_id"));`);

    this.addSql(`create table "net_bfd_tags" ("bfd_id" int not null, "tag_id" int not null, constraint "net_bfd_tags_pkey" primary key ("bfd_id", "tag_id"));`);

    this.addSql(`create table "messaging_email_tags" ("email_id" int not null, "tag_id" int not null, constraint "messaging_email_tags_pkey" primary key ("email_id", "tag_id"));`);

    this.addSql(`create table "messaging_contactrole_tags" ("contact_role_id" int not null, "tag_id" int not null, constraint "messaging_contactrole_tags_pkey" primary key ("contact_role_id", "tag_id"));`);

    this.addSql(`create table "messaging_contact_tags" ("contact_id" int not null, "tag_id" int not null, constraint "messaging_contact_tags_pkey" primary key ("contact_id", "tag_id"));`);

    this.addSql(`create table "devices_router_tags" ("router_id" int not null, "tag_id" int not null, constraint "devices_router_tags_pkey" primary key ("router_id", "tag_id"));`);

    this.addSql(`create table "devices_platform_tags" ("platform_id" int not null, "tag_id" int not null, constraint "devices_platform_tags_pkey" primary key ("platform_id", "tag_id"));`);

    this.addSql(`create table "devices_configuration_tags" ("configuration_id" int not null, "tag_id" int not null, constraint "devices_configuration_tags_pkey" primary key ("configuration_id", "tag_id"));`);

    this.addSql(`create table "core_datasource_tags" ("data_source_id" int not null, "tag_id" int not null, constraint "core_datasource_tags_pkey" primary key ("data_source_id", "tag_id"));`);

    this.addSql(`create table "bgp_relationship_tags" ("relationship_id" int not null, "tag_id" int not null, constraint "bgp_relationship_tags_pkey" primary key ("relationship_id", "tag_id"));`);

    this.addSql(`create table "bgp_community_tags" ("community_id" int not null, "tag_id" int not null, constraint "bgp_community_tags_pkey" primary key ("community_id", "tag_id"));`);

    this.addSql(`create table "users_user" ("id" serial primary key, "username" varchar(150) not null, "password" varchar(256) not null default '', "first_name" varchar(150) not null default '', "last_name" varchar(150) not null default '', "email" varchar(254) not null default '', "is_staff" boolean not null default false, "is_superuser" boolean not null default false, "is_active" boolean not null default true, "date_joined" timestamptz null);`);
    this.addSql(`alter table "users_user" add constraint "users_user_username_unique" unique ("username");`);

    this.addSql(`create table "users_token" ("id" serial primary key, "created" timestamptz null, "user_id" int not null, "key_hash" varchar(64) not null, "key_prefix" varchar(8) not null, "expires" timestamptz null, "last_used" timestamptz null, "write_enabled" boolean not null default true, "description" varchar(100) not null default '', "allowed_ips" jsonb null);`);
    this.addSql(`alter table "users_token" add constraint "users_token_key_hash_unique" unique ("key_hash");`);

    this.addSql(`create table "core_object_change" ("id" serial primary key, "time" timestamptz not null, "user_id" int null, "user_name" varchar(150) not null default '', "request_id" uuid not null, "action" varchar(10) not null, "changed_object_type" varchar(100) not null, "changed_object_id" bigint not null, "object_repr" varchar(200) not null default '', "prechange_data" jsonb null, "postchange_data" jsonb null);`);

    this.addSql(`create table "extras_journalentry" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "assigned_object_type" varchar(100) not null, "assigned_object_id" bigint not null, "created_by_id" int null, "kind" varchar(30) not null default 'info', "comments" text not null);`);

    this.addSql(`create table "extras_journalentry_tags" ("journal_entry_id" int not null, "tag_id" int not null, constraint "extras_journalentry_tags_pkey" primary key ("journal_entry_id", "tag_id"));`);

    this.addSql(`create table "core_job" ("id" serial primary key, "object_type" varchar(100) not null, "object_id" bigint null, "name" varchar(200) not null, "created" timestamptz null, "started" timestamptz null, "completed" timestamptz null, "user_id" int null, "status" varchar(30) not null default 'pending', "data" jsonb null, "job_id" uuid not null, "output" text not null default '');`);
    this.addSql(`alter table "core_job" add constraint "core_job_job_id_unique" unique ("job_id");`);

    this.addSql(`create table "users_user_groups" ("user_id" int not null, "group_id" int not null, constraint "users_user_groups_pkey" primary key ("user_id", "group_id"));`);

    this.addSql(`create table "inventory_usersecret" ("id" serial primary key, "user_id" int not null, "secret_enc" varchar(255) not null);`);

    this.addSql(`create table "inventory_value" ("id" serial primary key, "attribute_id" int not null, "name" varchar(64) not null, "value" text not null, "resource_name" varchar(20) not null, "resource_id" int not null);`);
    this.addSql(`create index "inventory_value_resource_name_resource_id_index" on "inventory_value" ("resource_name", "resource_id");`);
    this.addSql(`create index "inventory_value_resource_name_name_value_index" on "inventory_value" ("resource_name", "name", "value");`);

    this.addSql(`create table "extras_webhook" ("id" serial primary key, "created" timestamptz null, "updated" timestamptz null, "content_types" jsonb not null, "name" varchar(100) not null, "type_create" boolean not null default false, "type_update" boolean not null default false, "type_delete" boolean not null default false, "payload_url" varchar(512) not null, "enabled" boolean not null default true, "http_method" varchar(32) not null default 'POST', "http_content_type" varchar(128) not null default 'application/json', "additional_headers" text not null default '', "body_template" text not null default '', "secret" varchar(255) not null default '', "conditions" jsonb null, "ssl_verification" boolean not null default true, "ca_file_path" varchar(4096) null);`);
    this.addSql(`alter table "extras_webhook" add constraint "extras_webhook_name_unique" unique ("name");`);
    this.addSql(`alter table "extras_webhook" add constraint "extras_webhook_type_create_type_update_type_delete_pay_db8e2fff" unique ("type_create", "type_update", "type_delete", "payload_url");`);

    this.addSql(`alter table "extras_configcontextassignment" add constraint "extras_configcontextassignment_config_context_id_foreign" foreign key ("config_context_id") references "extras_configcontext" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "messaging_contactassignment" add constraint "messaging_contactassignment_contact_id_foreign" foreign key ("contact_id") references "messaging_contact" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "messaging_contactassignment" add constraint "messaging_contactassignment_role_id_foreign" foreign key ("role_id") references "messaging_contactrole" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "core_datafile" add constraint "core_datafile_source_id_foreign" foreign key ("source_id") references "core_datasource" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_internetexchange" add constraint "peering_internetexchange_ixapi_endpoint_id_foreign" foreign key ("ixapi_endpoint_id") references "extras_ixapi" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "peering_internetexchange" add constraint "peering_internetexchange_local_autonomous_system_id_foreign" foreign key ("local_autonomous_system_id") references "peering_autonomoussystem" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peeringdb_net" add constraint "peeringdb_net_org_id_foreign" foreign key ("org_id") references "peeringdb_org" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peeringdb_poc" add constraint "peeringdb_poc_net_id_foreign" foreign key ("net_id") references "peeringdb_net" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peeringdb_ix" add constraint "peeringdb_ix_org_id_foreign" foreign key ("org_id") references "peeringdb_org" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peeringdb_ixlan" add constraint "peeringdb_ixlan_ix_id_foreign" foreign key ("ix_id") references "peeringdb_ix" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peeringdb_ixpfx" add constraint "peeringdb_ixpfx_ixlan_id_foreign" foreign key ("ixlan_id") references "peeringdb_ixlan" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peeringdb_carrier" add constraint "peeringdb_carrier_org_id_foreign" foreign key ("org_id") references "peeringdb_org" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peeringdb_campus" add constraint "peeringdb_campus_org_id_foreign" foreign key ("org_id") references "peeringdb_org" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peeringdb_fac" add constraint "peeringdb_fac_org_id_foreign" foreign key ("org_id") references "peeringdb_org" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peeringdb_fac" add constraint "peeringdb_fac_campus_id_foreign" foreign key ("campus_id") references "peeringdb_campus" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "peeringdb_netixlan" add constraint "peeringdb_netixlan_net_id_foreign" foreign key ("net_id") references "peeringdb_net" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peeringdb_netixlan" add constraint "peeringdb_netixlan_ixlan_id_foreign" foreign key ("ixlan_id") references "peeringdb_ixlan" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peeringdb_netixlan" add constraint "peeringdb_netixlan_ix_id_foreign" foreign key ("ix_id") references "peeringdb_ix" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "peeringdb_netixlan" add constraint "peeringdb_netixlan_net_side_id_foreign" foreign key ("net_side_id") references "peeringdb_fac" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "peeringdb_netixlan" add constraint "peeringdb_netixlan_ix_side_id_foreign" foreign key ("ix_side_id") references "peeringdb_fac" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "peeringdb_netfac" add constraint "peeringdb_netfac_net_id_foreign" foreign key ("net_id") references "peeringdb_net" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peeringdb_netfac" add constraint "peeringdb_netfac_fac_id_foreign" foreign key ("fac_id") references "peeringdb_fac" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peeringdb_ixfac" add constraint "peeringdb_ixfac_ix_id_foreign" foreign key ("ix_id") references "peeringdb_ix" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peeringdb_ixfac" add constraint "peeringdb_ixfac_fac_id_foreign" foreign key ("fac_id") references "peeringdb_fac" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peeringdb_carrierfac" add constraint "peeringdb_carrierfac_carrier_id_foreign" foreign key ("carrier_id") references "peeringdb_carrier" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peeringdb_carrierfac" add constraint "peeringdb_carrierfac_fac_id_foreign" foreign key ("fac_id") references "peeringdb_fac" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_autonomoussystem_communities" add constraint "peering_autonomoussystem_communities_autonomous_system_0f128b5e" foreign key ("autonomous_system_id") references "peering_autonomoussystem" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_autonomoussystem_communities" add constraint "peering_autonomoussystem_communities_community_id_foreign" foreign key ("community_id") references "bgp_community" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_bgpgroup_communities" add constraint "peering_bgpgroup_communities_bgpgroup_id_foreign" foreign key ("bgpgroup_id") references "peering_bgpgroup" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_bgpgroup_communities" add constraint "peering_bgpgroup_communities_community_id_foreign" foreign key ("community_id") references "bgp_community" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_internetexchange_communities" add constraint "peering_internetexchange_communities_internet_exchange_b07a4c89" foreign key ("internet_exchange_id") references "peering_internetexchange" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_internetexchange_communities" add constraint "peering_internetexchange_communities_community_id_foreign" foreign key ("community_id") references "bgp_community" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "devices_router" add constraint "devices_router_platform_id_foreign" foreign key ("platform_id") references "devices_platform" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "devices_router" add constraint "devices_router_configuration_template_id_foreign" foreign key ("configuration_template_id") references "devices_configuration" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "devices_router" add constraint "devices_router_local_autonomous_system_id_foreign" foreign key ("local_autonomous_system_id") references "peering_autonomoussystem" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "devices_router_communities" add constraint "devices_router_communities_router_id_foreign" foreign key ("router_id") references "devices_router" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "devices_router_communities" add constraint "devices_router_communities_community_id_foreign" foreign key ("community_id") references "bgp_community" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "net_connection" add constraint "net_connection_internet_exchange_point_id_foreign" foreign key ("internet_exchange_point_id") references "peering_internetexchange" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "net_connection" add constraint "net_connection_router_id_foreign" foreign key ("router_id") references "devices_router" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "peering_internetexchangepeeringsession" add constraint "peering_internetexchangepeeringsession_autonomous_syst_d7565caf" foreign key ("autonomous_system_id") references "peering_autonomoussystem" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_internetexchangepeeringsession" add constraint "peering_internetexchangepeeringsession_bfd_id_foreign" foreign key ("bfd_id") references "net_bfd" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "peering_internetexchangepeeringsession" add constraint "peering_internetexchangepeeringsession_ixp_connection__ac9f0ceb" foreign key ("ixp_connection_id") references "net_connection" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_internetexchangepeeringsession_communities" add constraint "peering_internetexchangepeeringsession_communities_int_ec7df00d" foreign key ("internet_exchange_peering_session_id") references "peering_internetexchangepeeringsession" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_internetexchangepeeringsession_communities" add constraint "peering_internetexchangepeeringsession_communities_com_7c78e85b" foreign key ("community_id") references "bgp_community" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_directpeeringsession" add constraint "peering_directpeeringsession_autonomous_system_id_foreign" foreign key ("autonomous_system_id") references "peering_autonomoussystem" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_directpeeringsession" add constraint "peering_directpeeringsession_bfd_id_foreign" foreign key ("bfd_id") references "net_bfd" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "peering_directpeeringsession" add constraint "peering_directpeeringsession_local_autonomous_system_id_foreign" foreign key ("local_autonomous_system_id") references "peering_autonomoussystem" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_directpeeringsession" add constraint "peering_directpeeringsession_bgp_group_id_foreign" foreign key ("bgp_group_id") references "peering_bgpgroup" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "peering_directpeeringsession" add constraint "peering_directpeeringsession_relationship_id_foreign" foreign key ("relationship_id") references "bgp_relationship" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "peering_directpeeringsession" add constraint "peering_directpeeringsession_router_id_foreign" foreign key ("router_id") references "devices_router" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "peering_directpeeringsession" add constraint "peering_directpeeringsession_connection_id_foreign" foreign key ("connection_id") references "net_connection" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "peering_directpeeringsession_communities" add constraint "peering_directpeeringsession_communities_direct_peerin_189c75bf" foreign key ("direct_peering_session_id") references "peering_directpeeringsession" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_directpeeringsession_communities" add constraint "peering_directpeeringsession_communities_community_id_foreign" foreign key ("community_id") references "bgp_community" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_routingpolicy_communities" add constraint "peering_routingpolicy_communities_routing_policy_id_foreign" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_routingpolicy_communities" add constraint "peering_routingpolicy_communities_community_id_foreign" foreign key ("community_id") references "bgp_community" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_internetexchangepeeringsession_import_routing_policies" add constraint "peering_internetexchangepeeringsession_import_routing__d2d961fa" foreign key ("internet_exchange_peering_session_id") references "peering_internetexchangepeeringsession" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_internetexchangepeeringsession_import_routing_policies" add constraint "peering_internetexchangepeeringsession_import_routing__f15a3e04" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_internetexchangepeeringsession_export_routing_policies" add constraint "peering_internetexchangepeeringsession_export_routing__abc62c68" foreign key ("internet_exchange_peering_session_id") references "peering_internetexchangepeeringsession" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_internetexchangepeeringsession_export_routing_policies" add constraint "peering_internetexchangepeeringsession_export_routing__c5f60087" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_internetexchange_import_routing_policies" add constraint "peering_internetexchange_import_routing_policies_inter_db73fb3d" foreign key ("internet_exchange_id") references "peering_internetexchange" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_internetexchange_import_routing_policies" add constraint "peering_internetexchange_import_routing_policies_routi_5ad4a468" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_internetexchange_export_routing_policies" add constraint "peering_internetexchange_export_routing_policies_inter_a698e9a8" foreign key ("internet_exchange_id") references "peering_internetexchange" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_internetexchange_export_routing_policies" add constraint "peering_internetexchange_export_routing_policies_routi_4e924789" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_directpeeringsession_import_routing_policies" add constraint "peering_directpeeringsession_import_routing_policies_d_b9377d9d" foreign key ("direct_peering_session_id") references "peering_directpeeringsession" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_directpeeringsession_import_routing_policies" add constraint "peering_directpeeringsession_import_routing_policies_r_f27bc2df" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_directpeeringsession_export_routing_policies" add constraint "peering_directpeeringsession_export_routing_policies_d_631f0359" foreign key ("direct_peering_session_id") references "peering_directpeeringsession" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_directpeeringsession_export_routing_policies" add constraint "peering_directpeeringsession_export_routing_policies_r_4d892cbf" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_bgpgroup_import_routing_policies" add constraint "peering_bgpgroup_import_routing_policies_bgpgroup_id_foreign" foreign key ("bgpgroup_id") references "peering_bgpgroup" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_bgpgroup_import_routing_policies" add constraint "peering_bgpgroup_import_routing_policies_routing_polic_b88804ba" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_bgpgroup_export_routing_policies" add constraint "peering_bgpgroup_export_routing_policies_bgpgroup_id_foreign" foreign key ("bgpgroup_id") references "peering_bgpgroup" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_bgpgroup_export_routing_policies" add constraint "peering_bgpgroup_export_routing_policies_routing_polic_2776f5a5" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_autonomoussystem_import_routing_policies" add constraint "peering_autonomoussystem_import_routing_policies_auton_7c0c74af" foreign key ("autonomous_system_id") references "peering_autonomoussystem" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_autonomoussystem_import_routing_policies" add constraint "peering_autonomoussystem_import_routing_policies_routi_85e5f57d" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_autonomoussystem_export_routing_policies" add constraint "peering_autonomoussystem_export_routing_policies_auton_8886eebb" foreign key ("autonomous_system_id") references "peering_autonomoussystem" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_autonomoussystem_export_routing_policies" add constraint "peering_autonomoussystem_export_routing_policies_routi_f8edf678" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "inventory_network" add constraint "inventory_network_site_id_foreign" foreign key ("site_id") references "inventory_site" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "inventory_network" add constraint "inventory_network_parent_id_foreign" foreign key ("parent_id") references "inventory_network" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "inventory_device" add constraint "inventory_device_site_id_foreign" foreign key ("site_id") references "inventory_site" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "inventory_interface" add constraint "inventory_interface_device_id_foreign" foreign key ("device_id") references "inventory_device" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "inventory_interface" add constraint "inventory_interface_site_id_foreign" foreign key ("site_id") references "inventory_site" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "inventory_interface" add constraint "inventory_interface_parent_id_foreign" foreign key ("parent_id") references "inventory_interface" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "inventory_assignment" add constraint "inventory_assignment_interface_id_foreign" foreign key ("interface_id") references "inventory_interface" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "inventory_assignment" add constraint "inventory_assignment_address_id_foreign" foreign key ("address_id") references "inventory_network" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "inventory_circuit" add constraint "inventory_circuit_endpoint_a_id_foreign" foreign key ("endpoint_a_id") references "inventory_interface" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "inventory_circuit" add constraint "inventory_circuit_endpoint_z_id_foreign" foreign key ("endpoint_z_id") references "inventory_interface" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "inventory_circuit" add constraint "inventory_circuit_site_id_foreign" foreign key ("site_id") references "inventory_site" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "inventory_attribute" add constraint "inventory_attribute_site_id_foreign" foreign key ("site_id") references "inventory_site" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "peering_routingpolicy_tags" add constraint "peering_routingpolicy_tags_routing_policy_id_foreign" foreign key ("routing_policy_id") references "peering_routingpolicy" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_routingpolicy_tags" add constraint "peering_routingpolicy_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_internetexchangepeeringsession_tags" add constraint "peering_internetexchangepeeringsession_tags_internet_e_42ff41bd" foreign key ("internet_exchange_peering_session_id") references "peering_internetexchangepeeringsession" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_internetexchangepeeringsession_tags" add constraint "peering_internetexchangepeeringsession_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_internetexchange_tags" add constraint "peering_internetexchange_tags_internet_exchange_id_foreign" foreign key ("internet_exchange_id") references "peering_internetexchange" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_internetexchange_tags" add constraint "peering_internetexchange_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_directpeeringsession_tags" add constraint "peering_directpeeringsession_tags_direct_peering_sessi_df235daa" foreign key ("direct_peering_session_id") references "peering_directpeeringsession" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_directpeeringsession_tags" add constraint "peering_directpeeringsession_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_bgpgroup_tags" add constraint "peering_bgpgroup_tags_bgpgroup_id_foreign" foreign key ("bgpgroup_id") references "peering_bgpgroup" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_bgpgroup_tags" add constraint "peering_bgpgroup_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "peering_autonomoussystem_tags" add constraint "peering_autonomoussystem_tags_autonomous_system_id_foreign" foreign key ("autonomous_system_id") references "peering_autonomoussystem" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "peering_autonomoussystem_tags" add constraint "peering_autonomoussystem_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "net_connection_tags" add constraint "net_connection_tags_connection_id_foreign" foreign key ("connection_id") references "net_connection" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "net_connection_tags" add constraint "net_connection_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "net_bfd_tags" add constraint "net_bfd_tags_bfd_id_foreign" foreign key ("bfd_id") references "net_bfd" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "net_bfd_tags" add constraint "net_bfd_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "messaging_email_tags" add constraint "messaging_email_tags_email_id_foreign" foreign key ("email_id") references "messaging_email" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "messaging_email_tags" add constraint "messaging_email_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "messaging_contactrole_tags" add constraint "messaging_contactrole_tags_contact_role_id_foreign" foreign key ("contact_role_id") references "messaging_contactrole" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "messaging_contactrole_tags" add constraint "messaging_contactrole_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "messaging_contact_tags" add constraint "messaging_contact_tags_contact_id_foreign" foreign key ("contact_id") references "messaging_contact" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "messaging_contact_tags" add constraint "messaging_contact_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "devices_router_tags" add constraint "devices_router_tags_router_id_foreign" foreign key ("router_id") references "devices_router" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "devices_router_tags" add constraint "devices_router_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "devices_platform_tags" add constraint "devices_platform_tags_platform_id_foreign" foreign key ("platform_id") references "devices_platform" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "devices_platform_tags" add constraint "devices_platform_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "devices_configuration_tags" add constraint "devices_configuration_tags_configuration_id_foreign" foreign key ("configuration_id") references "devices_configuration" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "devices_configuration_tags" add constraint "devices_configuration_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "core_datasource_tags" add constraint "core_datasource_tags_data_source_id_foreign" foreign key ("data_source_id") references "core_datasource" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "core_datasource_tags" add constraint "core_datasource_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "bgp_relationship_tags" add constraint "bgp_relationship_tags_relationship_id_foreign" foreign key ("relationship_id") references "bgp_relationship" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "bgp_relationship_tags" add constraint "bgp_relationship_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "bgp_community_tags" add constraint "bgp_community_tags_community_id_foreign" foreign key ("community_id") references "bgp_community" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "bgp_community_tags" add constraint "bgp_community_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "users_token" add constraint "users_token_user_id_foreign" foreign key ("user_id") references "users_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "core_object_change" add constraint "core_object_change_user_id_foreign" foreign key ("user_id") references "users_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "extras_journalentry" add constraint "extras_journalentry_created_by_id_foreign" foreign key ("created_by_id") references "users_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "extras_journalentry_tags" add constraint "extras_journalentry_tags_journal_entry_id_foreign" foreign key ("journal_entry_id") references "extras_journalentry" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "extras_journalentry_tags" add constraint "extras_journalentry_tags_tag_id_foreign" foreign key ("tag_id") references "extras_tag" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "core_job" add constraint "core_job_user_id_foreign" foreign key ("user_id") references "users_user" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "users_user_groups" add constraint "users_user_groups_user_id_foreign" foreign key ("user_id") references "users_user" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "users_user_groups" add constraint "users_user_groups_group_id_foreign" foreign key ("group_id") references "users_group" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "inventory_usersecret" add constraint "inventory_usersecret_user_id_foreign" foreign key ("user_id") references "users_user" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "inventory_value" add constraint "inventory_value_attribute_id_foreign" foreign key ("attribute_id") references "inventory_attribute" ("id") on update cascade on delete restrict;`);
  }

}
