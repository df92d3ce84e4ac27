// `<Model>Filter` inputs, generated from the model descriptor's filterable fields: no filter code
// is written per model. What a filter means (its MikroORM condition) is src/domain/filters.ts.
import { Field, Float, InputType, Int } from 'type-graphql';
import { fieldDescription, words, type CustomFilter, type ModelDescriptor } from '../domain/model';
import { ASNScalar } from './scalars';
import { filterFields, relationFilters, type FilterField } from '../domain/filters';
import { BigIntLookup, lookupType } from './lookups';

const filterInputs = new Map<ModelDescriptor, Function>();

export function filterInput(d: ModelDescriptor): Function {
  const existing = filterInputs.get(d);
  if (existing) return existing;
  const name = `${d.name}Filter`;
  const cls = { [name]: class {} }[name];
  // Registered first: a relation filter may lead back here (org -> net -> org).
  filterInputs.set(d, cls);
  const proto = cls.prototype;
  Field(() => String, { nullable: true, description: 'Free-text search' })(proto, 'q');
  if (d.fields.some((f) => f.name === 'tags')) {
    Field(() => [String], { nullable: true, description: 'Tag slugs; every one must be present (AND)' })(proto, 'tag');
  }
  for (const ff of filterFields(d)) {
    const Lookup = lookupType(ff.kind, ff.source);
    Field(() => Lookup, { nullable: true, description: filterDescription(d, ff) })(proto, ff.name);
  }
  for (const r of relationFilters(d)) {
    Field(() => filterInput(r.target), { nullable: true, description: `${fieldDescription(r.field)}: one meeting this filter` })(proto, r.name);
  }
  for (const [key, cf] of Object.entries(d.customFilters ?? {})) {
    const type = customType(d, key, cf);
    Field(() => type, { nullable: true, description: cf.description ?? fieldDescription({ name: key }) })(proto, key);
  }
  if (d.changeLogged) {
    Field(() => String, { nullable: true, description: 'Created by the request with this id' })(proto, 'createdByRequest');
    Field(() => String, { nullable: true, description: 'Updated by the request with this id' })(proto, 'updatedByRequest');
  }
  InputType(name, { description: `Conditions on ${d.verboseNamePlural}: every one given must hold` })(cls);
  return cls;
}

type Scalar = NonNullable<CustomFilter['fields']>[string]['type'];
const scalar = (t: Scalar | 'bool'): any => (t === 'int' ? Int : t === 'float' ? Float : t === 'bool' ? Boolean : t === 'ids' ? [ASNScalar] : String);

/** A custom filter's GraphQL type; an `object` one is an input `<Model><Filter>Input` of its fields. */
function customType(d: ModelDescriptor, key: string, cf: CustomFilter): any {
  if (cf.type === 'bigintRange') return BigIntLookup;
  if (cf.type !== 'object') return scalar(cf.type);
  const name = `${d.name}${key[0].toUpperCase()}${key.slice(1)}Input`;
  const cls = { [name]: class {} }[name];
  for (const [f, o] of Object.entries(cf.fields ?? {})) {
    Field(() => scalar(o.type), { nullable: !o.required, description: o.description ?? fieldDescription({ name: f }) })(cls.prototype, f);
  }
  InputType(name, { description: cf.description })(cls);
  return cls;
}

/** 'Router (by id)', 'Local autonomous system: asn'. */
function filterDescription(d: ModelDescriptor, ff: FilterField): string {
  const own = d.field(ff.path.split('.')[0])!;
  if (ff.path.includes('.')) return `${fieldDescription(own)}: ${words(ff.source.name)}`;
  return own.kind === 'fk' ? `${fieldDescription(own)} (by id)` : fieldDescription(own);
}
