// The GraphQL object type of every model, derived from its descriptor (src/domain/model.ts): one
// field per shown scalar, choices as enums, secrets hidden from readers. Relations and computed
// fields are resolved in ./resolvers. Applied once per process, before the first schema is built,
// so the domain declares its models without knowing GraphQL's types.
import { Field, Float, ID, Int, ObjectType, UseMiddleware } from 'type-graphql';
import type { GraphQLScalarType } from 'graphql';
import { abstractBases, allModels, declaredFields, fieldDescription, pascalWords, words, type FieldKind } from '../domain/model';
import { ASNScalar, DateTimeScalar, JSONScalar } from './scalars';
import { choiceEnum } from './choice-enums';
import { hideSecretFromReaders } from './secret';

function scalarType(kind: FieldKind): () => GraphQLScalarType | Function {
  switch (kind) {
    case 'id': return () => ID;
    case 'int': return () => Int;
    case 'bigint': case 'asn': return () => ASNScalar;
    case 'float': return () => Float;
    case 'bool': return () => Boolean;
    case 'json': return () => JSONScalar;
    case 'datetime': return () => DateTimeScalar;
    default: return () => String;
  }
}

/** The fields a class declares itself (a base class's fields are inherited through its own type). */
function exposeFields(cls: Function): void {
  const proto = cls.prototype;
  for (const f of declaredFields(cls)) {
    if (f.kind === 'fk' || f.kind === 'm2m' || f.writeOnly) continue;
    // `simple`: no type-graphql resolver around a plain property (it would build resolver data and
    // run an empty middleware chain per field per row); graphql-jit then reads the property inline.
    // Kept where a middleware runs (secrets) or the GraphQL name is not the property's.
    if (f.kind === 'id') {
      Field(() => ID, { description: 'Unique identifier', simple: true })(proto, f.name);
      continue;
    }
    // Registered now: type-graphql reads its enums before it calls the type functions.
    const choiceType = f.kind === 'choice' ? choiceEnum(f.choices!, f.blank) : null;
    Field((choiceType ? () => choiceType : scalarType(f.kind)) as any, {
      nullable: !!f.nullable || f.kind === 'json' || !!f.secret, name: f.gqlName, description: fieldDescription(f),
      simple: !f.secret && (!f.gqlName || f.gqlName === f.name),
    })(proto, f.name);
    if (f.secret) UseMiddleware(hideSecretFromReaders)(proto, f.name);
  }
}

let exposed = false;

export function exposeModelTypes(): void {
  if (exposed) return;
  exposed = true;
  for (const base of abstractBases) {
    exposeFields(base);
    // type-graphql inherits fields from decorated superclasses only; unreferenced, it is never emitted.
    ObjectType(`${pascalWords(base.name)}Base`, { description: `Fields shared by models of ${words(base.name)}` })(base);
  }
  for (const d of allModels()) {
    exposeFields(d.cls);
    ObjectType(d.name, { description: d.description })(d.cls);
  }
}
