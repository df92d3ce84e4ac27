// The list requests bench/graphql-list and bench/rest-list time (and bench/before-after
// compares across two builds): one page of 50 autonomous systems at a given offset.
export const PAGE = 50;

export const GRAPHQL_LIST_QUERY = `query($offset: Int) { autonomousSystems(limit: ${PAGE}, offset: $offset) { items {
  id asn name display irrAsSet ipv4MaxPrefixes ipv6MaxPrefixes created updated
  tags { id name slug color }
  importRoutingPolicies { id name slug type }
  exportRoutingPolicies { id name slug type }
} } }`;

/** A GraphQL POST's data; throws on GraphQL errors. `token`: PeerGate's, none for others. */
export async function postGraphql(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<any> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(token ? { Authorization: `Token ${token}` } : {}) };
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await res.json() as any;
  if (body.errors || !body.data) throw new Error(`${res.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

/** POST /graphql for the page at `offset`; throws unless it is a full page. */
export async function graphqlListPage(base: string, token: string, offset: number): Promise<void> {
  const data = await postGraphql(`${base}/graphql`, GRAPHQL_LIST_QUERY, { offset }, token);
  if (data.autonomousSystems.items.length !== PAGE) throw new Error('short page');
}

/** GET /api/peering/autonomous-systems/ (full representation) for the page at `offset`: its body; throws unless it is a full page. */
export async function restListBody(base: string, token: string, offset: number): Promise<any> {
  const res = await fetch(`${base}/api/peering/autonomous-systems/?limit=${PAGE}&offset=${offset}`, { headers: { Accept: 'application/json', Authorization: `Token ${token}` } });
  const body = await res.json() as any;
  if (res.status !== 200 || body.results.length !== PAGE || body.results[0].communities.length !== 1) throw new Error(`bad page: ${res.status}`);
  return body;
}

export async function restListPage(base: string, token: string, offset: number): Promise<void> {
  await restListBody(base, token, offset);
}
