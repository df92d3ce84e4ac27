// The one declaration of a model. A field decorator here maps the property for
// MikroORM and records what every surface derives from it: the GraphQL object type
// (src/graphql/model-types.ts), filters, inputs, validation, REST names, OPTIONS.
import 'reflect-metadata';
import { BigIntType, Entity, ManyToMany, ManyToOne, PrimaryKey, Property, Unique, type Constructor } from '@mikro-orm/core';
import type { ChoiceSet } from './choices';
import type { RequestContext } from '../db/context';
import { resolveAccess, setModelLookup, type AccessRule, type ResolvedAccess } from './access';

export type FieldKind =
  | 'id' | 'string' | 'text' | 'int' | 'bigint' | 'asn' | 'float' | 'bool' | 'json' | 'datetime'
  | 'choice' | 'ip' | 'prefix' | 'uuid' | 'fk' | 'm2m';

/** How a filter on this field behaves (Peering Manager's lookup families). */
export type FilterKind = 'numeric' | 'string' | 'choice' | 'id' | 'bool' | 'datetime' | 'ip' | 'uuid' | 'jsonList';

export interface FieldOptions {
  required?: boolean;      // must be given on create / PUT
  nullable?: boolean;
  default?: unknown;       // a value or a () => value
  maxLength?: number;
  min?: number;
  max?: number;
  unique?: boolean;
  readOnly?: boolean;      // computed or set by the system, never written through the API
  writeOnly?: boolean;     // accepted on write, never shown (user passwords)
  secret?: boolean;        // never written to the change log or logs
  filter?: boolean;        // filterable (default: true for scalars and FKs; a JSON field opts in as a list of strings)
  label?: string;
  help?: string;
  restName?: string;       // snake_case name when it is not derived
  gqlName?: string;
  heavy?: boolean;         // left out of default REST lists (Peering Manager #969)
  /** Shown by GraphQL only: a PeerGate addition the REST dialects' representations (another API's shape) leave out. */
  graphqlOnly?: boolean;
  /** FK filters by attributes of the target: REST `<fk>_<via>` and GraphQL `<fk><Via>`. */
  via?: string[];
  /** The REST filter `<fk>=` compares this attribute of the target (Peering Manager's name filters). */
  restVia?: string;
  withLength?: boolean;    // ip: keep the prefix length ("192.0.2.1/31")
  family?: 4 | 6;          // ip: the address family it must be
  inverse?: string;        // m2m inverse side
  /** fk: the target also lists the rows pointing at it (`true`: named after this model's plural, `routers`). */
  reverse?: boolean | string;
  owner?: boolean;         // m2m owning side (default true)
  deleteRule?: 'cascade' | 'set null' | 'restrict';
  /**
   * fk: kept by triggers, not a foreign-key constraint, whose check locks the target once per
   * inserted row (10,000 times in a bulk write's change log). A migration gives the triggers,
   * `<table>_<column>_check` and `<table>_<column>_set_null` (the schema-drift test looks for them):
   * one per insert statement checks and locks the targets, and deleting a target applies deleteRule ('set null').
   */
  checkedPerStatement?: boolean;
  choiceStyle?: 'object' | 'plain';
  columnType?: string;
  auto?: 'create' | 'update'; // timestamps the ORM sets
  pattern?: [RegExp, string];
  blank?: boolean;           // choice: '' is allowed too
  objectOnly?: boolean;      // json: an object or null, never a list or scalar
  /** json: updates also take `<name>Patch`, merged in the write's transaction (a null value removes a key). */
  mergePatch?: boolean;
}

export interface FieldMeta extends FieldOptions {
  name: string;            // camelCase property, also the GraphQL field name
  restName: string;
  kind: FieldKind;
  filterKind: FilterKind | null;
  choices?: ChoiceSet;
  target?: () => Function;
}

export interface ModelOptions<T = any> {
  app: string;                       // Peering Manager app label: peering, net, devices ...
  name?: string;                     // Django's class name ('BGPGroup'; the class name by default); GraphQL spells it in words ('BgpGroup')
  plural?: string;                   // plural ('AutonomousSystems'), spelled the same way
  /** What the model is, for the GraphQL schema (default: its verbose name and content type). */
  description?: string;
  table?: string;
  restPath?: string;                 // REST path segment ('autonomous-systems')
  modelName?: string;                // content-type model ('autonomoussystem')
  verboseName?: string;              // 'autonomous system'
  verboseNamePlural?: string;
  display: (obj: T, load: RelationLoader) => string | Promise<string>;
  brief: string[];
  ordering: string[];                // default ordering, field names with '-'
  orderingPaths?: Record<string, string>; // ordering key -> 'relation.field'
  q?: string[];                      // fields matched by free-text 'q' (icontains)
  qNumeric?: string[];               // numeric fields matched by 'q' when it is a number (startswith)
  qIp?: string[];                    // ip fields matched by 'q' when it parses as an address
  naturalKeys?: string[];            // attributes a related-object lookup may use
  /** Read-only values derived per object, exposed as fields (GraphQL and REST). */
  computed?: Record<string, ComputedField<T>>;
  changeLogged?: boolean;            // default true
  readOnly?: boolean;                // list/detail only
  uniqueTogether?: string[][];
  customFilters?: Record<string, CustomFilter>;
  /** Foreign keys also filter by their target's own filter (`<fk>Where: <Target>Filter`), within the caller's read grant of the target. */
  relationFilters?: boolean;
  /** Fields that must be present on create but may be null (Peering Manager's Connection). */
  presentOnCreate?: string[];
  /** Who may read and write it (src/domain/access.ts); by default anyone reads, any writer writes. */
  access?: AccessRule;
  /** Derives read-only fields before every save (e.g. a community's kind, a journal entry's author from the request). */
  compute?: (obj: T, request: RequestContext | undefined) => void;
  validate?: (obj: T, load: RelationLoader) => Promise<Partial<Record<string, string[]>>> | Partial<Record<string, string[]>>;
}

export interface ComputedField<T = any> {
  type: 'string' | 'bool' | 'int' | 'json';
  /** For the schema (default: the name in words). */
  description?: string;
  nullable?: boolean;
  restName?: string;
  resolve: (obj: T, load: RelationLoader) => unknown;
}

/** SQL over a row's alias, and the values of its `?` placeholders in order. */
export interface AliasedSql { sql: (alias: string) => string; args: unknown[] }

/** Filters that are not a plain column comparison (Peering Manager's "method" filters). */
export interface CustomFilter {
  /**
   * The value's type: a scalar, `ids` (unsigned integers beyond 32 bits), `bigintRange` (a
   * BigIntLookup: exact, lt, lte, gt, gte), or `object` with `fields` (an input of those scalars).
   */
  type: 'int' | 'float' | 'bool' | 'string' | 'ids' | 'bigintRange' | 'object';
  fields?: Record<string, { type: 'int' | 'float' | 'string' | 'ids'; required?: boolean; description?: string }>;
  /** For the schema (default: the name in words). */
  description?: string;
  restName?: string;
  apply: (value: any, d: ModelDescriptor) => Record<string, unknown>;
  /**
   * A filter that also orders (distance: nearest first): `ordering: ["<filter name>"]` sorts by this
   * SQL expression over the row's alias, given the filter's value; the value's parts are bound parameters.
   */
  orderBy?: (value: any, d: ModelDescriptor) => AliasedSql;
}

/** Loads a related object during display/validation, through the request's loaders. */
export type RelationLoader = <R = any>(obj: any, field: string) => Promise<R | null>;

export interface ModelDescriptor extends Omit<ModelOptions, 'name' | 'plural' | 'access' | 'description'> {
  access: ResolvedAccess;
  cls: Function;
  /** The GraphQL type name, acronyms as words ('BgpGroup', 'Bfd', 'PdbIxLan'). */
  name: string;
  /** Its plural, spelled the same way ('Bfds'). */
  plural: string;
  /** The Django class name Peering Manager's REST answers and OpenAPI use ('BGPGroup', 'BFD'). */
  className: string;
  description: string;
  table: string;
  restPath: string;
  modelName: string;
  verboseName: string;
  verboseNamePlural: string;
  contentType: string;               // 'peering.autonomoussystem'
  fields: FieldMeta[];
  field(name: string): FieldMeta | undefined;
  naturalKeys: string[];
  changeLogged: boolean;
}

const pendingFields = new Map<Function, FieldMeta[]>();
const registry = new Map<Function, ModelDescriptor>();
/** By GraphQL type name: a compiled read's rows are plain objects, named only by their type. */
const byTypeName = new Map<string, ModelDescriptor>();

export const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
export const words = (s: string): string => snake(s).replace(/_/g, ' ');
const kebab = (s: string): string => snake(s).replace(/_/g, '-');

/**
 * The GraphQL spelling of a name: acronyms as words ('BGPGroup' -> 'BgpGroup', 'BFDs' -> 'Bfds',
 * 'PdbIXLan' -> 'PdbIxLan', 'IXAPI' -> 'Ixapi'), so every type and field reads one way.
 */
export const pascalWords = (s: string): string =>
  s.replace(/[A-Z]{2,}(?=[A-Z][a-z]|s(?![a-z])|[^A-Za-z]|$)/g, (run) => run[0] + run.slice(1).toLowerCase());

/** 'pre-maintenance' -> 'Pre-maintenance': the first letter capitalised. */
export const sentence = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A field's description in the schema: its help text, else its label, else its name in words. */
export function fieldDescription(f: Pick<FieldOptions, 'help' | 'label'> & { name: string }): string {
  return f.help ?? sentence(f.label ?? words(f.name));
}

function ownFields(cls: Function): FieldMeta[] {
  if (!pendingFields.has(cls)) pendingFields.set(cls, []);
  return pendingFields.get(cls)!;
}

/** The fields a class declares itself, in order (a base class's are its own). */
export function declaredFields(cls: Function): readonly FieldMeta[] {
  return pendingFields.get(cls) ?? [];
}

/** Fields in declaration order, base classes first. */
function collectFields(cls: Function): FieldMeta[] {
  const chain: Function[] = [];
  for (let c: any = cls; c && c !== Object && c !== Function.prototype; c = Object.getPrototypeOf(c)) chain.unshift(c);
  const byName = new Map<string, FieldMeta>();
  for (const c of chain) for (const f of pendingFields.get(c) ?? []) byName.set(f.name, f);
  return [...byName.values()];
}

function ormType(kind: FieldKind): unknown {
  switch (kind) {
    case 'int': return 'integer';
    case 'bigint': case 'asn': return new BigIntType('number');
    case 'float': return 'double';
    case 'bool': return 'boolean';
    case 'json': return 'json';
    case 'datetime': return 'datetime';
    case 'uuid': return 'uuid';
    case 'text': return 'text';
    default: return 'string';
  }
}

function defaultFilterKind(kind: FieldKind): FilterKind | null {
  switch (kind) {
    case 'id': case 'int': case 'bigint': case 'asn': case 'float': return 'numeric';
    case 'string': case 'text': return 'string';
    case 'choice': return 'choice';
    case 'bool': return 'bool';
    case 'datetime': return 'datetime';
    case 'ip': case 'prefix': return 'ip';
    case 'uuid': return 'uuid';
    case 'fk': case 'm2m': return 'id';
    default: return null;
  }
}

function scalar(kind: FieldKind, opts: FieldOptions = {}, choices?: ChoiceSet): PropertyDecorator {
  return (proto: object, key: string | symbol) => {
    const name = String(key);
    const meta: FieldMeta = {
      ...opts, name, kind, choices,
      restName: opts.restName ?? snake(name),
      // Secrets are never compared: a filter would let a reader guess them one character at a time.
      filterKind: opts.filter === false || opts.secret ? null : kind === 'json' ? (opts.filter === true ? 'jsonList' : null) : defaultFilterKind(kind),
    };
    ownFields(proto.constructor).push(meta);
    const nullable = !!opts.nullable;
    const dflt = typeof opts.default === 'function' ? undefined : opts.default;
    const columnType = opts.columnType ?? (kind === 'ip' || kind === 'prefix' ? (opts.withLength || kind === 'prefix' ? 'cidr' : 'inet') : undefined);
    Property({
      type: ormType(kind) as any,
      nullable,
      length: kind === 'string' || kind === 'choice' ? opts.maxLength ?? 255 : undefined,
      ...(columnType ? { columnType } : {}),
      ...(dflt !== undefined ? { default: typeof dflt === 'object' ? JSON.stringify(dflt) : (dflt as any) } : {}),
      ...(opts.unique ? { unique: true } : {}),
      ...(opts.auto ? { onCreate: () => new Date() } : {}),
      ...(opts.auto === 'update' ? { onUpdate: () => new Date() } : {}),
    })(proto, name);
  };
}


export const F = {
  string: (o?: FieldOptions) => scalar('string', o),
  text: (o?: FieldOptions) => scalar('text', { ...(o?.required ? {} : { default: '' }), ...o }),
  int: (o?: FieldOptions) => scalar('int', o),
  bigint: (o?: FieldOptions) => scalar('bigint', o),
  asn: (o?: FieldOptions) => scalar('asn', { min: 1, max: 4294967295, ...o }),
  float: (o?: FieldOptions) => scalar('float', o),
  bool: (o?: FieldOptions) => scalar('bool', o),
  json: (o?: FieldOptions) => scalar('json', { nullable: true, ...o }),
  /** Config-context data attached to an object (a JSON object or null). */
  localContext: () => scalar('json', { nullable: true, objectOnly: true, label: 'Local config context data' }),
  datetime: (o?: FieldOptions) => scalar('datetime', o),
  uuid: (o?: FieldOptions) => scalar('uuid', o),
  ip: (o?: FieldOptions) => scalar('ip', { columnType: 'inet', ...o }),
  prefix: (o?: FieldOptions) => scalar('prefix', { columnType: 'cidr', ...o }),
  choice: (choices: ChoiceSet, o?: FieldOptions) => scalar('choice', { maxLength: 50, choiceStyle: 'object', ...o }, choices),

  /** A foreign key. The GraphQL field is resolved through the request's DataLoader. */
  fk: (target: () => Function, o: FieldOptions = {}): PropertyDecorator => (proto: object, key: string | symbol) => {
    const name = String(key);
    ownFields(proto.constructor).push({
      ...o, name, kind: 'fk', target, restName: o.restName ?? snake(name),
      filterKind: o.filter === false ? null : 'id',
    });
    ManyToOne(target as any, {
      nullable: !!o.nullable,
      createForeignKeyConstraint: !o.checkedPerStatement,
      deleteRule: o.deleteRule ?? (o.nullable ? 'set null' : 'cascade'),
      updateRule: 'cascade',
    })(proto, name);
  },

  /** A many-to-many relation, written as a list of ids. */
  m2m: (target: () => Function, o: FieldOptions = {}): PropertyDecorator => (proto: object, key: string | symbol) => {
    const name = String(key);
    ownFields(proto.constructor).push({
      ...o, name, kind: 'm2m', target, restName: o.restName ?? snake(name),
      filterKind: o.filter === false ? null : 'id',
    });
    ManyToMany({
      entity: target as any,
      ...(o.owner === false ? { mappedBy: o.inverse } : { owner: true, inversedBy: o.inverse }),
    } as any)(proto, name);
  },
};

/**
 * Primary key shared by all models. `autoincrement: false` is for mirrored records
 * that keep their upstream's ids (PeeringDB).
 */
export function IdField(opts: { autoincrement?: boolean } = {}): PropertyDecorator {
  return (proto: object, key: string | symbol) => {
    ownFields(proto.constructor).push({ name: String(key), restName: 'id', kind: 'id', filterKind: 'numeric', readOnly: true });
    PrimaryKey({ type: 'integer', autoincrement: opts.autoincrement ?? true })(proto, String(key));
  };
}

/** Class decorator: MikroORM entity + descriptor (its GraphQL object type is derived from it). */
export function Model<T>(opts: ModelOptions<T>) {
  return (cls: Constructor<T>) => {
    const className = opts.name ?? cls.name;
    const name = pascalWords(className);
    const table = opts.table ?? `${opts.app}_${cls.name.toLowerCase()}`; // Django's naming
    const verboseName = opts.verboseName ?? words(cls.name);
    const modelName = opts.modelName ?? cls.name.toLowerCase();
    const description = opts.description ?? `${sentence(verboseName)} (${opts.app}.${modelName})`;
    Entity({ tableName: table })(cls);
    for (const u of opts.uniqueTogether ?? []) Unique({ properties: u as any })(cls);
    const fields = collectFields(cls);
    const d: ModelDescriptor = {
      changeLogged: true,
      ...opts,
      cls, name, className, description, table, fields,
      access: resolveAccess(opts.access),
      plural: pascalWords(opts.plural ?? `${className}s`),
      restPath: opts.restPath ?? kebab(opts.plural ?? `${className}s`),
      modelName,
      verboseName,
      verboseNamePlural: opts.verboseNamePlural ?? `${verboseName}s`,
      contentType: `${opts.app}.${modelName}`,
      naturalKeys: opts.naturalKeys ?? fields.filter((f) => f.unique).map((f) => f.name),
      field: (n: string) => fields.find((f) => f.name === n),
    };
    // A secret searched by `q` or ordered by default would be readable through the rows it selects.
    for (const n of [...(d.q ?? []), ...d.ordering.map((o) => o.replace(/^-/, ''))]) {
      if (d.field(n)?.secret) throw new Error(`${name}: secret field ${n} cannot be searched or ordered by`);
    }
    registry.set(cls, d);
    byTypeName.set(name, d);
  };
}

/** Abstract base classes contribute fields but are not models. */
export function Base() {
  return (cls: Function) => {
    Entity({ abstract: true })(cls as any);
    abstractBases.push(cls);
  };
}

export const abstractBases: Function[] = [];

export function describe(cls: Function): ModelDescriptor {
  const d = registry.get(cls);
  if (!d) throw new Error(`${cls.name} is not a model`);
  return d;
}

export function allModels(): ModelDescriptor[] {
  return [...registry.values()];
}

/** The model whose GraphQL object type has this name. */
export function modelByTypeName(name: string): ModelDescriptor | undefined {
  return byTypeName.get(name);
}

export function modelByContentType(ct: string): ModelDescriptor | undefined {
  return [...registry.values()].find((d) => d.contentType === ct);
}

setModelLookup(modelByContentType, allModels);
