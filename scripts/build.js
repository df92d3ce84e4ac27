#!/usr/bin/env node
// Compiles what ships (src/, rest-compat/, bgp-core/; tsconfig.build.json) into dist/.
//
//   node scripts/build.js             always rebuild
//   node scripts/build.js --if-stale  rebuild only when a source, tsconfig or package.json is newer
//                                     than the last build (npm's prepare and prestart use this)
//
// The new tree is compiled beside dist/ and swapped in whole, so dist/ never holds a half build or
// files of sources since removed. Concurrent builds (parallel test files, a start during a test run)
// wait on dist.lock instead of writing over each other.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const lock = path.join(root, 'dist.lock');
const SOURCES = ['src', 'rest-compat', 'bgp-core'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestSource() {
  let newest = 0;
  const visit = (p) => {
    let st;
    try { st = fs.statSync(p); } catch { return; }
    if (st.isDirectory()) { for (const e of fs.readdirSync(p)) visit(path.join(p, e)); return; }
    if (st.mtimeMs > newest) newest = st.mtimeMs;
  };
  for (const s of [...SOURCES, ...CONFIGS]) visit(path.join(root, s));
  return newest;
}

function stale() {
  try { return fs.statSync(stamp).mtimeMs < newestSource(); } catch { return true; }
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

function sleep(ms) { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); }

/** Takes dist.lock (a directory holding the owner's pid); a lock whose owner died is taken over. */
function acquire() {
  const until = Date.now() + 5 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let owner = 0;
    try { owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8')); } catch { /* being written */ }
    if (owner && !alive(owner)) { fs.rmSync(lock, { recursive: true, force: true }); continue; }
    if (Date.now() > until) throw new Error(`build: ${lock} held by pid ${owner} for 5 minutes`);
    sleep(200);
  }
}

function release() { fs.rmSync(lock, { recursive: true, force: true }); }

function tscPath() {
  try { return require.resolve('typescript/bin/tsc', { paths: [root] }); } catch { return null; }
}

function build() {
  const tsc = tscPath();
  if (!tsc) {
    if (fs.existsSync(path.join(dist, 'src/main.js'))) {
      console.error('build: typescript is not installed (a devDependency); running the existing dist/ as it is');
      return 0;
    }
    console.error('build: dist/ is missing and typescript is not installed; run `npm install` (with devDependencies) first');
    return 1;
  }
  const out = path.join(root, `dist.tmp-${process.pid}`);
  fs.rmSync(out, { recursive: true, force: true });
  const started = Date.now();
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', out], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    fs.rmSync(out, { recursive: true, force: true });
    console.error(`build: tsc failed (exit ${r.status ?? r.signal}); dist/ left as it was`);
    return 1;
  }
  fs.writeFileSync(path.join(out, '.build-stamp'), new Date(started).toISOString() + '\n');
  // The stamp's time is the build's start: a source saved while tsc ran makes the next check stale.
  fs.utimesSync(path.join(out, '.build-stamp'), new Date(started), new Date(started));
  const old = path.join(root, `dist.old-${process.pid}`);
  if (fs.existsSync(dist)) fs.renameSync(dist, old);
  fs.renameSync(out, dist);
  fs.rmSync(old, { recursive: true, force: true });
  console.error(`build: dist/ compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

function main() {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !stale()) return 0;
  acquire();
  try {
    // Another process may have built while this one waited for the lock.
    if (ifStale && !stale()) return 0;
    return build();
  } finally {
    release();
  }
}

process.exitCode = main();
