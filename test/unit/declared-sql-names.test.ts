// SQL-declared fields (src/graphql/read-compiler/declared.ts) name tables and columns only through
// the ORM's mapping (Models, ColumnOf), never by hand: rendered with stand-in names, their SQL
// holds no table name of any model and no column reference but the stand-ins.
import 'reflect-metadata';
import { allDeclaredFields, type Models } from '../../src/graphql/read-compiler/declared';
import { allModels } from '../../src/domain/model';
import '../../src/graphql/peeringdb-features';
import '../../src/workflows/peeringdb-actions';

const models: Models = {
  table: (cls) => `«${cls.name}»`,
  col: (cls, alias, field) => `${alias}.«${cls.name}.${field}»`,
  readable: () => [],
};
const owner = { row: 'o', col: (f: string) => `o.«owner.${f}»` };
const target = { row: 't', col: (f: string) => `t.«target.${f}»` };

/** `alias.name` references that are not stand-ins; `keep` are a field's own derived-table aliases. */
function handWritten(text: string, keep: string[]): string[] {
  const bare = text.replace(/\w+\.«[^»]*»|«[^»]*»/g, '');
  return [...bare.matchAll(/\b([a-z_]\w*)\.([a-z_]\w*)\b/gi)].map((m) => m[0]).filter((r) => !keep.includes(r.split('.')[0]));
}

describe('SQL-declared fields', () => {
  const fields = allDeclaredFields();
  const tables = allModels().map((d) => d.table);

  test('are found (PeeringDB features and actions)', () => {
    expect(fields.map(([cls, name]) => `${cls.name}.${name}`).sort()).toEqual(expect.arrayContaining([
      'AutonomousSystem.sharedFacilities', 'AutonomousSystem.sharedInternetExchanges', 'InternetExchange.availablePeers',
      'InternetExchange.peeringdbPrefixes', 'InternetExchangePeeringSession.existsInPeeringdb', 'InternetExchangePeeringSession.isAbandoned',
    ]));
  });

  test.each(fields.map(([cls, name, f]) => [`${cls.name}.${name}`, f] as const))('%s names tables and columns through the mapping', (_, f) => {
    const text = f.kind === 'scalar'
      ? f.sql(owner.col, owner.row, models).text
      : [...f.where(owner, target, 1, models), ...(f.refused ? [f.refused.when(1, models)] : [])].map((s) => s.text).join('\n');
    expect(tables.filter((t) => new RegExp(`\\b${t}\\b`).test(text))).toEqual([]);
    // peeringdbPrefixes groups in derived tables of its own (fam, p).
    expect(handWritten(text, ['fam', 'p'])).toEqual([]);
  });
});
