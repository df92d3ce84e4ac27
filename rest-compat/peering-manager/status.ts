// GET /api/status/: what is running. Peering Manager reports Django, Python and
// RQ workers; PeerGate reports what it actually has and null for what it lacks.
import { VERSION, API_VERSION } from '../../src/http/version';
import { apps } from './registry';

export function statusBody(): Record<string, unknown> {
  return {
    'django-version': null,
    'installed-apps': Object.fromEntries(apps().map((a) => [a, VERSION])),
    'peering-manager-version': API_VERSION,
    'peergate-version': VERSION,
    'node-version': process.version.replace(/^v/, ''),
    'python-version': null,
    'rq-workers-running': 0,
  };
}
