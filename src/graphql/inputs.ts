// Create, update and lookup inputs of every model, derived from its descriptor.
import { Field, ID, InputType, Int, Float } from 'type-graphql';
import { describe, fieldDescription, type ModelDescriptor, type FieldMeta } from '../domain/model';
import { ASNScalar, DateTimeScalar, JSONScalar } from './scalars';
import { choiceEnum } from './choice-enums';
import { inputNames, patchName, refFields, writableFields } from '../domain/inputs';

export function scalarInputType(f: Pick<FieldMeta, 'kind' | 'choices' | 'blank'>): () => any {
  switch (f.kind) {
    case 'int': return () => Int;
    case 'asn': case 'bigint': return () => ASNScalar;
    case 'float': return () => Float;
    case 'bool': return () => Boolean;
    case 'json': return () => JSONScalar;
    case 'datetime': return () => DateTimeScalar;
    case 'choice': return () => choiceEnum(f.choices!, f.blank);
    default: return () => String;
  }
}

const refInputs = new Map<ModelDescriptor, Function>();

/** `<Model>Ref`: find one related object by id or by attributes that match exactly one. */
export function refInput(d: ModelDescriptor): Function {
  const existing = refInputs.get(d);
  if (existing) return existing;
  const name = `${d.name}Ref`;
  const cls = { [name]: class {} }[name];
  Field(() => ID, { nullable: true, description: 'Its id' })(cls.prototype, 'id');
  for (const f of refFields(d)) Field(scalarInputType(f), { nullable: true, description: fieldDescription(f) })(cls.prototype, f.name);
  InputType(name, { description: `Finds one ${d.verboseName} by id or by attributes` })(cls);
  refInputs.set(d, cls);
  return cls;
}

type Mode = 'Create' | 'Update' | 'BulkUpdate';
const modelInputs = new Map<string, Function>();

export function modelInput(d: ModelDescriptor, mode: Mode): Function {
  const name = `${d.name}${mode}Input`;
  const existing = modelInputs.get(name);
  if (existing) return existing;
  const cls = { [name]: class {} }[name];
  const proto = cls.prototype;
  if (mode === 'BulkUpdate') Field(() => ID, { description: `Which ${d.verboseName}` })(proto, 'id');
  for (const f of writableFields(d)) {
    const names = inputNames(f);
    if (f.kind === 'fk') {
      const target = describe(f.target!());
      const Ref = refInput(target);
      Field(() => ID, { nullable: true, description: `${target.verboseName} id` })(proto, names.id!);
      Field(() => Ref, { nullable: true, description: `${target.verboseName} by attributes` })(proto, names.ref);
    } else if (f.kind === 'm2m') {
      const Ref = refInput(describe(f.target!()));
      const target = describe(f.target!());
      Field(() => [ID], { nullable: true, description: `${fieldDescription(f)}: ${target.verboseName} ids (the whole list)` })(proto, names.id!);
      Field(() => [Ref], { nullable: true, description: `${fieldDescription(f)}: ${target.verboseNamePlural} by attributes (the whole list)` })(proto, names.ref);
    } else {
      const required = mode === 'Create' && f.required && !(f.default !== undefined);
      Field(scalarInputType(f), { nullable: !required, description: fieldDescription(f) })(proto, f.name);
      if (f.mergePatch && mode !== 'Create') {
        Field(() => JSONScalar, { nullable: true, description: `Merged into ${f.name} as the write commits: a key with a value sets it, a key with null removes it` })(proto, patchName(f));
      }
    }
  }
  const what = mode === 'Create' ? `A new ${d.verboseName} (or one replaced whole)` : mode === 'Update' ? `Fields of a ${d.verboseName} to change` : `A ${d.verboseName} by id and the fields to change`;
  InputType(name, { description: what })(cls);
  modelInputs.set(name, cls);
  return cls;
}
