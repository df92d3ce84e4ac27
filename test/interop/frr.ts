// Starts FRR's bgpd alone (no zebra, no watchfrr) in a temporary directory, for the BMP interop
// test: Debian's `frr` package ships bgpd and its BMP module (bgpd_bmp.so, loaded with -M bmp).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Daemon, startProcess, waitFor } from './daemons';

export const FRR_BGPD = '/usr/lib/frr/bgpd';

/** Fails loudly (never skips) when bgpd is missing: CI installs it. */
export function requireFrr(): void {
  if (!fs.existsSync(FRR_BGPD)) throw new Error(`BMP interop needs FRR's bgpd (${FRR_BGPD}). Install with: apt-get update && apt-get install -y frr`);
}

export interface FrrOptions {
  address: string;
  port: number;
  /** bgpd.conf text (hostname, router bgp, bmp targets ...). */
  config: string;
}

/** bgpd with the BMP module, running once it has written its pid file (after reading its configuration). */
export async function startFrr(o: FrrOptions): Promise<Daemon> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-frr-'));
  const conf = path.join(dir, 'bgpd.conf');
  fs.writeFileSync(conf, o.config);
  // -S: stay root (no switch to the frr user); -Z: no zebra; -P 0: no TCP vty; sockets and pid in dir.
  const d = startProcess(FRR_BGPD, [
    '-f', conf, '-i', path.join(dir, 'bgpd.pid'), '--vty_socket', dir, '-z', path.join(dir, 'zserv.api'),
    '-P', '0', '-p', String(o.port), '-l', o.address, '-Z', '-S', '-M', 'bmp', '--log', 'stdout', '--log-level', 'info',
  ], dir);
  await waitFor('bgpd started', () => {
    if (d.exited()) throw new Error(`bgpd exited: ${d.log()}`);
    return fs.existsSync(path.join(dir, 'bgpd.pid'));
  }, 15_000);
  return d;
}
