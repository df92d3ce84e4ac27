// Jinja2 starts every iteration of a loop from the outer scope: a variable set in one iteration is
// not seen by the next (tutorial-vyos sets `community_values` only for some cities). MiniJinja keeps
// it for the rest of the loop. So the variables a loop body sets are captured before the loop and
// put back at the start of each iteration:
//   {% for c in cities %}  ->  {% set __pg_loop3_x = x %}{% for c in cities %}{% set x = __pg_loop3_x %}
// (an undefined `x` stays undefined). The inserted tags add no line, so error lines stay right.
import { stringEnd } from './scan';

/** Where a `{% … %}` tag opens and what is inside it (whitespace control marks removed). */
export interface Tag { open: number; inner: string }

/** Index of `close` at or after `from`, skipping string literals; -1 if none. */
export function findClose(src: string, from: number, close: string): number {
  let i = from;
  while (i < src.length) {
    const c = src[i];
    if (c === '"' || c === "'") {
      i = stringEnd(src, i) + 1;
      continue;
    }
    if (src.startsWith(close, i)) return i;
    i++;
  }
  return -1;
}

/** The statement tags of a template, in order; comments, expressions and raw blocks skipped. */
function statementTags(src: string): Tag[] {
  const tags: Tag[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{', i);
    if (open < 0) break;
    const kind = src[open + 1];
    if (kind === '#') {
      const end = src.indexOf('#}', open + 2);
      i = end < 0 ? src.length : end + 2;
      continue;
    }
    if (kind !== '%' && kind !== '{') { i = open + 1; continue; }
    const end = findClose(src, open + 2, kind === '%' ? '%}' : '}}');
    if (end < 0) break;
    i = end + 2;
    if (kind === '{') continue;
    const inner = src.slice(open + 2, end).replace(/^[-+]/, '').replace(/[-+]$/, '');
    if (/^\s*raw\s*$/.test(inner)) {
      const endRaw = /\{%[-+]?\s*endraw\s*[-+]?%\}/.exec(src.slice(i));
      i = endRaw ? i + endRaw.index + endRaw[0].length : src.length;
      continue;
    }
    tags.push({ open, inner });
  }
  return tags;
}

const SET_TARGETS = /^\s*set\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?:=(?!=)|$)/;

/** For each `for` tag (by its opening index): the variables its body sets, outside nested loops and macros. */
export function loopSets(src: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const stack: { open: number; names: Set<string> | null; targets: Set<string> }[] = [];
  for (const t of statementTags(src)) {
    const word = /^\s*(\w+)/.exec(t.inner)?.[1];
    if (word === 'for') {
      const targets = new Set((/^\s*for\s+([\w\s,()]+?)\s+in\s/.exec(t.inner)?.[1] ?? '').match(/\w+/g) ?? []);
      stack.push({ open: t.open, names: new Set(), targets });
    } else if (word === 'macro' || word === 'call') stack.push({ open: t.open, names: null, targets: new Set() });
    else if (word === 'endfor' || word === 'endmacro' || word === 'endcall') {
      const top = stack.pop();
      if (top?.names?.size) out.set(top.open, [...top.names]);
    } else if (word === 'set') {
      const top = stack[stack.length - 1];
      const m = SET_TARGETS.exec(t.inner);
      if (top?.names && m) for (const n of m[1].split(',').map((x) => x.trim())) if (!top.targets.has(n)) top.names.add(n);
    }
  }
  return out;
}
