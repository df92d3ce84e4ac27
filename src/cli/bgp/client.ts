// GraphQL over HTTP to a running PeerGate, as any API client would: POST /graphql with
// `Authorization: Token ...`. Every failure becomes a CliFailure: one line and an exit code.
import { fetchFailure } from '../../fetch-failure';
import { CREDENTIALS_REFUSED_EXIT } from './args';

/** What the command prints on stderr (after "peergate bgp: ") and exits with. */
export class CliFailure extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/** A server that does not answer at all within this is reported, not waited on forever. */
const TIMEOUT_MS = 30_000;

export interface GraphqlClient {
  url: string;
  query<T>(document: string, variables?: Record<string, unknown>): Promise<T>;
}

const REFUSED_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

export function graphqlClient(base: string, token: string | undefined): GraphqlClient {
  const url = new URL('graphql', base.endsWith('/') ? base : `${base}/`).toString();
  return {
    url,
    async query<T>(document: string, variables: Record<string, unknown> = {}): Promise<T> {
      const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
      if (token) headers.Authorization = `Token ${token}`;
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: document, variables }), signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch (e) {
        const why = (e as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : fetchFailure(e);
        throw new CliFailure(`cannot reach ${url}: ${why}`, 1);
      }
      const text = await res.text();
      let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[]; detail?: string } | undefined;
      try { body = JSON.parse(text); } catch { body = undefined; }
      const first = body?.errors?.[0];
      if (res.status === 401 || res.status === 403 || (first && REFUSED_CODES.has(first.extensions?.code ?? ''))) {
        const why = first?.message ?? body?.detail ?? `HTTP ${res.status}`;
        // GraphQL answers a refused token with UNAUTHENTICATED, in a 200 or a 401.
        const code = first?.extensions?.code ?? `HTTP ${res.status}`;
        throw new CliFailure(`${url} refused the credentials: ${why} (${code})${token ? '' : '; no token given (--token or PEERGATE_TOKEN)'}`, CREDENTIALS_REFUSED_EXIT);
      }
      if (!body || (body.data === undefined && !first)) {
        throw new CliFailure(`${url} answered HTTP ${res.status} without a GraphQL response: is this PeerGate?`, 1);
      }
      if (first) throw new CliFailure(`${url}: ${first.message}`, 1);
      return body.data as T;
    },
  };
}
