// list.append() for templates, on MiniJinja whose values are immutable. Jinja2 mutates the list in
// place, so an append inside a loop is seen after it (tutorial-vyos: `{% set _ = asns[city].append(as) %}`).
// A variable a template appends to (its "root") becomes a namespace holding the value in `.v`:
//   {% set asns = E %}                    -> {% set asns = namespace(v=E) %}
//   asns (any other read)                 -> asns.v
//   {% set _ = asns[k].append(x) %}       -> {% set asns.v = dict(asns.v, **{k: asns.v[k] + [x]}) %}{% set _ = none %}
// A namespace attribute set in a loop is seen after it, as the mutation is in Jinja2. The rebuild
// stays inside MiniJinja (no copy out to JS). Supported: the statement form, on a variable or on
// dict items of one (`d[k]`, `d.k`, nested); a variable read before it is set comes from the context.

const PATH = String.raw`(?:\s*\[[^\]]*\]|\s*\.\s*[A-Za-z_]\w*)*`;
/** The statement form: `set X = root<path>.append(value)`. */
const STATEMENT = new RegExp(String.raw`^\s*set\s+(\w+)\s*=\s*([A-Za-z_]\w*)(${PATH})\s*\.\s*append\s*\(([\s\S]*)\)\s*$`);
const ANY_STATEMENT = new RegExp(String.raw`\{%[-+]?\s*set\s+\w+\s*=\s*([A-Za-z_]\w*)${PATH}\s*\.\s*append\s*\(`, 'g');

const wordIn = (name: string, text: string): boolean => new RegExp(String.raw`(^|[^\w.])${name}(?!\w)`).test(text);

/**
 * The variables the template appends to in the statement form. A name also used as a loop
 * variable, a macro parameter or a block `set` is left out: its appends stay refused.
 */
export function appendRoots(src: string): Set<string> {
  const roots = new Set<string>();
  for (const m of src.matchAll(ANY_STATEMENT)) roots.add(m[1]);
  for (const m of src.matchAll(/\{%[-+]?\s*for\s+([\w\s,()]+?)\s+in\s/g)) for (const r of [...roots]) if (wordIn(r, m[1])) roots.delete(r);
  for (const m of src.matchAll(/\{%[-+]?\s*macro\s+\w+\s*\(([^)]*)\)/g)) for (const r of [...roots]) if (wordIn(r, m[1])) roots.delete(r);
  for (const r of [...roots]) if (new RegExp(String.raw`\{%[-+]?\s*set\s+${r}\s*[-+]?%\}`).test(src)) roots.delete(r);
  return roots;
}

/** Roots the template never sets: they come from the context, wrapped once at the start. */
export function contextRoots(src: string, roots: Set<string>): string {
  return [...roots].filter((r) => !new RegExp(String.raw`\{%[-+]?\s*set\s+${r}\s*=(?!=)`).test(src)).map((r) => `{% set ${r} = namespace(v=${r}) %}`).join('');
}

/** Splits `[a]["b"].c` into key expressions: `a`, `"b"`, `'c'`. */
function keysOf(path: string): string[] {
  const keys: string[] = [];
  for (const m of path.matchAll(/\[([^\]]*)\]|\.\s*([A-Za-z_]\w*)/g)) keys.push(m[1] !== undefined ? m[1].trim() : `'${m[2]}'`);
  return keys;
}

/** `base` with `value` appended to the list at `keys`, as a MiniJinja expression. */
function appended(base: string, keys: string[], value: string): string {
  // Only a list appends; anything else stops the render with Python's message (./environment.ts).
  // MiniJinja's + makes a lazy iterable: `list` keeps it a list (`is sequence`, as in Jinja2).
  if (!keys.length) return `((${base} if ${base} is iterable and ${base} is not string and ${base} is not mapping else ${base}|pg_append) + [${value}])|list`;
  const [k, ...rest] = keys;
  return `dict(${base}, **{${k}: ${appended(`${base}[${k}]`, rest, value)}})`;
}

/**
 * The rewritten inside of a `{% %}` tag when it sets or appends to a root, else null. `expr`
 * rewrites an expression (and renames the roots in it).
 */
export function rewriteRootStatement(inner: string, roots: Set<string>, expr: (code: string) => string): { first: string; second?: string } | null {
  const m = STATEMENT.exec(inner);
  if (m && roots.has(m[2])) {
    const [, target, root, path, value] = m;
    const keys = keysOf(path).map(expr);
    // Jinja2's append returns None, which the statement assigns.
    return { first: ` set ${root}.v = ${appended(`${root}.v`, keys, `(${expr(value)})`)} `, second: ` set ${target} = none ` };
  }
  const set = /^\s*set\s+([A-Za-z_]\w*)\s*=(?!=)([\s\S]*)$/.exec(inner);
  if (set && roots.has(set[1])) return { first: ` set ${set[1]} = namespace(v=(${expr(set[2])})) ` };
  return null;
}
