// Peering Manager's encrypt-password action (spec pm-workflows §5): a session's password
// written in its router platform's cipher, kept in `encryptedPassword`.
import type { AnyEntity } from '@mikro-orm/core';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { GqlContext } from '../../graphql/context';
import { readScope, requireModelWrite } from '../../graphql/guards';
import { NotFoundError, UnavailableError } from '../../domain/errors';
import { describe } from '../../domain/model';
import * as crud from '../../domain/crud';
import { DirectPeeringSession } from '../../domain/peering/direct-peering-session';
import { InternetExchangePeeringSession } from '../../domain/peering/internet-exchange-peering-session';
import type { Router } from '../../domain/devices/router';
import type { Platform } from '../../domain/devices/platform';
import { decryptPassword, encryptPassword, isInPlatformFormat } from '../ciphers';
import { SESSION_ENTITY, type SessionType } from '../../bgp/desired';

export type SessionKind = SessionType;

/**
 * A session the caller may change, with its router and the router's platform loaded (a direct
 * session's own router, an IX session's connection's router); 404 when it is not there.
 */
export async function loadSessionForChange(ctx: GqlContext, kind: SessionKind, id: string): Promise<{ session: AnyEntity; router: Router | null }> {
  const d = describe(SESSION_ENTITY[kind]);
  // The core's write grant first: a read-only credential learns nothing more.
  requireModelWrite(ctx, d, 'update');
  const session = await crud.get(ctx.em, d, id, undefined, readScope(ctx, d));
  if (!session) throw new NotFoundError(`No ${d.className} matches the given query.`);
  const path = kind === 'direct' ? 'router.platform' : 'ixpConnection.router.platform';
  await ctx.em.populate(session, [path] as any);
  const router = (kind === 'direct' ? session.router : session.ixpConnection?.router) ?? null;
  return { session, router };
}

/** The cipher key PM passes: the session IP as text (an IX session's bare, a direct session's with its prefix length). */
export function sessionKey(kind: SessionKind, ipAddress: string): string {
  return kind === 'ixp' ? ipAddress.split('/')[0] : ipAddress;
}

/** Whether a stored value is `password` in the platform's cipher (a value that fails to decrypt is not). */
function storedMatches(algorithm: string, stored: string, password: string, key: string): boolean {
  if (!isInPlatformFormat(algorithm, stored)) return false;
  try {
    return decryptPassword(algorithm, stored, key) === password;
  } catch {
    return false;
  }
}

/** The encrypted password the session should hold, or null when what it holds is right. */
export function nextEncryptedPassword(algorithm: string, password: string, stored: string, key: string): string | null {
  if (!password && stored) return '';
  if (!stored) {
    const fresh = encryptPassword(algorithm, password, key);
    return fresh === stored ? null : fresh;
  }
  return storedMatches(algorithm, stored, password, key) ? null : encryptPassword(algorithm, password, key);
}

/** Encrypts (or clears, or re-encrypts) a session's password with its router's platform cipher; 503 when the router cannot. */
export async function encryptSessionPassword(ctx: GqlContext, kind: SessionKind, id: string): Promise<AnyEntity> {
  const { session, router } = await loadSessionForChange(ctx, kind, id);
  if (!router) throw new UnavailableError('The session has no router, so no platform to encrypt its password for.');
  const platform = (router.platform as Platform | null | undefined) ?? null;
  if (!platform) throw new UnavailableError(`Router ${router.name} has no platform.`);
  if (!router.encryptPasswords) throw new UnavailableError(`Router ${router.name} does not encrypt passwords (encrypt_passwords is false).`);
  const next = nextEncryptedPassword(platform.passwordAlgorithm, session.password ?? '', session.encryptedPassword ?? '', sessionKey(kind, session.ipAddress));
  if (next === null) return session;
  const d = describe(SESSION_ENTITY[kind]);
  const [updated] = await crud.update(ctx.em, d, [{ id, input: { encryptedPassword: next } }], true, ctx.caller, (changes) => ctx.bus.publishObjectChanges(changes as any));
  return updated;
}

@Resolver()
export class SessionPasswordResolver {
  @Mutation(() => DirectPeeringSession, { description: 'Writes the session\'s password in its router platform\'s cipher into encryptedPassword (re-encrypts a stale value, clears it when the password is empty); SERVICE_UNAVAILABLE when the session has no router, the router no platform or encryptPasswords is off.' })
  async encryptDirectPeeringSessionPassword(@Arg('id', () => ID, { description: 'Id of the direct peering session' }) id: string, @Ctx() ctx: GqlContext): Promise<AnyEntity> {
    return encryptSessionPassword(ctx, 'direct', id);
  }

  @Mutation(() => InternetExchangePeeringSession, { description: 'Writes the session\'s password in the platform cipher of its connection\'s router into encryptedPassword (re-encrypts a stale value, clears it when the password is empty); SERVICE_UNAVAILABLE when there is no router, no platform or encryptPasswords is off.' })
  async encryptInternetExchangePeeringSessionPassword(@Arg('id', () => ID, { description: 'Id of the IX peering session' }) id: string, @Ctx() ctx: GqlContext): Promise<AnyEntity> {
    return encryptSessionPassword(ctx, 'ixp', id);
  }
}
