// The anchor's packages (PostGraphile 4, pg, pglite-socket) live in bench/anchor/node_modules,
// pinned by this folder's package-lock.json and installed the first time a bench needs them:
// the project's own install (and CI) never downloads them.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ANCHOR_DIR = __dirname;

/** `npm ci` here unless node_modules already matches the lock file. */
export function installAnchor(): void {
  const installed = join(ANCHOR_DIR, 'node_modules/.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(join(ANCHOR_DIR, 'package-lock.json')).mtimeMs) return;
  console.log('installing the anchor (PostGraphile) into bench/anchor/node_modules');
  execFileSync('npm', ['ci', '--prefix', ANCHOR_DIR, '--no-audit', '--no-fund', '--ignore-scripts'], { stdio: 'inherit' });
}

/** A package of the anchor's, loaded from bench/anchor/node_modules (untyped: the project does not depend on it). */
export function anchorRequire(name: string): any {
  return require(require.resolve(name, { paths: [ANCHOR_DIR] }));
}
