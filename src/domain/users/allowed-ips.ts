// A token's `allowedIps`: the networks it may be used from (empty or null: anywhere), checked by
// every authenticator that accepts a token.
import { BlockList, isIP } from 'node:net';
import { parseIp } from '../ip';
import { ValidationError } from '../errors';

const MAX_NETWORKS = 100;

/** Validated CIDRs (an address alone is a host network), or null for anywhere. */
export function parseAllowedIps(value: unknown, field: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw new ValidationError({ [field]: ['Expected a list of items.'] });
  if (value.length > MAX_NETWORKS) throw new ValidationError({ [field]: [`Ensure this field has no more than ${MAX_NETWORKS} elements.`] });
  const out: string[] = [];
  for (const v of value) {
    const p = typeof v === 'string' ? parseIp(v) : null;
    if (!p) throw new ValidationError({ [field]: [`Enter a valid IPv4 or IPv6 network: ${String(v).slice(0, 60)}`] });
    out.push(`${p.address}/${p.length ?? (p.family === 4 ? 32 : 128)}`);
  }
  return out.length ? out : null;
}

/** Whether a client address is inside the allowed networks; IPv4 clients seen as ::ffff:a.b.c.d count as IPv4. */
export function ipAllowed(allowed: readonly string[] | null | undefined, client: string | undefined): boolean {
  if (!allowed?.length) return true;
  if (!client) return false;
  const address = client.startsWith('::ffff:') && isIP(client.slice(7)) === 4 ? client.slice(7) : client;
  const family = isIP(address);
  if (!family) return false;
  const list = new BlockList();
  for (const cidr of allowed) {
    const [net, len] = cidr.split('/');
    const f = isIP(net);
    if (f) list.addSubnet(net, Number(len), f === 4 ? 'ipv4' : 'ipv6');
  }
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
