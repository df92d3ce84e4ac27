// Choice sets of Peering Manager (value -> label), declared once and read by
// validation, GraphQL lookups, REST rendering and OPTIONS metadata.
export interface ChoiceSet {
  name: string;
  values: { value: string | number; label: string }[];
}

function set(name: string, pairs: [string | number, string][]): ChoiceSet {
  return { name, values: pairs.map(([value, label]) => ({ value, label })) };
}

const maintenance: [string, string][] = [
  ['enabled', 'Enabled'], ['pre-maintenance', 'Pre-maintenance'], ['maintenance', 'Maintenance'],
  ['post-maintenance', 'Post-maintenance'], ['disabled', 'Disabled'],
];

export const BGPSessionStatus = set('BGPSessionStatus', [
  ['requested', 'Requested'], ['provisioning', 'Provisioning'], ...maintenance,
  ['decommissioning', 'Decommissioning'], ['decommissioned', 'Decommissioned'],
]);
export const BGPGroupStatus = set('BGPGroupStatus', maintenance);
export const ConnectionStatus = set('ConnectionStatus', maintenance);
export const DeviceStatus = set('DeviceStatus', maintenance);
export const BGPState = set('BGPState', [
  ['idle', 'Idle'], ['connect', 'Connect'], ['active', 'Active'], ['opensent', 'OpenSent'],
  ['openconfirm', 'OpenConfirm'], ['established', 'Established'],
]);
export const IPFamily = set('IPFamily', [[0, 'All'], [4, 'IPv4'], [6, 'IPv6']]);
export const RoutingPolicyType = set('RoutingPolicyType', [
  ['export-policy', 'Export'], ['import-policy', 'Import'], ['import-export-policy', 'Import+Export'],
]);
export const CommunityType = set('CommunityType', [['egress', 'Egress'], ['ingress', 'Ingress']]);
export const CommunityKind = set('CommunityKind', [['standard', 'Community'], ['extended', 'Extended Community'], ['large', 'Large Community']]);
export const PasswordAlgorithm = set('PasswordAlgorithm', [
  ['arista-type7', 'Arista Type 7'], ['cisco-type7', 'Cisco Type 7'], ['juniper-type9', 'Juniper Type 9'],
]);
export const ObjectChangeAction = set('ObjectChangeAction', [['create', 'Created'], ['update', 'Updated'], ['delete', 'Deleted']]);
export const JobStatus = set('JobStatus', [
  ['pending', 'Pending'], ['running', 'Running'], ['completed', 'Completed'], ['errored', 'Errored'], ['failed', 'Failed'],
]);
export const DataSourceStatus = set('DataSourceStatus', [
  ['new', 'New'], ['queued', 'Queued'], ['synchronising', 'Synchronising'], ['pushing', 'Pushing'],
  ['completed', 'Completed'], ['failed', 'Failed'],
]);
export const DataSourceType = set('DataSourceType', [['local', 'Local'], ['git', 'Git']]);
export const HttpMethod = set('HttpMethod', [['GET', 'GET'], ['POST', 'POST'], ['PUT', 'PUT'], ['PATCH', 'PATCH'], ['DELETE', 'DELETE']]);
export const JournalEntryKind = set('JournalEntryKind', [['info', 'Info'], ['success', 'Success'], ['warning', 'Warning'], ['danger', 'Danger']]);

export function choiceLabel(set: ChoiceSet, value: unknown): string | undefined {
  return set.values.find((v) => String(v.value) === String(value))?.label;
}
