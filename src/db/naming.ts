// PostgreSQL cuts identifiers at 63 bytes, so long generated names could collide.
// Names that would be cut keep a readable prefix and end with a short hash instead.
import { createHash } from 'node:crypto';
import { UnderscoreNamingStrategy } from '@mikro-orm/core';
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
