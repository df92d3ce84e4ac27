// Jinja2's `~` joins str() of its operands: `'AS' ~ none` is 'ASNone', `'x' ~ policy` is 'x' plus the
// policy's name. MiniJinja prints None, booleans, lists and objects its own way, so every chain
// `a ~ b ~ c` is rewritten into `([a, b, c]|pg_concat)`. In Jinja2's grammar `~` binds tighter than
// + and - and looser than * / // % ** and filters and tests; a chain ends at those looser
// operators, commas, colons, brackets, comparisons, `=` and keywords.
import { bracketEnd, stringEnd } from './scan';

const KEYWORDS = new Set(['and', 'or', 'not', 'if', 'else', 'in', 'for', 'recursive', 'set', 'elif', 'with', 'as', 'import', 'from', 'include', 'ignore', 'missing', 'without', 'context', 'macro', 'call', 'filter', 'print']);

/** The bracket closing the group at `open`; an unclosed group runs to the last character. */
const closing = (code: string, open: number): number => Math.min(bracketEnd(code, open), code.length - 1);

/** Rewrites the `~` chains of an expression or statement (nested brackets first). */
export function rewriteConcat(code: string): string {
  if (!code.includes('~')) return code;
  // Pieces at this level: text, with bracket groups rewritten inside and kept whole.
  let flat = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'") {
      const j = stringEnd(code, i);
      flat += code.slice(i, j + 1);
      i = j;
    } else if (c === '(' || c === '[' || c === '{') {
      const j = closing(code, i);
      flat += c + rewriteConcat(code.slice(i + 1, j)) + (code[j] ?? '');
      i = j;
    } else flat += c;
  }
  return chains(flat);
}

/** Splits a level into clauses at the boundaries and rewrites each clause holding a `~`. */
function chains(code: string): string {
  let out = '';
  let clause = '';
  let lastOperand = false; // the previous token ended an operand: a + or - here is binary
  const flush = () => {
    out += concatClause(clause);
    clause = '';
  };
  for (let i = 0; i < code.length;) {
    const c = code[i];
    if (c === '"' || c === "'") {
      const j = stringEnd(code, i);
      clause += code.slice(i, j + 1);
      i = j + 1;
      lastOperand = true;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      const j = closing(code, i);
      clause += code.slice(i, j + 1);
      i = j + 1;
      lastOperand = true;
      continue;
    }
    const word = /^[A-Za-z_]\w*/.exec(code.slice(i))?.[0];
    if (word && !/\w/.test(code[i - 1] ?? '')) {
      // `is not` is a test (part of the operand); other keywords end the clause.
      const isNot = word === 'not' && /\bis\s*$/.test(clause);
      if (KEYWORDS.has(word) && !isNot && !/\.\s*$/.test(clause)) {
        flush();
        out += word;
        lastOperand = false;
      } else {
        clause += word;
        lastOperand = word !== 'is' && !isNot;
      }
      i += word.length;
      continue;
    }
    const op = /^(==|!=|<=|>=|<|>|=|,|:|\)|\]|\})/.exec(code.slice(i))?.[0] ?? ((c === '+' || c === '-') && lastOperand ? c : null);
    if (op) {
      flush();
      out += op;
      i += op.length;
      lastOperand = false;
      continue;
    }
    clause += c;
    if (!/\s/.test(c)) lastOperand = /[\w.]/.test(c);
    i++;
  }
  flush();
  return out;
}

/** `a ~ b` -> `([a, b]|pg_concat)`, keeping the clause's surrounding whitespace. */
function concatClause(clause: string): string {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < clause.length; i++) {
    const c = clause[i];
    if (c === '"' || c === "'") {
      const j = stringEnd(clause, i);
      cur += clause.slice(i, j + 1);
      i = j;
    } else if (c === '(' || c === '[' || c === '{') {
      const j = closing(clause, i);
      cur += clause.slice(i, j + 1);
      i = j;
    } else if (c === '~') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  if (parts.length < 2 || parts.some((p) => !p.trim())) return clause;
  const lead = /^\s*/.exec(clause)![0];
  const trail = /\s*$/.exec(clause)![0];
  return `${lead}([${parts.map((p) => p.trim()).join(', ')}]|pg_concat)${trail}`;
}
