// Accent folding for text filters (StringLookup's folded forms, PeeringDB's text filters).
// PeeringDB passes filter values through unidecode and compares them under MySQL's accent-insensitive collation, so `city=zurich`
// finds "Zürich" and `name=Zürich` finds "Zurich". Here both sides are folded the same
// way: `fold()` for the value in JS, `foldSql()` for the column in SQL. Canonical
// decomposition (NFD) splits "ü" into "u" + a combining mark, the marks are dropped, and
// the few letters that do not decompose (ø, ł, ß ...) are spelled out. ASCII text, most
// of the mirror, skips all that and is only lower-cased, which keeps a scan near the cost
// of a plain ILIKE (bench: one NFD per row is ~4x, a translate() table ~100x).

/** Letters without a canonical decomposition, one character each... */
const SINGLE: [string, string] = ['øØđĐðÐłŁıħĦŧŦ', 'oOdDdDlLihHtT'];
/** ...and those that become two. */
const MULTI: [string, string][] = [['ß', 'ss'], ['ẞ', 'SS'], ['æ', 'ae'], ['Æ', 'AE'], ['œ', 'oe'], ['Œ', 'OE'], ['þ', 'th'], ['Þ', 'TH']];

const NON_ASCII = /[^\x01-\x7f]/;
const COMBINING = /[\u0300-\u036f]/g;
const SINGLE_MAP = new Map([...SINGLE[0]].map((c, i) => [c, SINGLE[1][i]]));

/** A filter value folded: accents dropped, lower case. */
export function fold(s: string): string {
  if (!NON_ASCII.test(s)) return s.toLowerCase();
  let out = Array.from(s.normalize('NFD').replace(COMBINING, ''), (c) => SINGLE_MAP.get(c) ?? c).join('');
  for (const [from, to] of MULTI) out = out.split(from).join(to);
  return out.toLowerCase();
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The SQL expression folding `col` exactly as `fold()` folds a value. */
export function foldSql(col: string): string {
  let e = `translate(regexp_replace(normalize(${col}, NFD), '[\\u0300-\\u036f]', '', 'g'), ${sqlString(SINGLE[0])}, ${sqlString(SINGLE[1])})`;
  for (const [from, to] of MULTI) e = `replace(${e}, ${sqlString(from)}, ${sqlString(to)})`;
  return `(case when ${col} ~ '[^\\x01-\\x7f]' then lower(${e}) else lower(${col}) end)`;
}
