// bench/RESULTS.md only grows: a benchmark run appends its section, and one whose heading is
// there already gets a dated heading, so hand-written notes and re-runs under it stay (bench/lib.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSection } from '../../bench/lib';

describe('bench results sections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peergate-results-'));
  const file = join(dir, 'RESULTS.md');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const before = `# Benchmark results

## webhooks (PostgreSQL)

| run | writes/s |
| --- | ---: |
| 1 gateway | 91 |

### Re-run: a note written by hand, cited elsewhere

Against the first run above: the paced write p50 went from 19.3 to 21.4 ms.

## render

render figures
`;

  test('a section whose heading exists is appended under a dated heading; nothing before it changes', () => {
    writeFileSync(file, before);
    const at = new Date('2026-12-07T12:45:30Z');
    writeSection('webhooks (PostgreSQL)', '| run | writes/s |\n| --- | ---: |\n| 1 gateway | 95 |', file, at);
    const after = readFileSync(file, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toBe('\n## webhooks (PostgreSQL) (2026-12-07 12:45 UTC)\n\n| run | writes/s |\n| --- | ---: |\n| 1 gateway | 95 |\n');
    // The same minute again: numbered, still nothing replaced.
    writeSection('webhooks (PostgreSQL)', 'third', file, at);
    expect(readFileSync(file, 'utf8')).toBe(`${after}\n## webhooks (PostgreSQL) (2026-12-07 12:45 UTC, 2)\n\nthird\n`);
  });

  test('a new heading is appended as it is named; a missing file starts with the header', () => {
    writeFileSync(file, before);
    writeSection('filter-sql', 'figures', file);
    expect(readFileSync(file, 'utf8')).toBe(`${before}\n## filter-sql\n\nfigures\n`);
    rmSync(file);
    writeSection('first', 'figures', file);
    expect(readFileSync(file, 'utf8')).toMatch(/^# Benchmark results\n\n.*\n\n## first\n\nfigures\n$/);
  });
});
