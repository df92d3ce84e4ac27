// rest-compat/core/projection.ts: brief / fields / exclude -> the GraphQL selection a REST read asks
// for, and the renderer from the GraphQL data back to the REST representation.
import 'reflect-metadata';
import '../../src/domain';
import { AutonomousSystem } from '../../src/domain/peering/autonomous-system';
import { DirectPeeringSession } from '../../src/domain/peering/direct-peering-session';
import { describe as model, type ModelDescriptor } from '../../src/domain/model';
import { choiceLabel } from '../../src/domain/choices';
import { shapeFor, type Projection, type UrlBuilder } from '../../rest-compat/core/projection';
import { briefFields, fullFields } from '../../rest-compat/core/fields';

const as = model(AutonomousSystem);
const session = model(DirectPeeringSession);
const urls: UrlBuilder = {
  api: (d: ModelDescriptor, id: number) => `/api/${d.contentType}/${id}/`,
  ui: (d: ModelDescriptor, id: number) => `/ui/${d.contentType}/${id}/`,
};
const statusSet = session.field('status')!.choices!;

describe('selection', () => {
  test.each<[string, ModelDescriptor, Projection, string]>([
    ['fields asked by name, id always', as, { fields: ['asn', 'name'] }, '{ id asn name }'],
    ['fields in the order of the representation', as, { fields: ['name', 'asn'] }, '{ id asn name }'],
    ['unknown names are dropped', as, { fields: ['asn', 'colour'] }, '{ id asn }'],
    ['url fields select only the id', as, { fields: ['url', 'display_url'] }, '{ id }'],
    ['fields win over brief', as, { fields: ['asn'], brief: true }, '{ id asn }'],
    ['exclude after fields', as, { fields: ['asn', 'name'], exclude: ['name'] }, '{ id asn }'],
    ['a heavy field asked by name', as, { fields: ['prefixes'] }, '{ id prefixes }'],
    ['a choice', session, { fields: ['status'] }, '{ id status }'],
  ])('%s', (_name, d, p, selection) => {
    expect(shapeFor(d, p).selection).toBe(selection);
  });

  test('brief selects the brief fields', () => {
    const s = shapeFor(as, { brief: true }).selection;
    for (const f of briefFields(as)) if (f.gql) expect(s).toContain(f.gql);
    expect(s).not.toContain('irrAsSet');
  });

  test('the full representation leaves heavy fields out of the selection', () => {
    const s = shapeFor(as).selection;
    expect(s).toContain('irrAsSet');
    expect(s).not.toMatch(/\bprefixes\b/);
    expect(s).not.toMatch(/\basList\b/);
  });

  test('a foreign key or a many-to-many selects the brief representation of its target', () => {
    const brief = (d: ModelDescriptor) => `{ ${['id', ...briefFields(d).map((f) => f.gql).filter((g) => g && g !== 'id')].join(' ')} }`;
    const tag = model(session.field('tags')!.target!());
    expect(shapeFor(session, { fields: ['autonomous_system', 'tags'] }).selection).toBe(`{ id tags ${brief(tag)} autonomousSystem ${brief(as)} }`);
  });

  test('one shape per model and projection', () => {
    expect(shapeFor(as, { fields: ['asn'] })).toBe(shapeFor(as, { fields: ['asn'] }));
    expect(shapeFor(as, { fields: ['asn'] })).not.toBe(shapeFor(as, { fields: ['name'] }));
    expect(shapeFor(as, { brief: true }).key).not.toBe(shapeFor(as).key);
  });
});

describe('render', () => {
  test.each<[string, ModelDescriptor, Projection, Record<string, unknown>, Record<string, unknown>]>([
    ['ids become numbers, urls are built', as, { fields: ['id', 'url', 'display_url', 'asn'] }, { id: '3', asn: 65000 },
      { id: 3, url: '/api/peering.autonomoussystem/3/', display_url: '/ui/peering.autonomoussystem/3/', asn: 65000 }],
    ['a missing scalar is null', as, { fields: ['name'] }, { id: '1' }, { name: null }],
    ['a heavy field not asked for is null', as, { exclude: [] }, { id: '1' }, { prefixes: null, as_list: null }],
    ['a choice as value and label', session, { fields: ['status'] }, { id: '1', status: 'enabled' }, { status: { value: 'enabled', label: choiceLabel(statusSet, 'enabled') } }],
    ['a choice not set', session, { fields: ['status'] }, { id: '1', status: null }, { status: null }],
    ['a choice the set lost keeps its value as label', session, { fields: ['status'] }, { id: '1', status: 'gone' }, { status: { value: 'gone', label: 'gone' } }],
    ['a foreign key not set', session, { fields: ['autonomous_system'] }, { id: '1', autonomousSystem: null }, { autonomous_system: null }],
    ['a foreign key', session, { fields: ['autonomous_system'] }, { id: '1', autonomousSystem: { id: '7', display: 'AS65000', asn: 65000, name: 'A' } },
      { autonomous_system: expect.objectContaining({ id: 7, url: '/api/peering.autonomoussystem/7/', display: 'AS65000', asn: 65000, name: 'A' }) }],
    ['a many-to-many list', session, { fields: ['tags'] }, { id: '1', tags: [{ id: '2', name: 'core', slug: 'core' }] },
      { tags: [expect.objectContaining({ id: 2, url: '/api/extras.tag/2/', name: 'core', slug: 'core' })] }],
    ['a many-to-many missing is empty', session, { fields: ['tags'] }, { id: '1' }, { tags: [] }],
  ])('%s', (_name, d, p, item, expected) => {
    expect(shapeFor(d, p).render(item, urls)).toEqual(expect.objectContaining(expected));
  });

  test.each<[string, Projection, string[]]>([
    ['fields', { fields: ['name', 'asn', 'id'] }, ['id', 'asn', 'name']],
    ['exclude', { exclude: ['description', 'comments', 'tags'] }, fullFields(as).map((f) => f.rest).filter((n) => !['description', 'comments', 'tags'].includes(n))],
    ['full', {}, fullFields(as).map((f) => f.rest)],
    ['brief', { brief: true }, briefFields(as).map((f) => f.rest)],
  ])('%s: the keys, in the representation\'s order', (_name, p, keys) => {
    expect(Object.keys(shapeFor(as, p).render({ id: '1' }, urls))).toEqual(keys);
  });
});
