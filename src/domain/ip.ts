// IP address handling shared by the models: parsing, validation and filters.
import { isIP } from 'node:net';
import { raw } from '@mikro-orm/core';
import { snake } from './model';

export interface ParsedIp { address: string; family: 4 | 6; length: number | null }

/** "192.0.2.1/31" or "2001:db8::1" -> parts, or null when it is not an address. */
export function parseIp(value: string): ParsedIp | null {
  const [address, len, extra] = value.trim().split('/');
  if (extra !== undefined) return null;
  const family = isIP(address);
  if (family !== 4 && family !== 6) return null;
  if (len === undefined) return { address, family, length: null };
  if (!/^\d{1,3}$/.test(len) || Number(len) > (family === 4 ? 32 : 128)) return null;
  return { address, family, length: Number(len) };
}

function v4ToInt(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/** Peering Manager's session checks: not a network/broadcast address, local differs, TTL 1 means same subnet. */
export function validateSessionAddresses(remote: string | null | undefined, local: string | null | undefined, ttl: number): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const r = remote ? parseIp(remote) : null;
  if (!r) return errors;
  if (r.family === 4 && r.length !== null && r.length < 31) {
    const size = 2 ** (32 - r.length);
    const offset = v4ToInt(r.address) % size;
    if (offset === 0) errors.ipAddress = ['The IP address cannot be the network address of its prefix.'];
    else if (offset === size - 1) errors.ipAddress = ['The IP address cannot be the broadcast address of its prefix.'];
  }
  const l = local ? parseIp(local) : null;
  if (l) {
    if (l.address === r.address) errors.localIpAddress = ['The local IP address must differ from the remote one.'];
    else if (l.family !== r.family) errors.localIpAddress = ['The local and remote IP addresses must be of the same family.'];
    else if (ttl === 1 && r.length !== null && l.length !== null && r.family === 4) {
      const mask = r.length === 0 ? 0 : (0xffffffff << (32 - r.length)) >>> 0;
      if (((v4ToInt(r.address) & mask) >>> 0) !== ((v4ToInt(l.address) & mask) >>> 0)) {
        errors.localIpAddress = ['With a multihop TTL of 1, the local and remote IP addresses must be in the same subnet.'];
      }
    }
  }
  return errors;
}

/** address_family=4|6 on an inet column; other values match everything, as in Peering Manager. */
export function addressFamilyFilter(field: string, family: number): Record<string, unknown> {
  if (family !== 4 && family !== 6) return {};
  return { [raw((alias: string) => `family(${alias}.${snake(field)})`)]: family } as any;
}

/** q parsed as an IP: match the host part of any of the given inet columns. */
export function ipHostFilter(fields: string[], q: string): Record<string, unknown>[] {
  const p = parseIp(q);
  if (!p) return [];
  return fields.map((f) => ({ [raw((alias: string) => `host(${alias}.${snake(f)})`)]: p.address }) as any);
}
