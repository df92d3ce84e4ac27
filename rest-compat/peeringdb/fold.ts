// Accent folding for PeeringDB's text filters. PeeringDB passes filter values through
// unidecode and compares them under MySQL's accent-insensitive collation, so `city=zurich`
// finds "Zürich" and `name=Zürich` finds "Zurich". Here both sides are folded with one
// table: `fold()` for the value in JS, `foldSql()` for the column in SQL, so they agree
// on every character (translate() and replace() run the same on PGlite and PostgreSQL,
// whatever the database's locale, and need no extension).

/** Letters whose compatibility decomposition is not "ASCII letter + marks". */
const SPECIAL: Record<string, string> = {
  ß: 'ss', ẞ: 'SS', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', þ: 'th', Þ: 'TH',
  ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', ł: 'l', Ł: 'L', ı: 'i', ħ: 'h', Ħ: 'H', ŧ: 't', Ŧ: 'T',
};

/** Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional (Vietnamese). */
const RANGES: [number, number][] = [[0xc0, 0x24f], [0x1e00, 0x1eff]];

function buildTable(): Map<string, string> {
  const table = new Map<string, string>(Object.entries(SPECIAL));
  for (const [from, to] of RANGES) {
    for (let cp = from; cp <= to; cp++) {
      const c = String.fromCodePoint(cp);
      if (table.has(c)) continue;
      const base = c.normalize('NFKD').replace(/\p{M}/gu, '');
      if (/^[A-Za-z]$/.test(base)) table.set(c, base);
    }
  }
  return table;
}

const TABLE = buildTable();

/** A filter value folded: accents dropped, lower case. */
export function fold(s: string): string {
  let out = '';
  for (const c of s) out += TABLE.get(c) ?? c;
  return out.toLowerCase();
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The SQL expression folding `col` exactly as `fold()` folds a value. */
export const foldSql: (col: string) => string = (() => {
  const single = [...TABLE].filter(([, v]) => v.length === 1);
  const multi = [...TABLE].filter(([, v]) => v.length > 1);
  const from = sqlString(single.map(([k]) => k).join(''));
  const to = sqlString(single.map(([, v]) => v).join(''));
  return (col: string) => {
    let e = `translate(${col}, ${from}, ${to})`;
    for (const [k, v] of multi) e = `replace(${e}, ${sqlString(k)}, ${sqlString(v)})`;
    return `lower(${e})`;
  };
})();
