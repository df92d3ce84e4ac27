// Scanning template expressions as text: where a string literal or a bracket group ends, so that
// the source rewrites (./source, ./concat, ./loop-scope) never look inside a literal.

/** Index of the quote closing the string literal that opens at `i` (code.length when unterminated). */
export function stringEnd(code: string, i: number): number {
  const quote = code[i];
  let j = i + 1;
  while (j < code.length && code[j] !== quote) j += code[j] === '\\' ? 2 : 1;
  return j;
}

/** Index of the bracket closing the one at `open`, string literals skipped (code.length when unclosed). */
export function bracketEnd(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'") i = stringEnd(code, i);
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return code.length;
}
