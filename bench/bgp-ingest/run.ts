// Full-table ingest: one BIRD feeder with N static routes (default 1,000,000 /24s) sends them to
// three receivers in turn: bgp-core (this process), GoBGP and a second BIRD. For each we measure the
// time from Established to the whole table received (End-of-RIB), and memory per stored prefix.
//   npx tsx --expose-gc bench/bgp-ingest/run.ts            (BENCH_ROUTES=100000 for a quick run)
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BgpSpeaker } from '../../bgp-core';
import { Bird, freePort, requireBinaries, startBird, startGobgp, waitFor } from '../../test/interop/daemons';
import { fmt, machine, writeSection } from '../lib';

const COUNT = Number(process.env.BENCH_ROUTES ?? 1_000_000);
const TIMEOUT = 600_000;

function staticFile(dir: string): string {
  const file = path.join(dir, 'feeder-static.conf');
  const lines: string[] = ['protocol static s4 {', '  ipv4;'];
  // /24s from 11.0.0.0 upwards: 65,536 per /8, so 1M routes span 11/8 .. 26/8.
  for (let i = 0; i < COUNT; i++) lines.push(`  route ${11 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24 blackhole;`);
  lines.push('}');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with --expose-gc (npx tsx --expose-gc bench/bgp-ingest/run.ts)');
  g();
  g();
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Result {
  name: string;
  seconds: number;
  bytesPerPrefix: number;
  memNote: string;
}

async function main(): Promise<void> {
  requireBinaries('bird', 'birdc', 'gobgpd', 'gobgp');
  gc();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-bench-'));
  const file = staticFile(dir);
  const corePort = await freePort('127.0.0.1');
  const feederPort = await freePort('127.0.0.10');
  const gobgpPort = await freePort('127.0.0.11');
  const birdRxPort = await freePort('127.0.0.12');
  const apiPort = await freePort('127.0.0.1');

  // 1. The feeder alone: how long BIRD takes to load the static table.
  const t0 = Date.now();
  const feeder: Bird = await startBird({
    routerId: '127.0.0.10',
    address: '127.0.0.10',
    port: feederPort,
    staticFile: file,
    nextHop: '198.18.0.2',
    peers: [
      { name: 'core', localAs: 65010, neighborAddress: '127.0.0.1', neighborPort: corePort, remoteAs: 65001, holdTime: 240, disabled: true, importNone: true },
      { name: 'gobgp', localAs: 65010, neighborAddress: '127.0.0.11', neighborPort: gobgpPort, remoteAs: 65011, holdTime: 240, disabled: true, importNone: true },
      { name: 'birdrx', localAs: 65010, neighborAddress: '127.0.0.12', neighborPort: birdRxPort, remoteAs: 65012, holdTime: 240, disabled: true, importNone: true },
    ],
  });
  await waitFor('feeder static table', async () => (await feeder.birdc('show', 'route', 'count')).includes(`${COUNT} of ${COUNT} routes`), TIMEOUT, 200);
  const feederLoad = (Date.now() - t0) / 1000;
  console.log(`feeder loaded ${COUNT} static routes in ${feederLoad}s`);
  const results: Result[] = [];

  try {
    // 2. bgp-core.
    {
      const speaker = new BgpSpeaker({ listen: { address: '127.0.0.1', port: corePort } });
      await speaker.start();
      let est = 0;
      let eor = 0;
      speaker.on('state', (e) => {
        if (e.to === 'ESTABLISHED') est = performance.now();
      });
      speaker.on('endOfRib', (e) => {
        if (e.family === 'ipv4') eor = performance.now();
      });
      gc();
      const heap0 = process.memoryUsage().heapUsed;
      const rss0 = process.memoryUsage().rss;
      speaker.addPeer({
        id: 'feeder',
        localAs: 65001,
        routerId: '127.0.0.1',
        localAddress: '127.0.0.1',
        remoteAddress: '127.0.0.10',
        remotePort: feederPort,
        remoteAs: 65010,
        holdTime: 240,
        connectRetryTime: 1,
        passive: true,
        families: ['ipv4'],
      });
      await feeder.birdc('enable', 'core');
      await waitFor('bgp-core End-of-RIB', () => eor > 0, TIMEOUT, 20);
      const got = speaker.info('feeder').received.ipv4;
      gc();
      const heap = process.memoryUsage().heapUsed - heap0;
      const rss = process.memoryUsage().rss - rss0;
      const secs = (eor - est) / 1000;
      console.log(`bgp-core: ${got} prefixes in ${secs}s, heap ${heap} B, rss ${rss} B`);
      if (got !== COUNT) throw new Error(`bgp-core received ${got} of ${COUNT}`);
      results.push({ name: 'bgp-core', seconds: secs, bytesPerPrefix: heap / got, memNote: `V8 heap delta after gc (RSS delta ${fmt(rss / got, 0)} B/prefix)` });
      await feeder.birdc('disable', 'core');
      await speaker.stop();
    }

    // 3. A second BIRD as receiver.
    {
      const rx = await startBird({
        routerId: '127.0.0.12',
        address: '127.0.0.12',
        port: birdRxPort,
        peers: [{ name: 'feeder', localAs: 65012, neighborAddress: '127.0.0.10', neighborPort: feederPort, remoteAs: 65010, holdTime: 240, exportStatic: false }],
      });
      try {
        await sleep(500);
        const rss0 = rssKb(rx.pid);
        await feeder.birdc('enable', 'birdrx');
        let est = 0;
        await waitFor('BIRD receiver Established', async () => {
          if ((await rx.birdc('show', 'protocols', 'feeder')).includes('Established')) est = performance.now();
          return est > 0;
        }, TIMEOUT, 20);
        await waitFor('BIRD receiver full table', async () => {
          const m = /Routes:\s+(\d+) imported/.exec(await rx.birdc('show', 'protocols', 'all', 'feeder'));
          return m !== null && Number(m[1]) >= COUNT;
        }, TIMEOUT, 20);
        const secs = (performance.now() - est) / 1000;
        const rss = (rssKb(rx.pid) - rss0) * 1024;
        console.log(`BIRD: ${secs}s, rss ${rss} B`);
        results.push({ name: 'BIRD 2.0.12 receiver', seconds: secs, bytesPerPrefix: rss / COUNT, memNote: 'process RSS delta' });
        await feeder.birdc('disable', 'birdrx');
      } finally {
        await rx.stop();
      }
    }

    // 4. GoBGP as receiver.
    {
      const g = await startGobgp({
        as: 65011,
        routerId: '127.0.0.11',
        address: '127.0.0.11',
        port: gobgpPort,
        apiPort,
        neighbors: [{ address: '127.0.0.10', peerAs: 65010, remotePort: feederPort, holdTime: 240 }],
      });
      try {
        await sleep(500);
        const rss0 = rssKb(g.pid);
        await feeder.birdc('enable', 'gobgp');
        let est = 0;
        await waitFor('GoBGP Established', async () => {
          if (/Establ/.test(await g.cli('neighbor'))) est = performance.now();
          return est > 0;
        }, TIMEOUT, 20);
        await waitFor('GoBGP full table', async () => {
          const m = /Accepted:\s+(\d+)/.exec(await g.cli('neighbor', '127.0.0.10'));
          return m !== null && Number(m[1]) >= COUNT;
        }, TIMEOUT, 100);
        const secs = (performance.now() - est) / 1000;
        const rss = (rssKb(g.pid) - rss0) * 1024;
        console.log(`GoBGP: ${secs}s, rss ${rss} B`);
        results.push({ name: 'GoBGP 3.10.0 receiver', seconds: secs, bytesPerPrefix: rss / COUNT, memNote: 'process RSS delta' });
      } finally {
        await g.stop();
      }
    }
  } finally {
    await feeder.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const bird = results.find((r) => r.name.startsWith('BIRD'));
  const core = results.find((r) => r.name === 'bgp-core');
  const nproc = execSync('nproc').toString().trim();
  const free = execSync('free -g').toString().trimEnd();
  const rows = results.map((r) => `| ${r.name} | ${fmt(r.seconds)} | ${fmt(r.bytesPerPrefix, 0)} | ${r.memNote} |`).join('\n');
  const ratio = bird && core ? core.seconds / bird.seconds : NaN;
  writeSection(
    'bgp-ingest',
    `Run ${new Date().toISOString()} on ${machine()}; \`nproc\` = ${nproc}; \`free -g\`:

\`\`\`
${free}
\`\`\`

One BIRD 2.0.12 feeder (static protocol, ${COUNT.toLocaleString('en-US')} \`route x.y.z.0/24 blackhole;\` lines,
one attribute set) sends the table over eBGP on loopback to each receiver in turn (not concurrently).
Feeder alone: loading the static table took ${fmt(feederLoad)} s (BIRD start to \`show route count\` = ${COUNT}).
Time is Established -> whole table received: bgp-core from its own events (End-of-RIB), BIRD and GoBGP
by polling their CLIs every 20/100 ms (so those times carry that much slack).

| receiver | seconds | bytes per prefix | memory measured as |
| --- | ---: | ---: | --- |
${rows}

bgp-core / BIRD time: ${fmt(ratio)}x (target <= 2x). bgp-core bytes per prefix: ${core ? fmt(core.bytesPerPrefix, 0) : 'n/a'} (target < 150).
Reproduce: \`npx tsx --expose-gc bench/bgp-ingest/run.ts\` (BENCH_ROUTES to change the size).
`,
  );
  console.log('written to bench/RESULTS.md');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
