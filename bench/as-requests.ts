// The list requests bench/graphql-list and bench/rest-list time (and bench/before-after
// compares across two builds): one page of 50 autonomous systems at a given offset.
export const PAGE = 50;

export const GRAPHQL_LIST_QUERY = `query($offset: Int) { autonomousSystems(limit: ${PAGE}, offset: $offset) { items {
  id asn name display irrAsSet ipv4MaxPrefixes ipv6MaxPrefixes created updated
  tags { id name slug color }
  importRoutingPolicies { id name slug type }
  exportRoutingPolicies { id name slug type }
} } }`;

/** POST /graphql for the page at `offset`; throws unless it is a full page. */
export async function graphqlListPage(base: string, token: string, offset: number): Promise<void> {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Token ${token}` }, body: JSON.stringify({ query: GRAPHQL_LIST_QUERY, variables: { offset } }) });
  const body = await res.json() as any;
  if (body.errors || body.data.autonomousSystems.items.length !== PAGE) throw new Error(JSON.stringify(body.errors ?? 'short page'));
}

/** GET /api/peering/autonomous-systems/ (full representation) for the page at `offset`; throws unless it is a full page. */
export async function restListPage(base: string, token: string, offset: number): Promise<void> {
  const res = await fetch(`${base}/api/peering/autonomous-systems/?limit=${PAGE}&offset=${offset}`, { headers: { Accept: 'application/json', Authorization: `Token ${token}` } });
  const body = await res.json() as any;
  if (res.status !== 200 || body.results.length !== PAGE || body.results[0].communities.length !== 1) throw new Error(`bad page: ${res.status}`);
}
