// A write's change records are published after the turn that published them (the write's answer
// goes out first), made into events only then, and in publish order with everything else: a small
// event published after a big write's records waits behind them.
import { InProcessBus } from '../../src/events/bus';
import { Outbox } from '../../src/events/outbox';
import type { ObjectChange } from '../../src/domain/extras/object-change';

const time = new Date('2026-12-07T21:00:00.123Z');
const change = (id: number): ObjectChange => ({
  id, time, action: 'create', changedObjectType: 'peering.autonomoussystem', changedObjectId: id, objectRepr: `AS${id}`,
  requestId: 'r', userName: 'u', user: null, prechangeData: null, postchangeData: { asn: id },
} as ObjectChange);
const job = (id: number) => ({ id, jobId: `j${id}`, name: 'n', status: 'done', objectType: 't', objectId: null, userId: null, started: null, completed: null });

test('the in-process bus publishes change records in the next turn, in publish order with other events', async () => {
  const bus = new InProcessBus();
  const heard: string[] = [];
  bus.listen('objectChanged', (e) => heard.push(`change ${e.id} ${e.time}`));
  bus.listen('jobChanged', (e) => heard.push(`job ${e.id}`));
  bus.publishJob(job(1));
  bus.publishObjectChanges([change(1), change(2)]);
  bus.publishJob(job(2));
  bus.publishObjectChanges([]);
  bus.publishObjectChanges([change(3)]);
  expect(heard).toEqual(['job 1']);
  await new Promise((r) => setImmediate(r));
  expect(heard).toEqual(['job 1', 'change 1 2026-12-07T21:00:00.123Z', 'change 2 2026-12-07T21:00:00.123Z', 'job 2', 'change 3 2026-12-07T21:00:00.123Z']);
  bus.publishJob(job(3));
  expect(heard.at(-1)).toBe('job 3');
});

test('an outbox hands out events in order, up to a number at a time, across writes', () => {
  const outbox = new Outbox();
  outbox.push([change(1), change(2), change(3)]);
  outbox.push({ topic: 'jobChanged', payload: job(1) });
  outbox.push([change(4)]);
  const ids = (max: number) => outbox.take(max).map((e) => `${e.topic} ${(e.payload as { id: number }).id}`);
  expect(ids(2)).toEqual(['objectChanged 1', 'objectChanged 2']);
  expect(ids(2)).toEqual(['objectChanged 3', 'jobChanged 1']);
  expect(outbox.empty).toBe(false);
  expect(ids(2)).toEqual(['objectChanged 4']);
  expect(outbox.empty).toBe(true);
});
