// PeeringDB's `distance` search on facilities and organizations: rows within `distance`
// km (great circle) of `latitude`/`longitude`, nearest first; the exact location filters
// (latitude, longitude, address1, city, state, zipcode) then stop applying. PeeringDB
// geocodes `city` + `country` with Google when no coordinates are given; offline, the
// point is the centre of the mirror's facilities in that city (no such facility: no rows).
import type { EntityManager } from '@mikro-orm/core';
import type { PdbTag } from '../../src/domain/peeringdb/tags';
import { sqlRows } from '../../src/domain/peeringdb/sql';
import { PdbError } from './errors';
import { fold, foldSql } from '../../src/domain/fold';
import { number, type Where } from './where';

const SPATIAL: ReadonlySet<PdbTag> = new Set<PdbTag>(['fac', 'org']);

/** Filters a spatial search replaces. */
export const LOCATION_FILTERS: ReadonlySet<string> = new Set(['latitude', 'longitude', 'address1', 'city', 'city__in', 'state', 'zipcode']);

export interface Point { latitude: number; longitude: number }

/** The search radius in km when `params` asks for a spatial search of `tag`, else null. */
export function distanceOf(tag: PdbTag, params: URLSearchParams): number | null {
  const raw = params.get('distance');
  if (!SPATIAL.has(tag) || raw === null || raw === '') return null;
  const km = number(raw, 'distance');
  return km > 0 ? km : null;
}

/** The centre of the search: the coordinates given, else the city's (null: unknown city). */
export async function centreOf(em: EntityManager, params: URLSearchParams): Promise<Point | null> {
  if (params.has('latitude') && params.has('longitude')) {
    const latitude = number(params.get('latitude')!, 'latitude');
    const longitude = number(params.get('longitude')!, 'longitude');
    if (Math.abs(latitude) > 90) throw new PdbError(400, `Invalid value for latitude: "${latitude}"`);
    if (Math.abs(longitude) > 180) throw new PdbError(400, `Invalid value for longitude: "${longitude}"`);
    return { latitude, longitude };
  }
  const city = params.get('city') ?? params.get('city__in')?.split(',')[0]?.trim() ?? '';
  const country = params.get('country') ?? params.get('country__in')?.split(',')[0]?.trim() ?? '';
  const missing: Record<string, string[]> = {};
  if (!country) missing.country = ['Required for distance filtering'];
  if (!city) missing.city = ['Required for distance filtering'];
  if (Object.keys(missing).length) throw new PdbError(400, 'Bad Request', missing);
  const [r] = await sqlRows(em,
    `select avg(latitude)::float8 as latitude, avg(longitude)::float8 as longitude from peeringdb_fac
     where status = 'ok' and latitude is not null and longitude is not null and ${foldSql('city')} = ? and lower(country) = ?`,
    [fold(city), country.toLowerCase()]);
  return r && r.latitude !== null ? { latitude: Number(r.latitude), longitude: Number(r.longitude) } : null;
}

/**
 * Keeps the rows within `km` of `at` (none when the centre is unknown); returns the
 * nearest-first ORDER BY, or null when nothing can match.
 */
export function addDistance(alias: string, at: Point | null, km: number, w: Where): string | null {
  if (!at) { w.sql.push('false'); return null; }
  // Numbers checked above, written as literals so the ORDER BY needs no placeholders.
  const lat = `radians(${at.latitude})`;
  const gc = `6371 * acos(least(greatest(cos(${lat}) * cos(radians(${alias}.latitude)) * cos(radians(${alias}.longitude) - radians(${at.longitude})) + sin(${lat}) * sin(radians(${alias}.latitude)), -1), 1))`;
  w.sql.push(`${gc} <= ${km}`);
  return `${gc}, ${alias}.id`;
}
