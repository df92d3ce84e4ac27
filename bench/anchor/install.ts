// The anchor's packages (PostGraphile 4, pg, pglite-socket) live in bench/anchor/node_modules,
// pinned by this folder's package-lock.json and installed the first time a bench needs them:
// the project's own install (and CI) never downloads them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ANCHOR_DIR = __dirname;

/** `npm ci` here unless node_modules was installed from this very lock file (its hash is kept beside). */
export function installAnchor(): void {
  const lock = createHash('sha256').update(readFileSync(join(ANCHOR_DIR, 'package-lock.json'))).digest('hex');
  const installedFrom = join(ANCHOR_DIR, 'node_modules/.installed-from-lock');
  if (existsSync(installedFrom) && readFileSync(installedFrom, 'utf8') === lock) return;
  console.log('installing the anchor (PostGraphile) into bench/anchor/node_modules');
  execFileSync('npm', ['ci', '--prefix', ANCHOR_DIR, '--no-audit', '--no-fund', '--ignore-scripts'], { stdio: 'inherit' });
  writeFileSync(installedFrom, lock);
}

/** A package of the anchor's, loaded from bench/anchor/node_modules (untyped: the project does not depend on it). */
export function anchorRequire(name: string): any {
  return require(require.resolve(name, { paths: [ANCHOR_DIR] }));
}
