// Many-to-many tables' second column gets an index of its own, as Django gives each column of a
// through table. Their primary key (owner, target) serves reads from the owner's side; a filter
// from the target's (ASes with tag `x`: `id in (select owner from pivot where target = ...)`)
// scanned the whole table once for the page and once for its count, most of a tag-filtered
// 25-AS page's PostgreSQL time on the load seed (bench/load). MikroORM makes the pivot tables'
// metadata itself, so the index is declared on it once discovered.
import type { MetadataStorage } from '@mikro-orm/core';

/** Marks every pivot table's columns that do not lead its primary key as indexed. */
export function indexPivotTargets(storage: MetadataStorage): void {
  for (const meta of Object.values(storage.getAll())) {
    if (!meta.pivotTable) continue;
    const leading = meta.primaryKeys.length ? meta.properties[meta.primaryKeys[0]]?.fieldNames?.[0] : undefined;
    for (const prop of meta.relations) {
      if (prop.fieldNames?.[0] !== leading) prop.index = true;
    }
  }
}
