// How a checkout of PeerGate runs in production, so benches measure what operators run: `npm start`
// runs the compiled dist/ (built here first when a source is newer than the last build) in a checkout
// that has a build (scripts/build.js); before the build existed, `npm start` ran the sources through tsx.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Entry } from '../test/helpers/process';

export function productionEntry(dir: string): Entry {
  const cwd = resolve(dir);
  if (!existsSync(resolve(cwd, 'scripts/build.js'))) return { cwd, argv: ['--import', 'tsx', 'src/main.ts'] };
  execFileSync(process.execPath, ['scripts/build.js', '--if-stale'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  return { cwd, argv: ['dist/src/main.js'] };
}

/** The entry as a report's words. */
export const entryWords = (e: Entry): string => (e.argv[0] === '--import' ? 'the sources through tsx' : 'the compiled dist/');
