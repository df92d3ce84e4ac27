// The schema's conventions, by introspection of the schema every surface runs: every type, field,
// argument, input field and enum value has a description, and names spell acronyms as words
// ('BgpGroup', 'createBfd', 'pdbIxLan'; not 'BGPGroup', 'createBFD', 'pdbIXLan').
import 'reflect-metadata';
import { getNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { allModels } from '../../src/domain/model';
import { makeSchema } from '../../src/graphql/schema';
import { InProcessBus } from '../../src/events/bus';

/** The words of a camelCase or PascalCase name; a word of two or more capitals is an acronym. */
function acronymsIn(name: string): string[] {
  const words = name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+/g) ?? [];
  return words.filter((w) => w.length > 1 && /^[A-Z]+$/.test(w));
}

/** GraphQL's own scalar ID, and JSON under the name every client's codegen maps (graphql-scalars'). */
const STANDARD_NAMES = new Set(['ID', 'JSON']);


interface Item { where: string; name: string; description: string | null | undefined; kind: 'type' | 'field' | 'arg' | 'enum value' }

function items(schema: GraphQLSchema): Item[] {
  const out: Item[] = [];
  for (const t of Object.values(schema.getTypeMap())) {
    if (t.name.startsWith('__')) continue;
    out.push({ where: t.name, name: t.name, description: t.description, kind: 'type' });
    if (isObjectType(t) || isInterfaceType(t) || isInputObjectType(t)) {
      for (const f of Object.values(t.getFields())) {
        out.push({ where: `${t.name}.${f.name}`, name: f.name, description: f.description, kind: 'field' });
        for (const a of 'args' in f ? f.args : []) out.push({ where: `${t.name}.${f.name}(${a.name})`, name: a.name, description: a.description, kind: 'arg' });
      }
    }
    if (isEnumType(t)) for (const v of t.getValues()) out.push({ where: `${t.name}.${v.name}`, name: v.name, description: v.description, kind: 'enum value' });
  }
  return out;
}

describe('schema conventions', () => {
  let all: Item[];
  let schema: GraphQLSchema;
  beforeAll(async () => { schema = await makeSchema(new InProcessBus()); all = items(schema); }, 60_000);

  test('the acronym rule itself', () => {
    expect(acronymsIn('BGPGroup')).toEqual(['BGP']);
    expect(acronymsIn('createBFDs')).toHaveLength(1);
    expect(acronymsIn('pdbNetworkIXLan')).toEqual(['IX']);
    expect(acronymsIn('IXAPI')).toEqual(['IXAPI']);
    expect(acronymsIn('BgpGroup')).toEqual([]);
    expect(acronymsIn('ipv4MaxPrefixes')).toEqual([]);
    // One-letter words next to each other are words, not an acronym.
    expect(acronymsIn('endpointAId')).toEqual([]);
  });

  test('names spell acronyms as words', () => {
    const bad = all.filter((i) => i.kind !== 'enum value' && !STANDARD_NAMES.has(i.name) && acronymsIn(i.name).length).map((i) => i.where);
    expect(bad).toEqual([]);
    // Enum values are SCREAMING_SNAKE_CASE.
    expect(all.filter((i) => i.kind === 'enum value' && !/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(i.name)).map((i) => i.where)).toEqual([]);
  });

  test('every type, field, argument and enum value has a description', () => {
    const missing = all.filter((i) => !i.description?.trim()).map((i) => `${i.kind} ${i.where}`);
    expect(missing).toEqual([]);
    expect(all.length).toBeGreaterThan(3000);
  });

  test('every choice field is an enum with one value per choice, in output, input and filter', () => {
    let checked = 0;
    for (const d of allModels()) {
      const type = schema.getType(d.name);
      if (!type || !isObjectType(type)) continue;
      for (const f of d.fields.filter((x) => x.kind === 'choice' && !x.writeOnly)) {
        const out = getNamedType(type.getFields()[f.gqlName ?? f.name]?.type);
        expect([`${d.name}.${f.name}`, isEnumType(out)]).toEqual([`${d.name}.${f.name}`, true]);
        if (!isEnumType(out)) continue;
        expect(out.getValues().map((v) => v.value).sort()).toEqual([...f.choices!.values.map((c) => c.value), ...(f.blank ? [''] : [])].sort());
        const create = schema.getType(`${d.name}CreateInput`);
        if (create && isInputObjectType(create) && create.getFields()[f.name]) expect(getNamedType(create.getFields()[f.name].type)).toBe(out);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});
