// The remembered list of enabled webhooks (src/workflows/webhooks/enabled-hooks.ts): when a read
// is used again, and when it must not be (a webhook write pending, a read older than a change).
import type { EntityManager } from '@mikro-orm/core';
import { EnabledHooks, HOLD_MS, TTL_MS, type HookRow } from '../../src/workflows/webhooks/enabled-hooks';

/** An entity manager whose webhook reads are counted and answered by `answer`. */
function fakeEm(answer: () => Promise<HookRow[]> = async () => []) {
  const stats = { reads: 0 };
  const em = {
    getConnection: () => ({ execute: () => { stats.reads++; return answer(); } }),
    getMetadata: () => ({ get: () => ({ tableName: 'extras_webhook' }) }),
    getTransactionContext: () => undefined,
    getLoggerContext: () => ({}),
  } as unknown as EntityManager;
  return { em, stats };
}

describe('enabled webhooks, remembered', () => {
  let now = 1_000_000;
  const clock = () => now;

  test('a list is read once and used until TTL_MS has passed', async () => {
    const { em, stats } = fakeEm();
    const hooks = new EnabledHooks(clock);
    await hooks.get(em);
    await hooks.get(em);
    expect(stats.reads).toBe(1);
    now += TTL_MS;
    await hooks.get(em);
    expect(stats.reads).toBe(2);
  });

  test('while a flushed webhook write is not yet heard from the bus, reads are not remembered', async () => {
    const { em, stats } = fakeEm();
    const hooks = new EnabledHooks(clock);
    await hooks.get(em);
    hooks.written([7, 8]);
    await hooks.get(em);
    await hooks.get(em);
    expect(stats.reads).toBe(3);
    hooks.heard(7);
    await hooks.get(em);
    expect(stats.reads).toBe(4);
    hooks.heard(8);
    await hooks.get(em);
    await hooks.get(em);
    expect(stats.reads).toBe(5);
  });

  test('a write never heard (rolled back) holds the list for HOLD_MS only', async () => {
    const { em, stats } = fakeEm();
    const hooks = new EnabledHooks(clock);
    hooks.written([9]);
    await hooks.get(em);
    now += HOLD_MS;
    await hooks.get(em);
    await hooks.get(em);
    expect(stats.reads).toBe(2);
  });

  test('a read that began before a change is used but not remembered', async () => {
    let release!: (rows: HookRow[]) => void;
    const { em, stats } = fakeEm(() => new Promise((r) => { release = r; }));
    const hooks = new EnabledHooks(clock);
    const old = hooks.get(em);
    hooks.heard(3);
    release([{ id: 1, content_types: ['peering.autonomoussystem'], type_create: true, type_update: false, type_delete: false }]);
    expect(await old).toHaveLength(1);
    const next = hooks.get(em);
    release([]);
    expect(await next).toEqual([]);
    expect(stats.reads).toBe(2);
  });
});
