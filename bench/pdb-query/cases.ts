// The requests bench/pdb-query times: full lists as peeringdb-py's --fetch-private and cache
// builders read them, the lookups scripts make, and depth. [name, path of request i, n, concurrency].
import type { generatePdb } from '../pdb-gen/generate';

export type PdbCase = [string, (i: number) => string, number, number];

export function pdbCases(data: ReturnType<typeof generatePdb>): PdbCase[] {
  const asns = data.net.map((n) => n.asn as number);
  return [
    ['`net` (full list)', () => 'net', 5, 1],
    ['`netixlan` (full list)', () => 'netixlan', 5, 1],
    ['`poc` (full list)', () => 'poc', 5, 1],
    ['`org` (full list)', () => 'org', 5, 1],
    ['`net?asn=<asn>`', (i) => `net?asn=${asns[(i * 7919) % asns.length]}`, 400, 4],
    ['`net?asn__in=<150 asns>`', (i) => `net?asn__in=${asns.slice((i * 150) % (asns.length - 150), ((i * 150) % (asns.length - 150)) + 150).join(',')}`, 100, 4],
    ['`netixlan?net__asn=<asn>`', (i) => `netixlan?net__asn=${asns[(i * 7919) % asns.length]}`, 200, 4],
    ['`netixlan?asn__in=<150 asns>`', (i) => `netixlan?asn__in=${asns.slice((i * 150) % (asns.length - 150), ((i * 150) % (asns.length - 150)) + 150).join(',')}`, 100, 4],
    ['`net?depth=2&limit=250` (sets as objects)', (i) => `net?depth=2&limit=250&skip=${(i * 250) % (data.net.length - 250)}`, 40, 2],
    ['`net?name__contains=<x>`', (i) => `net?name__contains=work ${1000 + (i % 9000)}`, 100, 4],
    ['`net?name=<x>` (accents and case folded)', (i) => `net?name=network ${1 + ((i * 7919) % data.net.length)}`, 200, 4],
    ['`fac?city=zurich` (finds Zürich)', () => 'fac?city=zurich', 100, 4],
    ['`net?name_search=<two words>`', (i) => `net?name_search=network ${1000 + (i % 9000)}`, 100, 4],
    ['`ix?asn_overlap=<2 asns>`', (i) => `ix?asn_overlap=${asns[(i * 7919) % asns.length]},${asns[(i * 104729) % asns.length]}`, 100, 4],
    ['`ix?capacity__gt=<Mbit/s>`', (i) => `ix?capacity__gt=${100_000 * (1 + (i % 50))}`, 50, 4],
    ['`fac?distance=500&latitude=&longitude=`', (i) => `fac?distance=500&latitude=${((i * 37) % 140) - 70}&longitude=${((i * 53) % 340) - 170}`, 100, 4],
    ['`net/<id>` (default depth 2, with org)', (i) => `net/${1 + ((i * 7919) % data.net.length)}`, 400, 4],
    ['`ix/<id>?depth=2` (largest IXes)', (i) => `ix/${1 + (i % 10)}?depth=2`, 50, 4],
    ['`ixlan?depth=2` (250 rows, nets as objects)', () => 'ixlan?depth=2', 20, 2],
    ['`ixlan/<id>` (largest IXes, net_set through netixlan)', (i) => `ixlan/${1 + (i % 10)}`, 50, 4],
    ['`org/<id>?depth=4`', (i) => `org/${1 + ((i * 7919) % data.org.length)}?depth=4`, 200, 4],
    ['`net?page=<p>&per_page=250`', (i) => `net?page=${1 + (i % 100)}&per_page=250`, 40, 2],
    ['`net?since=<1 day ago>`', () => `net?since=${Math.floor(new Date('2025-12-31T00:00:00Z').getTime() / 1000)}`, 50, 4],
  ];
}
