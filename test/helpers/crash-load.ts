// Writes under fire, shared by test/integration/crash.test.ts and bench/crash/run.ts.
// A load generator whose every request writes unique, recorded ASNs, and a checker that
// compares the database with what the clients were told: an acknowledged write must
// survive a SIGKILL of the gateway, and a write whose answer was lost must be all-or-none.
import { Client } from 'pg';
import { seededRandom } from './rng';

const AS_PATH = '/api/peering/autonomous-systems/';
const AS_TYPE = 'peering.autonomoussystem';
// The 32-bit private range, so the load never collides with anything else in the database.
const ASN_BASE = 4_200_000_000;

type Kind = 'gql-create' | 'gql-bulk' | 'pm-bulk' | 'pm-patch' | 'gql-update' | 'pm-delete' | 'gql-delete';
/** acked: 2xx and the whole body read; failed: a whole error answer; unknown: no whole answer. */
type Outcome = 'acked' | 'failed' | 'unknown';

interface Write {
  n: number;
  kind: Kind;
  asns: number[];
  action: 'create' | 'update' | 'delete';
  description?: string;
  outcome?: Outcome;
  requestId?: string;
}

/** What the clients know about one object. Only objects in a known state are written again. */
interface Known {
  asn: number;
  id: number | null;
  exists: 'yes' | 'no' | 'maybe';
  descriptions: string[]; // values the row may hold; one when known
  busy: boolean;
  settled: boolean;
}

export interface Verdict {
  acked: number;
  unknown: number;
  failed: number;
  /** Unanswered writes that did commit: the kill fell between COMMIT and the answer. */
  unknownApplied: number;
  ackedLost: string[];
  halfPresent: string[];
  missingChanges: string[];
}

export class CrashLoad {
  private readonly rand: () => number;
  private readonly writes: Write[] = [];
  private readonly known = new Map<number, Known>();
  private nextAsn = ASN_BASE;
  private stopping = false;

  constructor(seed: number, private readonly token: string) {
    this.rand = seededRandom(seed);
  }

  /** A seeded integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }

  /**
   * `clients` concurrent loops of writes against the gateway on `port`. halt() lets no
   * new write start (those in flight carry on, for the kill to cut); settled() waits for them.
   */
  start(port: number, clients: number): { halt(): void; settled(): Promise<void> } {
    this.stopping = false;
    const loops = Array.from({ length: clients }, async () => {
      while (!this.stopping) await this.one(port);
    });
    return { halt: () => { this.stopping = true; }, settled: async () => { await Promise.all(loops); } };
  }

  /** Resolves once `count` writes have been acknowledged in all, so a kill lands in a working load. */
  async until(count: number): Promise<void> {
    while (this.acked < count) await new Promise((r) => setTimeout(r, 10));
  }

  get acked(): number {
    return this.writes.filter((w) => w.outcome === 'acked').length;
  }

  private asns(count: number): number[] {
    return Array.from({ length: count }, () => this.nextAsn++);
  }

  /** Up to `count` objects in a known, present state, reserved for this write. */
  private take(count: number): Known[] {
    const free = [...this.known.values()].filter((k) => k.settled && !k.busy && k.exists === 'yes');
    const picked: Known[] = [];
    while (picked.length < count && free.length) picked.push(free.splice(Math.floor(this.rand() * free.length), 1)[0]);
    for (const k of picked) k.busy = true;
    return picked;
  }

  private plan(): { w: Write; targets: Known[] } {
    const n = this.writes.length;
    const r = this.rand();
    const kind: Kind = r < 0.2 ? 'gql-create' : r < 0.4 ? 'gql-bulk' : r < 0.6 ? 'pm-bulk' : r < 0.72 ? 'pm-patch' : r < 0.8 ? 'gql-update' : r < 0.9 ? 'pm-delete' : 'gql-delete';
    if (kind === 'pm-patch' || kind === 'gql-update' || kind === 'pm-delete' || kind === 'gql-delete') {
      const update = kind === 'pm-patch' || kind === 'gql-update';
      const targets = this.take(update ? 1 : this.between(2, 5));
      if (targets.length) {
        return { w: { n, kind, action: update ? 'update' : 'delete', asns: targets.map((t) => t.asn), description: update ? `w${n}` : undefined }, targets };
      }
    }
    const create: Kind = kind === 'gql-bulk' || kind === 'pm-bulk' ? kind : 'gql-create';
    return { w: { n, kind: create, action: 'create', asns: this.asns(create === 'gql-create' ? 1 : this.between(2, 10)) }, targets: [] };
  }

  private async one(port: number): Promise<void> {
    const { w, targets } = this.plan();
    this.writes.push(w);
    if (w.action === 'create') {
      for (const asn of w.asns) this.known.set(asn, { asn, id: null, exists: 'maybe', descriptions: [''], busy: false, settled: false });
    }
    let ids: Map<number, number> | null = null;
    try {
      const res = await this.send(port, w, targets);
      w.requestId = res.requestId;
      w.outcome = res.ok ? 'acked' : 'failed';
      ids = res.ids;
    } catch {
      w.outcome = 'unknown';
    }
    this.settle(w, targets, ids);
  }

  /** Updates what the clients know from the write's outcome. */
  private settle(w: Write, targets: Known[], ids: Map<number, number> | null): void {
    const acked = w.outcome === 'acked';
    if (w.action === 'create') {
      for (const asn of w.asns) {
        const k = this.known.get(asn)!;
        if (acked) Object.assign(k, { id: ids!.get(asn), exists: 'yes', settled: true });
      }
      return;
    }
    for (const k of targets) {
      k.busy = false;
      if (w.action === 'update') k.descriptions = acked ? [w.description!] : [...k.descriptions, w.description!];
      else k.exists = acked ? 'no' : 'maybe';
      // An object whose last write has no answer is left alone: its state is one of two.
      if (!acked) k.settled = false;
    }
  }

  private async send(port: number, w: Write, targets: Known[]): Promise<{ ok: boolean; requestId: string; ids: Map<number, number> }> {
    const base = `http://127.0.0.1:${port}`;
    const headers = { 'Content-Type': 'application/json', Authorization: `Token ${this.token}` };
    const items = w.asns.map((asn, i) => ({ asn, name: `crash-${w.n}-${i}` }));
    const ids = new Map<number, number>();
    const rest = async (method: string, path: string, body: unknown, status: number) => {
      const res = await fetch(base + path, { method, headers, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
      const text = await res.text();
      return { ok: res.status === status, json: text ? JSON.parse(text) : null, requestId: res.headers.get('x-request-id') ?? '' };
    };
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const r = await rest('POST', '/graphql', { query, variables }, 200);
      return { ...r, ok: r.ok && !r.json?.errors && !!r.json?.data, data: r.json?.data };
    };
    const rows = (list: { id: string | number; asn: string | number }[]) => { for (const x of list) ids.set(Number(x.asn), Number(x.id)); };
    switch (w.kind) {
      case 'gql-create': {
        const r = await gql('mutation($i: AutonomousSystemCreateInput!) { createAutonomousSystem(input: $i) { id asn } }', { i: items[0] });
        if (r.ok) rows([r.data.createAutonomousSystem]);
        return { ok: r.ok, requestId: r.requestId, ids };
      }
      case 'gql-bulk': {
        const r = await gql('mutation($i: [AutonomousSystemCreateInput!]!) { createAutonomousSystems(inputs: $i) { id asn } }', { i: items });
        if (r.ok) rows(r.data.createAutonomousSystems);
        return { ok: r.ok && r.data.createAutonomousSystems.length === items.length, requestId: r.requestId, ids };
      }
      case 'pm-bulk': {
        const r = await rest('POST', AS_PATH, items, 201);
        if (r.ok) rows(r.json);
        return { ok: r.ok && r.json.length === items.length, requestId: r.requestId, ids };
      }
      case 'pm-patch': {
        const r = await rest('PATCH', `${AS_PATH}${targets[0].id}/`, { description: w.description }, 200);
        return { ok: r.ok && r.json.description === w.description, requestId: r.requestId, ids };
      }
      case 'gql-update': {
        const r = await gql('mutation($id: ID!, $d: String!) { updateAutonomousSystem(id: $id, input: {description: $d}) { description } }', { id: String(targets[0].id), d: w.description });
        return { ok: r.ok && r.data.updateAutonomousSystem.description === w.description, requestId: r.requestId, ids };
      }
      case 'pm-delete': {
        const r = await rest('DELETE', AS_PATH, targets.map((t) => ({ id: t.id })), 204);
        return { ok: r.ok, requestId: r.requestId, ids };
      }
      case 'gql-delete': {
        const r = await gql('mutation($ids: [ID!]!) { deleteAutonomousSystems(ids: $ids) }', { ids: targets.map((t) => String(t.id)) });
        return { ok: r.ok && r.data.deleteAutonomousSystems === targets.length, requestId: r.requestId, ids };
      }
    }
  }

  /** Compares the database with everything the clients were told so far. */
  async verify(databaseUrl: string): Promise<Verdict> {
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const present = new Map<number, { id: number; description: string }>();
      const asRows = await db.query('select id, asn, description from peering_autonomoussystem where asn >= $1', [ASN_BASE]);
      for (const r of asRows.rows) present.set(Number(r.asn), { id: r.id, description: r.description });
      const changes = new Set<string>();
      const created = new Set<number>();
      const chRows = await db.query('select action, changed_object_id, request_id from core_object_change where changed_object_type = $1', [AS_TYPE]);
      for (const r of chRows.rows) {
        changes.add(`${r.request_id} ${r.action} ${r.changed_object_id}`);
        if (r.action === 'create') created.add(Number(r.changed_object_id));
      }
      return this.judge(present, changes, created);
    } finally {
      await db.end();
    }
  }

  private judge(present: Map<number, { id: number; description: string }>, changes: Set<string>, created: Set<number>): Verdict {
    const v: Verdict = { acked: 0, unknown: 0, failed: 0, unknownApplied: 0, ackedLost: [], halfPresent: [], missingChanges: [] };
    const done = this.writes.filter((w) => w.outcome);
    for (const w of done) v[w.outcome!]++;
    // Every object's row agrees with its acknowledged history.
    for (const k of this.known.values()) {
      const row = present.get(k.asn);
      if (k.exists === 'yes' && !row) v.ackedLost.push(`AS${k.asn} acknowledged but missing`);
      if (k.exists === 'no' && row) v.ackedLost.push(`AS${k.asn} deleted (acknowledged) but present`);
      if (row && k.exists !== 'no' && !k.descriptions.includes(row.description)) {
        v.ackedLost.push(`AS${k.asn} description "${row.description}", expected one of ${JSON.stringify(k.descriptions)}`);
      }
    }
    for (const w of done) {
      const rows = w.asns.map((asn) => present.get(asn));
      // A write without a whole answer happened entirely or not at all.
      if (w.outcome !== 'acked') {
        const n = rows.filter(Boolean).length;
        if (w.action !== 'update' && n && n < rows.length) v.halfPresent.push(`#${w.n} ${w.kind} (${w.outcome}): ${n} of ${rows.length} present`);
        const applied = w.action === 'create' ? n === rows.length : w.action === 'delete' ? n === 0 : rows[0]?.description === w.description;
        if (w.outcome === 'unknown' && applied) v.unknownApplied++;
      }
      // An acknowledged write left its change records, under the request id it answered with.
      if (w.outcome === 'acked') {
        for (const asn of w.asns) {
          const id = this.known.get(asn)!.id;
          if (!changes.has(`${w.requestId} ${w.action} ${id}`)) v.missingChanges.push(`#${w.n} ${w.kind}: no ${w.action} change for AS${asn} (id ${id}) under ${w.requestId}`);
        }
      }
    }
    // No object exists without its creation record (this covers the unanswered creates too).
    for (const [asn, row] of present) if (!created.has(row.id)) v.missingChanges.push(`AS${asn} (id ${row.id}) has no create change`);
    return v;
  }
}
