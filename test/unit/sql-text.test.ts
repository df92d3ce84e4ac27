// src/db/sql-text.ts parameterise: MikroORM's placeholders as numbered parameters.
import { parameterise, type QuotingPlatform } from '../../src/db/sql-text';

const platform: QuotingPlatform = {
  quoteIdentifier: (id) => `"${id}"`,
  quoteValue: (v) => String(v),
  isRaw: () => false,
  formatDate: (d) => d.toISOString(),
};

describe('parameterise', () => {
  test('values, identifiers and literal question marks, at either end of the text', () => {
    expect(parameterise('?', ['a'], platform)).toEqual({ text: '$1', values: ['a'] });
    expect(parameterise('select ?? from t where a = ? and b in (?) and c = ? and d \\? e limit ?', ['col', 'x', ['y', 'z'], 5, null], platform))
      .toEqual({ text: 'select "col" from t where a = $1 and b in ($2, $3) and c = 5 and d ? e limit null', values: ['x', 'y', 'z'] });
    expect(parameterise('no placeholders', [], platform)).toEqual({ text: 'no placeholders', values: [] });
    expect(parameterise('a ?? ??', ['x', 'y'], platform)).toEqual({ text: 'a "x" "y"', values: [] });
  });
});
