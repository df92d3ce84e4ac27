// GraphQL enums generated from the choice sets the REST dialects read (src/domain/choices.ts): one
// enum per set, SCREAMING_SNAKE_CASE names ('pre-maintenance' -> PRE_MAINTENANCE), each value
// described by its label. The enum's internal value is the stored one, so resolvers, filters and
// validation keep working on 'pre-maintenance'; only the GraphQL spelling changes.
import { registerEnumType } from 'type-graphql';
import type { ChoiceSet } from '../domain/choices';
import { pascalWords, sentence, words } from '../domain/model';

/** The enum name of a stored value: numeric choices are named by their label (4 -> IPV4). */
export function enumKey(value: string | number, label: string): string {
  const source = typeof value === 'number' ? label : value;
  const key = source.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[0-9]/.test(key) ? `V${key}` : key;
}

/** A blank choice field stores '': its enum has BLANK for it. */
const BLANK = 'BLANK';

const enums = new Map<string, { enumObject: Record<string, string | number>; blank: boolean }>();

/** The enum object (for type-graphql's `() => E`) of a choice set, registered once. */
export function choiceEnum(set: ChoiceSet, blank = false): object {
  const known = enums.get(set.name);
  if (known) {
    // One enum per set: a set used blank by one field and not by another would need two.
    if (known.blank !== blank) throw new Error(`choice set ${set.name} is used both with and without blank`);
    return known.enumObject;
  }
  const enumObject: Record<string, string | number> = {};
  const valuesConfig: Record<string, { description: string }> = {};
  for (const { value, label } of set.values) {
    const key = enumKey(value, label);
    if (key in enumObject) throw new Error(`choice set ${set.name}: ${key} names two values`);
    enumObject[key] = value;
    valuesConfig[key] = { description: typeof value === 'number' ? `${label} (${value})` : label };
  }
  if (blank) {
    enumObject[BLANK] = '';
    valuesConfig[BLANK] = { description: 'None chosen (stored as an empty value)' };
  }
  registerEnumType(enumObject, { name: pascalWords(set.name), description: `${sentence(words(pascalWords(set.name)))} choices`, valuesConfig });
  enums.set(set.name, { enumObject, blank });
  return enumObject;
}
