// Keep-alive HTTP for the load clients: one agent shared by every client, closed at the
// end so the gateway's socket (fd) count can be compared with the count before the run.
import { Agent, request } from 'node:http';

export interface Reply { status: number; text: string }

export class Http {
  private readonly agent: Agent;

  constructor(private readonly base: string, private readonly token: string, sockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** Never rejects on a status; rejects on network errors and after 120 s without an answer. */
  send(method: string, path: string, body?: unknown): Promise<Reply> {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { Accept: 'application/json', Authorization: `Token ${this.token}` };
    if (data) { headers['Content-Type'] = 'application/json'; headers['Content-Length'] = data.length; }
    return new Promise((resolve, reject) => {
      const req = request(this.base + path, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(120_000, () => req.destroy(new Error('no answer within 120 s')));
      req.on('error', reject);
      req.end(data);
    });
  }

  /** GraphQL over POST /graphql; the parsed body (errors included, for the caller to judge). */
  async gql(query: string, variables: Record<string, unknown>): Promise<Reply & { json: any }> {
    const r = await this.send('POST', '/graphql', { query, variables });
    let json: any = null;
    try { json = JSON.parse(r.text); } catch { /* judged by the caller: no data */ }
    return { ...r, json };
  }

  close(): void { this.agent.destroy(); }
}
