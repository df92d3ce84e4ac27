// Helpers for the Peering Manager dialect's HTTP tests.
import type { TestServer } from './server';
import { createToken } from '../../src/domain/users/tokens';
import { User } from '../../src/domain/users/user';

export const AS = '/api/peering/autonomous-systems/';

let next = 64512;
/** A fresh private ASN per call. */
export const asn = () => ++next;

export async function createAs(s: TestServer, extra: Record<string, unknown> = {}): Promise<any> {
  const r = await s.http('POST', AS, { body: { asn: asn(), name: `net-${next}`, ...extra } });
  if (r.status !== 201) throw new Error(`create AS: ${r.status} ${r.text}`);
  return r.json;
}

export async function post(s: TestServer, path: string, body: unknown): Promise<any> {
  const r = await s.http('POST', path, { body });
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.text}`);
  return r.json;
}

/** Tokens of the admin user, made directly in the database. */
export async function makeToken(s: TestServer, opts: { writeEnabled?: boolean; expires?: Date | null }): Promise<string> {
  const em = s.pg.orm.em.fork();
  const admin = await em.findOneOrFail(User, { username: 'admin' });
  return (await createToken(em, admin, opts)).key;
}
