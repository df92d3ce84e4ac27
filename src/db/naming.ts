// PostgreSQL cuts identifiers at 63 bytes, so long generated names could collide.
// Names that would be cut keep a readable prefix and end with a short hash instead.
import { createHash } from 'node:crypto';
import { UnderscoreNamingStrategy, type MetadataStorage } from '@mikro-orm/core';
import { snake } from '../domain/model';

const MAX = 63;

export function fitIdentifier(name: string): string {
  if (name.length <= MAX) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX - 9)}_${hash}`;
}

export class PeerGateNamingStrategy extends UnderscoreNamingStrategy {
  /** Columns carry the REST (snake_case) names: `ipv4MaxPrefixes` -> `ipv4_max_prefixes`. */
  override propertyToColumnName(propertyName: string): string {
    return snake(propertyName);
  }

  override joinTableName(sourceEntity: string, targetEntity: string, propertyName: string): string {
    return fitIdentifier(super.joinTableName(sourceEntity, targetEntity, propertyName));
  }
  override indexName(tableName: string, columns: string[], type: 'primary' | 'foreign' | 'unique' | 'index' | 'sequence' | 'check'): string {
    return fitIdentifier(super.indexName(tableName, columns, type));
  }
}

/** A model's table and columns as the ORM maps them, quoted, for SQL written by hand. */
export interface MappedNames {
  /** The model's table. */
  table(cls: Function): string;
  /** A property's column on the model's row at an alias ("alias"."column"; a relation's join column). */
  col(cls: Function, alias: string, field: string): string;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The names of `metadata` (an ORM's, after discovery); an unknown model or property is a programming error. */
export function mappedNames(metadata: MetadataStorage): MappedNames {
  const meta = (cls: Function) => metadata.find(cls.name) ?? fail(`${cls.name} is not an entity`);
  return {
    table: (cls) => quote(meta(cls).tableName),
    col: (cls, alias, field) => `${alias}.${quote((meta(cls).properties[field] ?? fail(`${cls.name}.${field} is not a property`)).fieldNames[0])}`,
  };
}

function fail(message: string): never {
  throw new Error(message);
}
