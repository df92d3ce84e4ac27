// Every model table as one text (row count and a hash of every row, in id order): two equal
// snapshots mean nothing was written in between.
import '../../src/domain';
import { allModels } from '../../src/domain/model';
import type { TestServer } from './server';

export async function tableSnapshot(s: TestServer): Promise<string> {
  const conn = s.pg.orm.em.fork().getConnection();
  const parts: string[] = [];
  for (const d of allModels()) {
    // A token's last_used is bookkeeping of the caller's own reads, not data a write could change.
    const r = await conn.execute(`select count(*)::int as n, md5(coalesce(string_agg((to_jsonb(t) - 'last_used')::text, '|' order by t.id), '')) as h from "${d.table}" t`);
    parts.push(`${d.table}:${r[0].n}:${r[0].h}`);
  }
  return parts.join('\n');
}
