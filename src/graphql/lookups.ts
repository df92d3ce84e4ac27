// Lookup inputs, one per filter kind, named after Peering Manager's lookup
// expressions so `asn__gt=5` maps to `{ asn: { gt: 5 } }` without special cases.
import type { GraphQLScalarType } from 'graphql';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { ASNScalar, DateTimeScalar } from './scalars';
import { choiceEnum } from './choice-enums';
import type { FilterKind, FieldMeta } from '../domain/model';
import type { ChoiceSet } from '../domain/choices';
import { pascalWords, words } from '../domain/model';

/**
 * A lookup input of ordered values: exact values (OR), n (none of), lt, lte, gt, gte, empty; `text`
 * adds matches on the value's text (PeeringDB's `asn__startswith=`, `created=2024-05`).
 */
function rangeLookup(name: string, scalar: GraphQLScalarType, description: string, text: ('ic' | 'isw')[] = []): Function {
  const cls = { [name]: class {} }[name];
  const list = () => [scalar];
  const one = () => scalar;
  Field(list, { nullable: true, description: 'Equal to one of these' })(cls.prototype, 'exact');
  Field(list, { nullable: true, description: 'Equal to none of these' })(cls.prototype, 'n');
  Field(one, { nullable: true, description: 'Less than' })(cls.prototype, 'lt');
  Field(one, { nullable: true, description: 'Less than or equal to' })(cls.prototype, 'lte');
  Field(one, { nullable: true, description: 'Greater than' })(cls.prototype, 'gt');
  Field(one, { nullable: true, description: 'Greater than or equal to' })(cls.prototype, 'gte');
  Field(() => Boolean, { nullable: true, description: 'true: no value; false: any value' })(cls.prototype, 'empty');
  if (text.includes('ic')) Field(() => [String], { nullable: true, description: 'Its decimal text contains one of these' })(cls.prototype, 'ic');
  if (text.includes('isw')) Field(() => [String], { nullable: true, description: scalar === DateTimeScalar ? 'Its UTC ISO text (2024-05-01T10:00:00) starts with one of these' : 'Its decimal text starts with one of these' })(cls.prototype, 'isw');
  InputType(name, { description })(cls);
  return cls;
}

export const IntLookup = rangeLookup('IntLookup', Int, 'Integer lookups: exact values (OR), n (none of), lt, lte, gt, gte, empty, text matches', ['ic', 'isw']);
export const FloatLookup = rangeLookup('FloatLookup', Float, 'Lookups on decimal numbers: exact values (OR), n (none of), lt, lte, gt, gte, empty, text matches', ['ic', 'isw']);
export const BigIntLookup = rangeLookup('BigIntLookup', ASNScalar, 'Lookups on 64-bit-safe integers such as ASNs', ['ic', 'isw']);
export const DateTimeLookup = rangeLookup('DateTimeLookup', DateTimeScalar, 'Date-time lookups: exact values (OR), n (none of), lt, lte, gt, gte, empty, a prefix of the ISO text', ['isw']);

@InputType({ description: 'String lookups, case-insensitive except exact/n: ic contains, isw starts with, iew ends with, ie equals; n-prefixed forms negate; f-prefixed forms also fold accents' })
export class StringLookup {
  @Field(() => [String], { nullable: true, description: 'Equal to one of these' }) exact?: string[];
  @Field(() => [String], { nullable: true, description: 'Equal to none of these' }) n?: string[];
  @Field(() => [String], { nullable: true, description: 'Contains one of these (case-insensitive)' }) ic?: string[];
  @Field(() => [String], { nullable: true, description: 'Contains none of these (case-insensitive)' }) nic?: string[];
  @Field(() => [String], { nullable: true, description: 'Starts with one of these (case-insensitive)' }) isw?: string[];
  @Field(() => [String], { nullable: true, description: 'Starts with none of these (case-insensitive)' }) nisw?: string[];
  @Field(() => [String], { nullable: true, description: 'Ends with one of these (case-insensitive)' }) iew?: string[];
  @Field(() => [String], { nullable: true, description: 'Ends with none of these (case-insensitive)' }) niew?: string[];
  @Field(() => [String], { nullable: true, description: 'Equal to one of these (case-insensitive)' }) ie?: string[];
  @Field(() => [String], { nullable: true, description: 'Equal to none of these (case-insensitive)' }) nie?: string[];
  @Field(() => [String], { nullable: true, description: 'Equal to one of these, accents and case folded (zurich = Zürich)' }) fie?: string[];
  @Field(() => String, { nullable: true, description: "Before this, in the database's text order" }) lt?: string;
  @Field(() => String, { nullable: true, description: 'Before or equal to this' }) lte?: string;
  @Field(() => String, { nullable: true, description: "After this, in the database's text order" }) gt?: string;
  @Field(() => String, { nullable: true, description: 'After or equal to this' }) gte?: string;
  @Field(() => [String], { nullable: true, description: 'Contains one of these, accents and case folded' }) fic?: string[];
  @Field(() => [String], { nullable: true, description: 'Starts with one of these, accents and case folded' }) fisw?: string[];
  @Field(() => Boolean, { nullable: true, description: 'true: no value; false: any value' }) empty?: boolean;
}

@InputType({ description: 'Related-object lookups by id' })
export class IdLookup {
  @Field(() => [ID], { nullable: true, description: 'Equal to one of these' }) exact?: string[];
  @Field(() => [ID], { nullable: true, description: 'Equal to none of these' }) n?: string[];
  @Field(() => Boolean, { nullable: true, description: 'true: no related object' }) empty?: boolean;
}

@InputType({ description: 'Boolean lookup: exact value' })
export class BoolLookup {
  @Field(() => Boolean, { nullable: true, description: 'Equal to one of these' }) exact?: boolean;
}

@InputType({ description: 'IP address or prefix lookups: exact host, within a prefix, containing an address, family' })
export class IpLookup {
  @Field(() => [String], { nullable: true, description: 'Equal to one of these' }) exact?: string[];
  @Field(() => [String], { nullable: true, description: 'Equal to none of these' }) n?: string[];
  @Field(() => [String], { nullable: true, description: 'Contains one of these (case-insensitive)' }) ic?: string[];
  @Field(() => [String], { nullable: true, description: 'Starts with one of these (case-insensitive)' }) isw?: string[];
  @Field(() => String, { nullable: true, description: 'inside this prefix (or equal)' }) within?: string;
  @Field(() => String, { nullable: true, description: 'contains this address or prefix' }) contains?: string;
  @Field(() => Int, { nullable: true, description: 'Address family: 4 or 6' }) family?: number;
  @Field(() => Boolean, { nullable: true, description: 'true: no value; false: any value' }) empty?: boolean;
}

@InputType({ description: 'UUID lookups: exact values (OR), n (none of)' })
export class UuidLookup {
  @Field(() => [String], { nullable: true, description: 'Equal to one of these' }) exact?: string[];
  @Field(() => [String], { nullable: true, description: 'Equal to none of these' }) n?: string[];
}

@InputType({ description: 'Lookups on a JSON list of strings' })
export class JsonListLookup {
  @Field(() => [String], { nullable: true, description: 'Holds one of these (case-insensitive)' }) has?: string[];
}

const choiceLookups = new Map<string, Function>();

/** `<Choice>Lookup`, one per choice set. */
export function choiceLookup(set: ChoiceSet, blank = false): Function {
  let cls = choiceLookups.get(set.name);
  if (cls) return cls;
  const name = `${pascalWords(set.name)}Lookup`;
  cls = { [name]: class {} }[name];
  const t = () => [choiceEnum(set, blank)];
  Field(t, { nullable: true, description: 'Equal to one of these' })(cls.prototype, 'exact');
  Field(t, { nullable: true, description: 'Equal to none of these' })(cls.prototype, 'n');
  InputType(name, { description: `Lookups on a ${words(set.name)} choice: exact values (OR), n (none of)` })(cls);
  choiceLookups.set(set.name, cls);
  return cls;
}

export function lookupType(kind: FilterKind, field: Pick<FieldMeta, 'kind' | 'choices' | 'blank'>): Function {
  switch (kind) {
    case 'numeric': return field.kind === 'asn' || field.kind === 'bigint' ? BigIntLookup : field.kind === 'float' ? FloatLookup : IntLookup;
    case 'string': return StringLookup;
    case 'choice': return choiceLookup(field.choices!, field.blank);
    case 'id': return IdLookup;
    case 'bool': return BoolLookup;
    case 'datetime': return DateTimeLookup;
    case 'ip': return IpLookup;
    case 'uuid': return UuidLookup;
    case 'jsonList': return JsonListLookup;
  }
}
