// Peering Manager's templates are Jinja2; MiniJinja parses nearly all of it. This pass rewrites the
// few constructs it does not take, inside tags only and without adding lines (error lines stay right):
//   x.1            -> x[1]                       (Jinja2 item access by integer attribute)
//   q.all()        -> q                          (managers are lists here)
//   q.first() / .last() / .count() / .exists()   -> (q|pg_first) / (q|pg_last) / (q|length) / (q|pg_exists)
//   q.filter(k=v)  -> (q|filter(k=v))            (the QS filter of Peering Manager's filter)
//   d.get(k, d)    -> (d|pg_get(k, d))           (dict.get is missing from MiniJinja)
//   {% set _ = l.append(x) %}                    (the statement form: ./append.ts)
//   l.append(x)    -> (l|pg_append(x))           (elsewhere, refused with a clear error)
//   'f' % (a, b)   -> ([a, b]|pg_format('f'))   (Python's % formatting; one operand: pg_format_one)
//   {% for x in e %}  -> {% set it = e %}{% for x in (it if it is not mapping else it|pg_keys) %} (dict order)
//   d.items() / .keys() / .values() -> (d|pg_items) … (dict order, ./key-order.ts)
//   a ~ b          -> ([a, b]|pg_concat)        (str() of each operand: ./concat.ts)
//   {{ e }}        -> {{ (e)|default(MARK)|pg_str }} (Python's str(): None, True, ['a'], model display;
//                     the mark tells undefined from None, which reach JS alike)
//   {% include_configuration X %} (and _email, _exporttemplate) -> {% include "configuration::X" %}
// Attributes starting with "_" are refused here, as Jinja2's sandbox refuses them.
import { TemplateError } from './errors';
import { appendRoots, contextRoots, rewriteRootStatement } from './append';
import { findClose, loopSets } from './loop-scope';
import { rewriteConcat } from './concat';
import { bracketEnd, stringEnd } from './scan';

export type IncludeKind = 'configuration' | 'email' | 'exporttemplate';
export interface IncludeRef { kind: IncludeKind; key: string }

export interface Prepared {
  source: string;
  includes: IncludeRef[];
  /** Key orders of the dict literals with string keys (MiniJinja would iterate them sorted). */
  dictOrders: string[][];
}

/** Method calls MiniJinja lacks, as filters applied to the receiver: `r.first()` -> `(r|pg_first)`. */
const METHOD_FILTERS: Record<string, string | null> = {
  all: null, // managers are lists here: `.all()` is the list itself
  first: 'pg_first',
  last: 'pg_last',
  count: 'length',
  exists: 'pg_exists',
  filter: 'filter',
  get: 'pg_get',
  append: 'pg_append',
  items: 'pg_items',
  keys: 'pg_keys',
  values: 'pg_values',
};
/** Text printed for an undefined value (Jinja2 prints nothing; None prints "None"). */
export const UNDEFINED_MARK = '@@pg-undefined@@';

const INCLUDE_TAG = /^(\s*)include_(configuration|email|exporttemplate)\s+(?:"([^"]*)"|'([^']*)'|(\S+))\s*$/;
const INCLUDE_LITERAL = /^\s*include\s+(?:"(configuration|email|exporttemplate)::([^"]*)"|'(configuration|email|exporttemplate)::([^']*)')/;

function lineAt(src: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index && i < src.length; i++) if (src.charCodeAt(i) === 10) n++;
  return n;
}

const NO_ROOTS: ReadonlySet<string> = new Set();

/** Rewrites one expression (the inside of a tag), leaving string literals alone; `roots` are read through their namespace (./append.ts). */
export function rewriteExpression(code: string, line: number, name: string, roots: ReadonlySet<string> = NO_ROOTS): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (c === '"' || c === "'") {
      const j = stringEnd(code, i);
      const literal = code.slice(i, j + 1);
      i = j + 1;
      // 'fmt' % operand: Python's string formatting, as a filter on the operand (./percent-format.ts).
      const pct = /^\s*%/.exec(code.slice(i));
      const end = pct && !/[*/%]\s*$/.test(out) ? operandEnd(code, i + pct[0].length) : -1;
      if (pct && end > i + pct[0].length) {
        const operand = code.slice(i + pct[0].length, end).trim();
        const items = tupleItems(operand);
        const value = items !== null ? `[${rewriteExpression(items, line, name, roots)}]` : `(${rewriteExpression(operand, line, name, roots)})`;
        out += `(${value}|${items !== null ? 'pg_format' : 'pg_format_one'}(${literal}))`;
        i = end;
        continue;
      }
      out += literal;
      continue;
    }
    if (roots.size && /[A-Za-z_]/.test(c) && !/[\w]/.test(code[i - 1] ?? '')) {
      const word = /^[A-Za-z_]\w*/.exec(code.slice(i))![0];
      const after = code.slice(i + word.length).trimStart();
      // Not an attribute, a filter or test name, a keyword argument or assignment target, nor a call.
      const named = /(\.|\||\bis|\bis\s+not)\s*$/.test(out);
      const renamed = roots.has(word) && !named && !/^=(?!=)/.test(after) && !after.startsWith('(');
      out += renamed ? `${word}.v` : word;
      i += word.length;
      continue;
    }
    if (c === '.') {
      const prev = out.replace(/\s+$/, '');
      const last = prev[prev.length - 1] ?? '';
      const word = /[A-Za-z0-9_]+$/.exec(prev)?.[0] ?? '';
      const afterValue = last === ')' || last === ']' || last === '}' || (word !== '' && !/^[0-9]/.test(word));
      if (afterValue) {
        const rest = code.slice(i);
        const digits = /^\.(\d+)/.exec(rest);
        if (digits) {
          out += `[${digits[1]}]`;
          i += digits[0].length;
          continue;
        }
        const under = /^\.\s*(_\w*)/.exec(rest);
        if (under) throw new TemplateError(`access to attribute '${under[1]}' is unsafe`, name, line);
        const call = /^\.(\w+)\(/.exec(rest);
        if (call && Object.hasOwn(METHOD_FILTERS, call[1])) {
          const close = bracketEnd(code, i + call[0].length - 1);
          const args = code.slice(i + call[0].length, close).trim();
          const filter = METHOD_FILTERS[call[1]];
          // count(x) on a string is str.count; only the manager form without arguments is rewritten.
          if (!(call[1] === 'count' && args)) {
            const s = receiverStart(out);
            const receiver = out.slice(s);
            const inner = args ? `(${rewriteExpression(args, line, name, roots)})` : '';
            out = out.slice(0, s) + (filter ? `(${receiver}|${filter}${inner})` : receiver);
            i = close + 1;
            continue;
          }
        }
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** Key orders of the `{'k': v, …}` literals in an expression (nested ones too) whose keys are all strings. */
function literalDictOrders(code: string): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'") {
      i = stringEnd(code, i);
    } else if (c === '{') {
      const close = bracketEnd(code, i);
      const body = code.slice(i + 1, close);
      const keys: string[] = [];
      let rest = body;
      while (rest.trim()) {
        const entry = /^\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*:/.exec(rest);
        if (!entry) { keys.length = 0; break; }
        keys.push(entry[1].slice(1, -1).replace(/\\(.)/g, '$1'));
        const comma = topLevelComma(rest);
        if (comma < 0) break;
        rest = rest.slice(comma + 1);
      }
      if (keys.length > 1) out.push(keys);
      out.push(...literalDictOrders(body));
      i = close;
    }
  }
  return out;
}

/** A for tag as `for targets in ` + iterable + ` if … recursive`, or null for another tag. */
function splitFor(inner: string): { head: string; iterable: string; tail: string } | null {
  const m = /^(\s*for\s+[\w\s,()]+?\s+in\s)/.exec(inner);
  if (!m) return null;
  const from = m[1].length;
  for (let i = from; i < inner.length; i++) {
    const c = inner[i];
    if (c === '"' || c === "'") {
      i = stringEnd(inner, i);
    } else if (c === '(' || c === '[' || c === '{') i = bracketEnd(inner, i);
    else if (/\s/.test(c) && /^\s(if|recursive)\b/.test(inner.slice(i))) return { head: m[1], iterable: inner.slice(from, i), tail: inner.slice(i) };
  }
  return { head: m[1], iterable: inner.slice(from), tail: '' };
}

/** Index of the first character not in a top-level comma of `code`, or -1: a tuple's separator. */
function topLevelComma(code: string): number {
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'") {
      i = stringEnd(code, i);
    } else if (c === '(' || c === '[' || c === '{') i = bracketEnd(code, i);
    else if (c === ',') return i;
  }
  return -1;
}

/** The items of a tuple literal `(a, b)` / `(a,)` / `()` as list items, or null for any other operand. */
function tupleItems(operand: string): string | null {
  if (!operand.startsWith('(') || bracketEnd(operand, 0) !== operand.length - 1) return null;
  const inner = operand.slice(1, -1);
  if (!inner.trim()) return '';
  return topLevelComma(inner) < 0 ? null : inner.replace(/,\s*$/, '');
}

/** Where the operand of `%` starting at `from` ends: a unary sign, a primary, then attributes, items, calls and filters (which bind tighter than %). */
function operandEnd(code: string, from: number): number {
  let p = from;
  const skip = () => { while (p < code.length && /\s/.test(code[p])) p++; };
  skip();
  if (code[p] === '-' || code[p] === '+') { p++; skip(); }
  const c = code[p];
  if (c === '"' || c === "'") {
    p = stringEnd(code, p) + 1;
  } else if (c === '(' || c === '[' || c === '{') p = bracketEnd(code, p) + 1;
  else {
    const word = /^(?:\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_]\w*)/.exec(code.slice(p));
    if (!word) return from;
    p += word[0].length;
  }
  for (;;) {
    const rest = code.slice(p);
    const attr = /^\s*\.\s*\w+/.exec(rest);
    const filter = /^\s*\|\s*[A-Za-z_]\w*/.exec(rest);
    const open = /^\s*[([]/.exec(rest);
    if (attr) p += attr[0].length;
    else if (filter) p += filter[0].length;
    else if (open) p = bracketEnd(code, p + open[0].length - 1) + 1;
    else return p;
  }
}

/** Where the postfix expression ending `out` starts: names, dots, calls, subscripts, literals. */
function receiverStart(out: string): number {
  let j = out.length;
  while (j > 0) {
    const c = out[j - 1];
    if (c === ')' || c === ']' || c === '}') {
      let depth = 0;
      let k = j - 1;
      for (; k >= 0; k--) {
        const d = out[k];
        if (d === ')' || d === ']' || d === '}') depth++;
        else if (d === '(' || d === '[' || d === '{') { depth--; if (depth === 0) break; }
      }
      j = Math.max(k, 0);
    } else if (/[A-Za-z0-9_.]/.test(c)) j--;
    else if (c === '"' || c === "'") {
      const k = out.lastIndexOf(c, j - 2);
      j = Math.max(k, 0);
    } else break;
  }
  return j;
}

/** Rewrites a template's source for MiniJinja and lists the templates it includes. */
export function prepare(src: string, name: string): Prepared {
  const includes: IncludeRef[] = [];
  const roots = appendRoots(src);
  const resets = loopSets(src);
  const dictOrders: string[][] = [];
  let out = contextRoots(src, roots);
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{', i);
    if (open < 0 || open + 1 >= src.length) { out += src.slice(i); break; }
    const kind = src[open + 1];
    if (kind !== '{' && kind !== '%' && kind !== '#') { out += src.slice(i, open + 1); i = open + 1; continue; }
    out += src.slice(i, open);
    if (kind === '#') {
      const end = src.indexOf('#}', open + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(open, stop);
      i = stop;
      continue;
    }
    const close = kind === '{' ? '}}' : '%}';
    const end = findClose(src, open + 2, close);
    if (end < 0) { out += src.slice(open); break; }
    const line = lineAt(src, open);
    let inner = src.slice(open + 2, end);
    let lead = '';
    let trail = '';
    if (inner.startsWith('-') || inner.startsWith('+')) { lead = inner[0]; inner = inner.slice(1); }
    if (inner.endsWith('-') || inner.endsWith('+')) { trail = inner[inner.length - 1]; inner = inner.slice(0, -1); }
    if (kind === '%' && /^\s*raw\s*$/.test(inner)) {
      const endRaw = /\{%[-+]?\s*endraw\s*[-+]?%\}/.exec(src.slice(end + 2));
      const stop = endRaw ? end + 2 + endRaw.index + endRaw[0].length : src.length;
      out += src.slice(open, stop);
      i = stop;
      continue;
    }
    dictOrders.push(...literalDictOrders(inner));
    if (kind === '%') {
      const inc = INCLUDE_TAG.exec(inner);
      if (inc) {
        const key = inc[3] ?? inc[4] ?? inc[5];
        includes.push({ kind: inc[2] as IncludeKind, key });
        inner = `${inc[1]}include ${JSON.stringify(`${inc[2]}::${key}`)} `;
      } else {
        const lit = INCLUDE_LITERAL.exec(inner);
        if (lit) includes.push({ kind: (lit[1] ?? lit[3]) as IncludeKind, key: lit[2] ?? lit[4] });
        const root = rewriteRootStatement(inner, roots, (code) => rewriteExpression(code, line, name, roots));
        inner = rewriteConcat(root ? (root.second ? `${root.first}%}{%${root.second}` : root.first) : rewriteExpression(inner, line, name, roots));
      }
      // A dict iterated by a for loop goes in Jinja2's key order (./key-order.ts); evaluated once.
      const loop = splitFor(inner);
      if (loop) {
        const it = `__pg_it${open}`;
        out += `{%${lead} set ${it} = ${loop.iterable} %}`;
        inner = `${loop.head}(${it} if ${it} is not mapping else ${it}|pg_keys)${loop.tail}`;
      }
      const reset = resets.get(open);
      if (reset) {
        // Captured with the for tag's leading whitespace control, put back before its trailing one.
        const hidden = (n: string) => `__pg_loop${open}_${n}`;
        // The bare name: an append root is captured as its namespace.
        out += reset.map((n) => `{%${lead} set ${hidden(n)} = ${n} %}`).join('');
        inner = `${inner}%}${reset.map((n) => `{% set ${n} = ${hidden(n)} `).join('%}')}`;
      }
      out += `{%${lead}${inner}${trail}%}`;
    } else {
      const expr = rewriteConcat(rewriteExpression(inner, line, name, roots));
      out += expr.trim() ? `{{${lead} (${expr})|default(${JSON.stringify(UNDEFINED_MARK)})|pg_str ${trail}}}` : `{{${lead}${expr}${trail}}}`;
    }
    i = end + 2;
  }
  return { source: out, includes, dictOrders };
}
