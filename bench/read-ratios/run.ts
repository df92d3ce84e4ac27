// Issue 16's read ratios, measured side by side in one run: one page of 50 of the 30,000
// autonomous systems with their tags, import/export routing policies and communities, read four
// ways from the same database, in alternating rounds, 4 concurrent clients each:
//   floor        one SQL statement, PostgreSQL writes the JSON, express sends it (bench/as-floor)
//   REST         PeerGate's GET /api/peering/autonomous-systems/?limit=50&offset=N
//   GraphQL      PeerGate's POST /graphql with the very document REST runs (rest-compat's, so the same data)
//   PostGraphile 4, the anchor (bench/anchor), its own naming, the pivot tables for the many-to-many
// The four answer the same page (checked before timing). Servers run as their own processes:
// the gateway with the floor beside it (bench/read-ratios/serve.ts, as `npm start` runs, the flags
// of package.json's start script) and PostGraphile (bench/anchor/serve.ts, same flags); server CPU
// per request is theirs and, on PostgreSQL, the database server's.
//   npx tsx bench/read-ratios/run.ts                    (PGlite in memory; PostGraphile through pglite-socket)
//   BENCH_DB=postgres npx tsx bench/read-ratios/run.ts  (a throwaway PostgreSQL 15 server)
//   BENCH_CPU_PROF=<dir> ...                            the servers write CPU profiles there (bench/servers)
//   BENCH_PATHS=rest,anchor ...                         only these paths (floor, rest, graphql, anchor), e.g. to profile one
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { measure, machine, fmt, mergeRounds, median, writeSection, type Stats } from '../lib';
import { AS_ROWS as ROWS } from '../as-dataset';
import { PAGE, postGraphql, restListBody } from '../as-requests';
import { cpuMs, postgresCpuMs, startScript, startServerProcess } from '../servers';
import { installAnchor } from '../anchor/install';
import type { GatewayReady } from './serve';
import { endpoint } from '../../rest-compat/peering-manager/registry';
import { shapeFor } from '../../rest-compat/core/projection';
import { documentFor } from '../../rest-compat/core/documents';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const WARM_UP = 50;
const here = resolve(__dirname, '../..');

// PostGraphile's names for the same selection: the table's columns, and each many-to-many
// through its pivot table's connection.
const ANCHOR_QUERY = `query($offset: Int) { allPeeringAutonomoussystems(first: ${PAGE}, offset: $offset, orderBy: [ASN_ASC, AFFILIATED_ASC, ID_ASC]) {
  totalCount nodes {
    id created updated description comments asn name irrAsSet namePeeringdbSync irrAsSetPeeringdbSync ipv6MaxPrefixes ipv6MaxPrefixesPeeringdbSync
    ipv4MaxPrefixes ipv4MaxPrefixesPeeringdbSync retrievePrefixes retrieveAsList irrSourcesOverride irrIpv6PrefixesArgsOverride
    irrIpv4PrefixesArgsOverride affiliated localContextData
    tags: peeringAutonomoussystemTagsByAutonomousSystemId { nodes { o: extrasTagByTagId { id name slug color } } }
    importRoutingPolicies: peeringAutonomoussystemImportRoutingPoliciesByAutonomousSystemId { nodes { o: peeringRoutingpolicyByRoutingPolicyId { id name slug type } } }
    exportRoutingPolicies: peeringAutonomoussystemExportRoutingPoliciesByAutonomousSystemId { nodes { o: peeringRoutingpolicyByRoutingPolicyId { id name slug type } } }
    communities: peeringAutonomoussystemCommunitiesByAutonomousSystemId { nodes { o: bgpCommunityByCommunityId { id name slug value type } } }
  } } }`;

/** What must agree between the four: the count, and per row its id and its related objects' ids. */
interface Page { count: number; rows: { id: unknown; related: { id: unknown }[][] }[] }

interface Path { key: string; label: string; read(offset: number): Promise<Page> }

function paths(gw: GatewayReady, anchorBase: string): Path[] {
  const d = endpoint('peering', 'autonomous-systems')!.d;
  const restDocument = documentFor('list', d, shapeFor(d, {}).selection).text;
  const fromRest = (b: any): Page => ({
    count: b.count,
    rows: b.results.map((r: any) => ({ id: r.id, related: [r.tags, r.import_routing_policies, r.export_routing_policies, r.communities] })),
  });
  return [
    {
      key: 'floor', label: 'floor: one SQL statement (count, json_agg), its JSON text sent by express',
      read: async (offset) => fromRest(await (await fetch(`${gw.floor}/?offset=${offset}`)).json()),
    },
    {
      key: 'rest', label: `PeerGate REST: \`GET /api/peering/autonomous-systems/?limit=${PAGE}&offset=N\``,
      read: async (offset) => fromRest(await restListBody(gw.base, gw.token, offset)),
    },
    {
      key: 'graphql', label: "PeerGate GraphQL: `POST /graphql`, the document REST runs (rest-compat's, same fields)",
      read: async (offset) => {
        const { autonomousSystems: a } = await postGraphql(`${gw.base}/graphql`, restDocument, { limit: PAGE, offset }, gw.token);
        return { count: a.totalCount, rows: a.items.map((r: any) => ({ id: r.id, related: [r.tags, r.importRoutingPolicies, r.exportRoutingPolicies, r.communities] })) };
      },
    },
    {
      key: 'anchor', label: 'PostGraphile 4.14.1: `allPeeringAutonomoussystems`, many-to-many through the pivot tables',
      read: async (offset) => {
        const { allPeeringAutonomoussystems: a } = await postGraphql(`${anchorBase}/graphql`, ANCHOR_QUERY, { offset });
        const objects = (c: any) => c.nodes.map((n: any) => n.o);
        return { count: a.totalCount, rows: a.nodes.map((r: any) => ({ id: r.id, related: [objects(r.tags), objects(r.importRoutingPolicies), objects(r.exportRoutingPolicies), objects(r.communities)] })) };
      },
    },
  ];
}

const signature = (p: Page) => JSON.stringify([p.count, p.rows.map((r) => [Number(r.id), r.related.map((xs) => xs.map((x) => Number(x.id)).sort((a, b) => a - b))])]);

/** Every path answers the same page, and a full one. */
async function checkSamePage(ps: Path[], offset: number): Promise<void> {
  const pages = await Promise.all(ps.map((p) => p.read(offset)));
  if (pages[0].rows.length !== PAGE) throw new Error(`floor: ${pages[0].rows.length} rows, not ${PAGE}`);
  for (const [i, p] of ps.entries()) {
    if (signature(pages[i]) !== signature(pages[0])) throw new Error(`${p.key} answers another page than the floor at offset ${offset}:\n${signature(pages[i]).slice(0, 300)}\n${signature(pages[0]).slice(0, 300)}`);
  }
}

interface Row { key: string; label: string; perSecond: number; p50: number; p99: number; nodeCpu: number; dbCpu: number; cpu: number }

async function main(): Promise<void> {
  installAnchor();
  const load = loadavg()[0];
  const start = startScript(here);
  const run = { env: { ...start.env, LOG_LEVEL: 'silent' }, nodeFlags: start.flags };
  const gateway = await startServerProcess<GatewayReady>('gateway', join(__dirname, 'serve.ts'), [], run);
  const gw = gateway.ready;
  // PostGraphile gets as many connections as the gateway's pool: 10 on PostgreSQL, one on PGlite
  // (a single session; its socket serialises every message anyway).
  const anchor = await startServerProcess<{ base: string; pid: number }>('postgraphile', join(__dirname, '../anchor/serve.ts'), [gw.anchorDatabaseUrl, gw.postmaster ? '10' : '1'], run)
    .catch(async (e) => { await gateway.stop(); throw e; });
  try {
    const all = paths(gw, anchor.ready.base);
    for (const offset of [0, 100, ROWS - PAGE]) await checkSamePage(all, offset);
    const only = process.env.BENCH_PATHS?.split(',');
    const ps = only ? all.filter((p) => only.includes(p.key)) : all;
    const offsets = Array.from({ length: REQUESTS * ROUNDS }, (_, i) => (i * 7919) % (ROWS - PAGE));
    const fullPage = (p: Path) => async (offset: number) => {
      const page = await p.read(offset);
      if (page.rows.length !== PAGE) throw new Error(`${p.key}: short page`);
    };
    for (const p of ps) await measure(WARM_UP, 1, (i) => fullPage(p)(offsets[i % offsets.length]));
    const cpu = () => ({ node: cpuMs(gw.pid) + cpuMs(anchor.ready.pid), db: gw.postmaster ? postgresCpuMs(gw.postmaster) : 0 });
    const results = new Map<string, { stats: Stats[]; node: number[]; db: number[] }>(ps.map((p) => [p.key, { stats: [], node: [], db: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order, so a drift in the machine's load hits every path alike.
      for (const p of round % 2 ? [...ps].reverse() : ps) {
        const r = results.get(p.key)!;
        const c0 = cpu();
        r.stats.push(await measure(REQUESTS, CONCURRENCY, (i) => fullPage(p)(offsets[round * REQUESTS + i])));
        const c1 = cpu();
        r.node.push((c1.node - c0.node) / REQUESTS);
        r.db.push((c1.db - c0.db) / REQUESTS);
      }
    }
    const rows: Row[] = ps.map((p) => {
      const r = results.get(p.key)!;
      const node = median(r.node);
      const db = median(r.db);
      return { key: p.key, label: p.label, ...mergeRounds(r.stats), nodeCpu: node, dbCpu: db, cpu: median(r.node.map((n, i) => n + r.db[i])) };
    });
    if (only) { // a partial run (a profile) is not the bench's result
      console.log(pathTable(rows, gw.postmaster !== null));
      return;
    }
    const body = report(rows, gw, load);
    writeSection(`read-ratios (${gw.postmaster ? 'PostgreSQL' : 'PGlite'})`, body);
    console.log(body);
  } finally {
    await anchor.stop();
    await gateway.stop();
  }
}

function pathTable(rows: Row[], postgres: boolean): string {
  return `| path | requests/s | p50 ms | p99 ms | node CPU ms/request | ${postgres ? 'PostgreSQL' : 'database (in node)'} CPU ms/request | server CPU ms/request |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.map((r) => `| ${r.label} | ${fmt(r.perSecond, 1)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.nodeCpu)} | ${postgres ? fmt(r.dbCpu) : '-'} | ${fmt(r.cpu)} |`).join('\n')}`;
}

function report(rows: Row[], gw: GatewayReady, load: number): string {
  const by = Object.fromEntries(rows.map((r) => [r.key, r])) as Record<'floor' | 'rest' | 'graphql' | 'anchor', Row>;
  const postgres = gw.postmaster !== null;
  // "a is k x b": a takes k times b's time; from throughput, p50 and CPU alike.
  const ratio = (label: string, a: Row, b: Row) =>
    `| ${label} | ${fmt(b.perSecond / a.perSecond)}x | ${fmt(a.p50 / b.p50)}x | ${fmt(a.p99 / b.p99)}x | ${fmt(a.cpu / b.cpu)}x |`;
  const goal = (text: string, met: boolean) => `- ${text}: **${met ? 'met' : 'NOT met'}**`;
  // Judged as shown (two decimals).
  const shown = (x: number) => Number(fmt(x));
  const restFloor = shown(by.floor.perSecond / by.rest.perSecond);
  const gqlRest = shown(by.rest.perSecond / by.graphql.perSecond);
  return `Run ${new Date().toISOString()} on ${machine()}; load average ${fmt(load, 1)} at start; ${gw.db}.
One page of ${PAGE} of ${ROWS.toLocaleString('en')} autonomous systems (full Peering Manager representation: tags, import and export routing
policies, communities, and the count) at varying offsets, read four ways from the same database; ${CONCURRENCY} concurrent clients,
${ROUNDS} rounds of ${REQUESTS} requests per path, the paths alternating in each round (medians of the rounds shown). Before timing,
all four are checked to answer the same page (count, rows, related ids). Server CPU is user + system time per request of the
gateway process (which also serves the floor) and PostGraphile's process${postgres ? ', plus the PostgreSQL server\'s processes' : '; PGlite runs inside the gateway process (PostGraphile reaches it through pglite-socket), so the database is in the gateway\'s figure'}.
PostGraphile runs with one pool ${postgres ? 'of 10 connections, as the gateway\'s' : 'of one connection, as the gateway\'s embedded driver'}, no authentication (PeerGate's paths check a token).

${pathTable(rows, postgres)}

| ratio (time of the first / time of the second) | by requests/s | p50 | p99 | server CPU |
| --- | ---: | ---: | ---: | ---: |
${ratio('REST / floor', by.rest, by.floor)}
${ratio('GraphQL / REST', by.graphql, by.rest)}
${ratio('REST / PostGraphile', by.rest, by.anchor)}
${ratio('GraphQL / PostGraphile', by.graphql, by.anchor)}
${ratio('floor / PostGraphile', by.floor, by.anchor)}

Issue 16's goals, by requests/s:
${goal(`REST <= 1.5x the floor: ${fmt(restFloor)}x`, restFloor <= 1.5)}
${goal(`GraphQL <= 1.1x REST: ${fmt(gqlRest)}x`, gqlRest <= 1.1)}
${goal(`REST ahead of PostGraphile: ${fmt(by.rest.perSecond, 1)} vs ${fmt(by.anchor.perSecond, 1)} requests/s`, by.rest.perSecond > by.anchor.perSecond)}
${goal(`GraphQL ahead of PostGraphile: ${fmt(by.graphql.perSecond, 1)} vs ${fmt(by.anchor.perSecond, 1)} requests/s`, by.graphql.perSecond > by.anchor.perSecond)}
`;
}

main().catch((e) => { console.error(e); process.exit(1); });
