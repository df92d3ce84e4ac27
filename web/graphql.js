// GraphQL over HTTP (queries) and a small graphql-transport-ws client (subscriptions)
// that reconnects with backoff and re-subscribes; the page reloads its data on every
// (re)connect so events missed while offline are not lost.

/** POST /graphql; throws with the server's message on errors. */
export async function query(doc, variables, token) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (token) headers.Authorization = `Token ${token}`;
  const res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: doc, variables }) });
  let body;
  try { body = await res.json(); } catch { throw new Error(`HTTP ${res.status}`); }
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

export class SubscriptionClient {
  /** @param {{ token: () => string, onStatus: (s: 'connecting'|'live'|'offline'|'unauthorized', detail?: string) => void, onConnected: () => void }} opts */
  constructor(opts) {
    this.opts = opts;
    this.subs = new Map(); // id -> { payload, onNext }
    this.nextId = 1;
    this.ws = null;
    this.acked = false;
    this.retries = 0;
    this.timer = null;
  }

  subscribe(doc, variables, onNext) {
    const id = String(this.nextId++);
    this.subs.set(id, { payload: { query: doc, variables }, onNext });
    if (this.acked) this.send({ id, type: 'subscribe', payload: { query: doc, variables } });
    return () => { this.subs.delete(id); if (this.acked) this.send({ id, type: 'complete' }); };
  }

  send(msg) { if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg)); }

  /** (Re)connects now, e.g. after the token changed. */
  connect() {
    clearTimeout(this.timer);
    if (this.ws) { this.ws.onclose = null; this.ws.close(1000); }
    this.acked = false;
    this.opts.onStatus('connecting');
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`, 'graphql-transport-ws');
    this.ws = ws;
    ws.onopen = () => {
      const token = this.opts.token();
      ws.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Token ${token}` } : {} }));
    };
    ws.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch { return; }
      switch (msg.type) {
        case 'connection_ack':
          this.acked = true;
          this.retries = 0;
          for (const [id, s] of this.subs) this.send({ id, type: 'subscribe', payload: s.payload });
          this.opts.onStatus('live');
          this.opts.onConnected();
          break;
        case 'next': this.subs.get(msg.id)?.onNext(msg.payload?.data ?? null, msg.payload?.errors); break;
        case 'error': this.subs.get(msg.id)?.onNext(null, msg.payload); break;
        case 'ping': this.send({ type: 'pong' }); break;
      }
    };
    ws.onclose = (ev) => {
      this.acked = false;
      // 4403: the server refused the token; retrying with the same one cannot help.
      if (ev.code === 4403) { this.opts.onStatus('unauthorized', 'The server refused the token.'); return; }
      const delay = Math.min(15000, 1000 * 2 ** this.retries++);
      this.opts.onStatus('offline', `Reconnecting in ${Math.round(delay / 1000)} s`);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}
