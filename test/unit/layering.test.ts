// The core knows no transport: nothing under src/domain may import the GraphQL layer, the HTTP
// layer or a REST dialect (they import the core, never the reverse). Every import form counts:
// `import ... from`, `export ... from`, `import('...')` and `require('...')`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const FORBIDDEN = ['src/graphql', 'src/http', 'rest-compat'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** The module specifiers a source file imports, in order. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /\b(?:from|import|require)\s*\(?\s*['"]([^'"]+)['"]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]);
  return out;
}

/** The repository path a relative specifier names (bare package names are not ours). */
function target(file: string, spec: string): string | null {
  return spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)) : null;
}

function forbiddenImports(file: string, text: string): string[] {
  return specifiers(text).filter((s) => {
    const t = target(file, s);
    return t !== null && FORBIDDEN.some((f) => t === f || t.startsWith(`${f}/`));
  });
}

describe('layering', () => {
  test.each([
    ["import { x } from '../graphql/errors';", ['../graphql/errors']],
    ["import type { Caller } from '../http/auth';", ['../http/auth']],
    ["export { y } from '../../rest-compat/core/query';", ['../../rest-compat/core/query']],
    ["const m = await import('../graphql/schema');", ['../graphql/schema']],
    ["const m = require(\"../http/app\");", ['../http/app']],
    ["import '../graphql';", ['../graphql']],
    ["import { x } from './errors';\nimport { Entity } from '@mikro-orm/core';", []],
    ["import { x } from '../graphql-like/errors';", []],
  ])('the check sees %j', (text, expected) => {
    expect(forbiddenImports(join(ROOT, 'src/domain/example.ts'), text)).toEqual(expected);
  });

  test('nothing under src/domain imports src/graphql, src/http or rest-compat', () => {
    const files = sources(join(ROOT, 'src/domain'));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.flatMap((f) => forbiddenImports(f, readFileSync(f, 'utf8')).map((s) => `${relative(ROOT, f)}: ${s}`));
    expect(offenders).toEqual([]);
  });
});
