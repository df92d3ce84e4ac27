// Every job kind, loaded by one import line each (its module calls defineJob at load).
// Add your feature's line here; keep them sorted.
import '../domain/peeringdb/sync-job';
import '../workflows/import-sessions';
import '../workflows/polling/jobs';
import '../workflows/templates/configure';
import '../workflows/templates/jobs';
import '../workflows/webhooks';
