// bench/pdb-query's requests against two builds side by side in one run: the working tree
// ("after") and a temporary worktree of a git ref ("before"), each its own process on its own
// database holding the same bench/pdb-gen rows; the sides alternate per request kind, twice,
// so a drift in the machine's load hits both. Ratios are after / before p50.
//   BENCH_BEFORE=<git ref> npx tsx bench/pdb-query/before-after.ts [--scale 1]                 (PGlite in memory)
//   BENCH_BEFORE=<git ref> BENCH_DB=postgres npx tsx bench/pdb-query/before-after.ts [--scale 1] (a PostgreSQL 15 server per side)
// BENCH_ONLY=<regex> narrows the request kinds; a kind that fails on a side is reported as such.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { measure, machine, fmt, writeSection } from '../lib';
import { generatePdb } from '../pdb-gen/generate';
import { pdbCases } from './cases';
import { startPostgres, type PgServer } from '../../test/helpers/postgres';

const here = resolve(__dirname, '../..');
const ROUNDS = 2;

interface Side { name: string; child: ChildProcess; base: string; token: string; db: PgServer | null }

async function startSide(name: string, root: string, scale: number, postgres: boolean): Promise<Side> {
  const db = postgres ? await startPostgres() : null;
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'bench/pdb-query/serve.ts'), root, String(scale)], {
    cwd: root, env: { ...process.env, LOG_LEVEL: 'silent', ...(db ? { DATABASE_URL: db.url } : {}) }, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ base: string; token: string }>((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`${name} side exited with ${code}`)));
    lines.on('line', (line) => { if (line.startsWith('{')) ok(JSON.parse(line)); else console.log(`[${name}] ${line}`); });
  });
  return { name, child, db, ...ready };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const ref = process.env.BENCH_BEFORE;
  if (!ref) throw new Error('BENCH_BEFORE=<git ref> names the build to compare against');
  const scaleArg = process.argv.indexOf('--scale');
  const scale = scaleArg >= 0 ? Number(process.argv[scaleArg + 1]) : 1;
  const postgres = process.env.BENCH_DB === 'postgres';
  const git = (...args: string[]) => execFileSync('git', args, { cwd: here, encoding: 'utf8' }).trim();
  const commit = git('rev-parse', '--short', ref);
  const head = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? ' + working tree' : ''}`;
  const tree = join(mkdtempSync(join(tmpdir(), 'peergate-pdb-before-')), 'tree');
  execFileSync('git', ['worktree', 'add', '--detach', tree, commit], { cwd: here, stdio: 'ignore' });
  symlinkSync(join(here, 'node_modules'), join(tree, 'node_modules'));
  const sides: Side[] = [];
  try {
    // One at a time: loading 220,000 rows is heavy, and the two must not slow each other's start.
    sides.push(await startSide('before', tree, scale, postgres));
    sides.push(await startSide('after', here, scale, postgres));
    const fetchText = async (s: Side, path: string) => {
      const r = await fetch(`${s.base}/${path}`, { headers: { Authorization: `Api-Key ${s.token}` } });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`${s.name} ${path}: ${r.status} ${text.slice(0, 200)}`);
      return text;
    };
    const get = async (s: Side, path: string) => (await fetchText(s, path)).length;
    // The two builds must give the same answer (the same JSON, key order included; spacing aside).
    const sameAnswer = async (path: string) => {
      const [b, a] = await Promise.all(sides.map(async (s) => JSON.parse(await fetchText(s, path))));
      delete b.meta?.generated; delete a.meta?.generated;
      return JSON.stringify(a) === JSON.stringify(b);
    };
    const lines = [
      '| request | n × rounds | conc | before p50 ms | after p50 ms | after / before p50 | before p99 ms | after p99 ms | same answer (i = 0, 1) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ];
    const only = new RegExp(process.env.BENCH_ONLY ?? '');
    for (const [name, path, n, conc] of pdbCases(generatePdb(scale)).filter((c) => only.test(c[0]))) {
      try {
        const p50 = new Map<string, number[]>();
        const p99 = new Map<string, number[]>();
        const same = (await sameAnswer(path(0))) && (await sameAnswer(path(1)));
        for (let round = 0; round < ROUNDS; round++) {
          for (const s of round % 2 ? [...sides].reverse() : sides) {
            const st = await measure(n, conc, async (i) => { await get(s, path(i)); });
            (p50.get(s.name) ?? p50.set(s.name, []).get(s.name)!).push(st.p50);
            (p99.get(s.name) ?? p99.set(s.name, []).get(s.name)!).push(st.p99);
          }
        }
        const [b50, a50] = [median(p50.get('before')!), median(p50.get('after')!)];
        lines.push(`| ${name} | ${n} × ${ROUNDS} | ${conc} | ${fmt(b50)} | ${fmt(a50)} | ${fmt(a50 / b50)}x | ${fmt(median(p99.get('before')!))} | ${fmt(median(p99.get('after')!))} | ${same ? 'yes' : '**no**'} |`);
      } catch (e) {
        lines.push(`| ${name} | ${n} × ${ROUNDS} | ${conc} | failed: ${String((e as Error).cause ?? (e as Error).message).slice(0, 120)} | | | | | |`);
      }
      console.log(lines[lines.length - 1]);
    }
    const data = generatePdb(scale);
    const db = postgres ? 'PostgreSQL 15 (a local server per side)' : 'embedded PGlite in memory (one per side)';
    writeSection(`pdb-query before-after (${postgres ? 'PostgreSQL' : 'PGlite'})`, `bench/pdb-query's requests against two builds side by side in one run, each its own process on ${db} holding
\`bench/pdb-gen\` at scale ${scale} (${data.net.length} net, ${data.netixlan.length} netixlan). Machine: ${machine()}. Date: ${new Date().toISOString().slice(0, 10)}.
before: ${commit}; after: ${head}. Each request kind runs ${ROUNDS} rounds per side, the sides alternating; medians of the rounds.

${lines.join('\n')}

Run: \`BENCH_BEFORE=<ref> ${postgres ? 'BENCH_DB=postgres ' : ''}npx tsx bench/pdb-query/before-after.ts [--scale 1]\`.`);
  } finally {
    for (const s of sides) s.child.stdin!.end();
    await Promise.all(sides.map((s) => new Promise((ok) => (s.child.exitCode !== null ? ok(null) : s.child.once('exit', ok)))));
    for (const s of sides) s.db?.stop();
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: here, stdio: 'ignore' });
    rmSync(resolve(tree, '..'), { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
