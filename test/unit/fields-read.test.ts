// src/graphql/read-compiler/fields-read.ts: the row fields a derived function can read, told from
// its text, or null (the whole row) when its parameter is used other than as `o.field`.
import 'reflect-metadata';
import '../../src/domain';
import { allModels, describe as model } from '../../src/domain/model';
import { AutonomousSystem } from '../../src/domain/peering/autonomous-system';
import { User } from '../../src/domain/users/user';
import { Connection } from '../../src/domain/net/connection';
import { fieldsRead } from '../../src/graphql/read-compiler/fields-read';

const read = (fn: Function) => {
  const f = fieldsRead(fn);
  return f && [...f].sort();
};

describe('fieldsRead', () => {
  test('plain reads, on every branch', () => {
    expect(read((o: any) => `AS${o.asn} - ${o.name}`)).toEqual(['asn', 'name']);
    expect(read((o: any) => (o.flag ? o.a : o.b))).toEqual(['a', 'b', 'flag']);
    expect(read((o: any) => o.name || `IX LAN ${o.id}`)).toEqual(['id', 'name']);
    expect(read(async (o: any) => o . name)).toEqual(['name']);
    expect(read((x: any) => x.n + [1].map((y) => y + x.m).join())).toEqual(['m', 'n']);
    expect(read((o: any) => o.name + ({ a: 1 } as any).o)).toEqual(['name']); // a property named like it
    expect(read(function display(o: any) { return o.name; })).toEqual(['name']);
    expect(read({ show(o: any) { return o.slug; } }.show)).toEqual(['slug']);
    expect(read(new Function('o', 'return o.name'))).toEqual(['name']);
  });

  test('a parameter used otherwise: the whole row', () => {
    const load = (o: unknown, f: string) => [o, f];
    expect(read((o: any) => load(o, 'contact'))).toBeNull();
    expect(read((o: any) => o?.name)).toBeNull();
    expect(read(new Function('o', "return o['name']"))).toBeNull();
    expect(read((o: any) => ({ ...o }).name)).toBeNull();
    expect(read((o: any) => [...o].length)).toBeNull();
    expect(read((o: any) => ({ o }).o.name)).toBeNull();
    expect(read(({ name }: any) => name)).toBeNull();
    expect(read((o: any = {}) => o.name)).toBeNull();
    expect(read(new Function('o', 'return o.a + arguments[0].b'))).toBeNull();
    expect(read((o: any) => JSON.stringify(o))).toBeNull();
  });

  test("the models' own functions", () => {
    expect(read(model(AutonomousSystem).display)).toEqual(['asn', 'name']);
    expect(read(model(User).display)).toEqual(['firstName', 'lastName', 'username']);
    expect(read(model(Connection).display)).toBeNull(); // hands the row to a helper
    // Every field a told function reads is a field of its model (a typo would read undefined either way).
    for (const d of allModels()) {
      const fields = fieldsRead(d.display);
      for (const f of fields ?? []) expect([d.name, d.field(f)?.name ?? 'no such field']).toEqual([d.name, f]);
    }
  });
});
