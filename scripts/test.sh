#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it lacks, then type-checks and runs jest
# (unit, integration on PGlite and a real PostgreSQL 15, BGP interop against real daemons).
set -euo pipefail
cd "$(dirname "$0")/.."

# npm packages exactly as package-lock.json pins them (`npm ci`), when node_modules is missing or
# older than the lock file (npm writes node_modules/.package-lock.json on every install), or `npm ls`
# finds it incomplete. The lock file lists every platform's optional binaries (@swc/core-*,
# @biomejs/cli-*, esbuild's), so `npm ci` works on any machine; it also builds dist/ (prepare).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || ! npm ls --depth=0 >/dev/null 2>&1; then
  npm ci --no-audit --no-fund
fi

# Debian packages the tests drive: real BGP daemons (bird2, gobgpd), chromium for the dashboard e2e test,
# and Python's Jinja2, which renders the expected output of the template tests (never used by PeerGate).
missing=()
command -v bird >/dev/null 2>&1 || missing+=(bird2)
command -v gobgpd >/dev/null 2>&1 || missing+=(gobgpd)
[ -x /usr/lib/frr/bgpd ] || missing+=(frr) # bgpd with its BMP module, for the BMP interop test
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
python3 -c 'import jinja2' >/dev/null 2>&1 || missing+=(python3-jinja2)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
fi
for bin in initdb pg_ctl postgres; do
  command -v "$bin" >/dev/null 2>&1 || { echo "PostgreSQL 15 binaries ($bin) are not on PATH" >&2; exit 1; }
done

# The compiled output the CLI tests run (rebuilt only when a source is newer than the last build).
node scripts/build.js --if-stale
npx biome lint
npx tsc --noEmit -p tsconfig.json
export NODE_OPTIONS=--experimental-vm-modules
if [ $# -gt 0 ]; then
  exec npx jest --ci --maxWorkers=2 "$@"
fi
# Suites that hold real BGP sessions (BIRD, GoBGP, FRR, PeerGate's own speakers) or drive a browser
# run against hold timers and retry delays: they run one at a time, alone, after the others.
# The rest run two at a time: most wait on sockets and child processes, so two share two cores in
# a little over half the time of one.
LIVE='/test/(interop|e2e)/|/test/integration/(polling|cli-bgp)\.test\.ts$'
status=0
npx jest --ci --maxWorkers=2 --testPathIgnorePatterns "$LIVE" || status=$?
npx jest --ci --runInBand "$LIVE" || status=$?
exit $status
