// An engine fault on demand: the embedded database's next query throws a WebAssembly.RuntimeError,
// as a trapped instance does. A natural trap (JSON nested thousands of levels deep, past every
// input check) overflows PGlite's shadow stack, and what follows depends on the process's native
// stack: a trap in one jest worker, an in-band out-of-memory error or a hang that never returns in
// another. So inputs that recurse are refused at the edges (JSON_MAX_DEPTH, input-hardening tests)
// and the tests of what happens after a trap, whatever caused it, arm one with this.
import { embeddedDatabase, type Orm } from '../../src/db/orm';

export function armEngineTrap(orm: Orm): void {
  const db = embeddedDatabase(orm)?.pglite;
  if (!db) throw new Error('armEngineTrap needs an open embedded database');
  const query = db.query;
  db.query = async () => {
    db.query = query;
    throw new WebAssembly.RuntimeError('memory access out of bounds');
  };
}
