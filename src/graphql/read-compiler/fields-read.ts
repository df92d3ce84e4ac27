// Which fields of its row a derived function (a model's `display`, a computed field) can read,
// found in the function's own text: when its first parameter is used nowhere but as `o.field`,
// it can read no other field, whatever branch it takes, so the compiled statement need not build,
// send and parse the rest of the row for every object (a nested tag's `display: (o) => o.name`
// carried its dates and description). Any other use of the parameter (passed on, `o[k]`, `o?.x`,
// spread, destructured, `arguments`) and the function gets the whole row, as before.

const IDENT = '[A-Za-z_$][\\w$]*';
/** `(o, ...) =>`, `async (o) =>`, `function name(o) {`, a method `name(o) {`: the first parameter. */
const PARENTHESISED = new RegExp(`^(?:async\\s*)?(?:function\\s*\\*?\\s*)?(?:${IDENT}\\s*)?\\(\\s*(${IDENT})\\s*[,)]`);
/** `o =>`, `async o =>`. */
const BARE = new RegExp(`^(?:async\\s+)?(${IDENT})\\s*=>`);

const found = new WeakMap<Function, ReadonlySet<string> | null>();

/** The row fields `fn` can read through its first parameter; null when that cannot be told from its text. */
export function fieldsRead(fn: Function): ReadonlySet<string> | null {
  if (found.has(fn)) return found.get(fn)!;
  const fields = fromText(fn.toString());
  found.set(fn, fields);
  return fields;
}

function fromText(text: string): ReadonlySet<string> | null {
  const m = PARENTHESISED.exec(text) ?? BARE.exec(text);
  if (!m || /\barguments\b/.test(text)) return null;
  const param = m[1];
  const fields = new Set<string>();
  // Every use of the name after its declaration must be a plain property read. A use that is not
  // the parameter (a shadowing name, a word in a string) can only add fields or give up: never fewer.
  // Not a use: a property of that name (`x.o`, `x?.o`); a spread (`...o`) is one.
  const uses = new RegExp(`(?<![\\w$])(?<![^.]\\.)${param.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  uses.lastIndex = m.index + m[0].lastIndexOf(param) + param.length;
  for (let u = uses.exec(text); u; u = uses.exec(text)) {
    const read = new RegExp(`^\\s*\\.\\s*(${IDENT})`, 'y').exec(text.slice(u.index + param.length));
    if (!read) return null;
    fields.add(read[1]);
  }
  return fields;
}
