// Replays the GraphQL attacks of issue 12 ("bounded work per request") against an in-process
// PeerGate while sampling /healthz latency, event-loop delay and RSS; writes bench/RESULTS.md.
//   npx tsx bench/dos/graphql.ts [--rounds 30]
import './quiet';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getIntrospectionQuery } from 'graphql';
import { machine, fmt, writeSection } from '../lib';
import { startTestServer } from '../../test/helpers/server';
import * as dos from '../../test/helpers/dos';

interface Row { name: string; outcome: string; reqP50: number; reqMax: number; hzP50: number; hzP99: number; hzN: number; eldP99: number; eldMax: number; rssBefore: number; rssPeak: number }

async function main() {
  const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 30;
  const s = await startTestServer('pglite');
  const rows: Row[] = [];
  const mb = (n: number) => n / 2 ** 20;

  /** `rounds` runs of `attack` while /healthz, the event loop and RSS are sampled. */
  const run = async (name: string, attack: () => Promise<string>, times = rounds) => {
    global.gc?.();
    await new Promise((r) => setTimeout(r, 200));
    const eld = monitorEventLoopDelay({ resolution: 5 });
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const rssTimer = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 20);
    const outcomes = new Map<string, number>();
    const reqMs: number[] = [];
    eld.enable();
    const work = (async () => {
      for (let i = 0; i < times; i++) {
        const t = performance.now();
        const o = await attack();
        reqMs.push(performance.now() - t);
        outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
      }
    })();
    const hz = await dos.sampleHealthz(s.url, work);
    await work;
    eld.disable();
    clearInterval(rssTimer);
    rows.push({
      name, outcome: [...outcomes].map(([o, n]) => `${n}× ${o}`).join(', '),
      reqP50: dos.percentile(reqMs, 50), reqMax: Math.max(...reqMs),
      hzP50: dos.percentile(hz, 50), hzP99: dos.percentile(hz, 99), hzN: hz.length,
      eldP99: eld.percentile(99) / 1e6, eldMax: eld.max / 1e6, rssBefore: mb(rssBefore), rssPeak: mb(rssPeak),
    });
    console.log(JSON.stringify(rows[rows.length - 1]));
  };
  const http = (q: string) => async () => { const r = await dos.postGraphql(s.url, q); return `${r.status} ${r.code ?? 'ok'}`; };
  const ws = (q: string) => async () => (await dos.wsOperation(s.url, q)).code;

  await run('idle (no attack, 2 s)', async () => { await new Promise((r) => setTimeout(r, 2000)); return 'idle'; }, 1);
  await run('getIntrospectionQuery() (legitimate)', http(getIntrospectionQuery()));
  await run('23 fragments each spread twice (HTTP, anonymous)', http(dos.fragmentBomb()));
  await run('400 aliased lists, items in a fragment (HTTP)', http(dos.listsInFragments(400)));
  await run('3,000 aliased lists, items in a fragment (HTTP)', http(dos.listsInFragments(3000)));
  await run('50 aliased __schema { types { fields { name } } } (HTTP)', http(dos.introspectionAliases(50)));
  await run('200 aliased __schema { types { fields { name } } } (HTTP)', http(dos.introspectionAliases(200)));
  await run('9 MB document (HTTP)', http(dos.hugeDocument(9_000_000)));
  await run('90 KB document over the token limit (HTTP)', http(dos.hugeDocument(90_000)));
  await run('1,000 aliased lists (graphql-ws)', ws(dos.aliasedLists(1000)));
  await run('23 fragments each spread twice (graphql-ws)', ws(dos.fragmentBomb()));
  await run('8 sockets × 60 MB connection_init (graphql-ws)', async () => {
    const r = await Promise.all(Array.from({ length: 8 }, () => dos.floodConnectionInit(s.url, 60_000_000)));
    return `closed ${[...new Set(r.map((x) => x.closeCode))].join('/')}, ${r.some((x) => x.answered) ? 'answered' : 'unanswered'}, ≤ ${Math.ceil(mb(Math.max(...r.map((x) => x.sent))))} MiB sent`;
  }, Math.max(1, Math.round(rounds / 10)));
  await s.close();

  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const table = rows.map((r) => `| ${r.name} | ${r.outcome} | ${fmt(r.reqP50, 0)} / ${fmt(r.reqMax, 0)} | ${fmt(r.hzP50, 1)} / ${fmt(r.hzP99, 1)} (${r.hzN}) | ${fmt(r.eldP99, 1)} / ${fmt(r.eldMax, 1)} | ${fmt(r.rssBefore, 0)} → ${fmt(r.rssPeak, 0)} |`).join('\n');
  writeSection('dos-graphql', `
\`npx tsx bench/dos/graphql.ts --rounds ${rounds}\` on ${date}; ${machine()}. PeerGate in-process on PGlite in memory with the
default limits; each attack is sent ${rounds} times in a row (the 60 MB flood a tenth as often, 8 sockets at once each time) while \`/healthz\` is
fetched back to back (10 ms apart) and the server's event-loop delay (monitorEventLoopDelay, 5 ms resolution) and RSS
(every 20 ms; it includes the client, which shares the process) are sampled. Times in ms. The idle row is
the floor of the machine at that time (it may be shared); the 9 MB row is mostly reading and JSON-parsing the
body, which BODY_LIMIT allows, in the same process as the client that builds it.

| attack | answers | request p50 / max | /healthz p50 / p99 (samples) | event-loop delay p99 / max | RSS MiB before → peak |
| --- | --- | --- | --- | --- | --- |
${table}

Before these limits (issue 12): the fragment bomb was refused after 19 s with /healthz blocked; 3,000 lists in
fragments were answered in 9.6 s; 200 introspection aliases took 8.2 s (50: a 9.2 MB answer); a 9 MB document
blocked the process 23 s at a 3.5 GB peak; 8 anonymous 60 MB connection_init payloads raised RSS from 558 to 1,273 MB;
1,000 aliases ran over graphql-ws.
`);
  console.log('written to bench/RESULTS.md (dos-graphql)');
}

main().catch((e) => { console.error(e); process.exit(1); });
