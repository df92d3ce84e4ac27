// SQL text with its parameters kept in the order they appear, so fragments built apart (a nested
// list, a filter rendered by MikroORM's query builder) compose without renumbering placeholders.
// Placeholders are `?` (the driver's raw-query form).
export class Sql {
  constructor(readonly text: string, readonly params: readonly unknown[] = []) {}
}

/** A template whose `${}` parts are Sql fragments (merged with their parameters) or trusted text. */
export function sql(strings: TemplateStringsArray, ...parts: (Sql | string)[]): Sql {
  let text = strings[0];
  const params: unknown[] = [];
  parts.forEach((p, i) => {
    if (p instanceof Sql) {
      text += p.text;
      params.push(...p.params);
    } else {
      text += p;
    }
    text += strings[i + 1];
  });
  return new Sql(text, params);
}

export const param = (v: unknown): Sql => new Sql('?', [v]);

/**
 * A limit, an offset or an id, sent as text: the statement's text is then the same for every
 * value, so a server reuses its prepared plan (src/db/prepared-reads.ts); PostgreSQL types it
 * by where it stands.
 */
export const intParam = (n: number | string): Sql => new Sql('?', [String(n)]);

export function joinSql(parts: Sql[], sep: string): Sql {
  return new Sql(parts.map((p) => p.text).join(sep), parts.flatMap((p) => p.params));
}

/** A quoted identifier ("a"."b" for dotted names). */
export const ident = (name: string): string => name.split('.').map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
