// Fan-out groups (src/graphql/fanout.ts) on the in-process bus and a small schema: every member
// gets every event its own source takes, exactly once and in order; one whose filter refuses an
// event gets nothing of it; first events (a snapshot) come before the group's; nothing published
// between a source's making and its joining is lost; leaving ends delivery and an empty group
// stops listening.
import { GraphQLBoolean, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, createSourceEventStream, parse, type ExecutionArgs } from 'graphql';
import { InProcessBus, type JobChangedEvent } from '../../src/events/bus';
import { LiveSource } from '../../src/graphql/live-source';
import { FanoutGroups, type FanoutSubscription } from '../../src/graphql/fanout';
import type { Caller } from '../../src/http/auth';
import type { User } from '../../src/domain/users/user';

const bus = new InProcessBus();

interface Ctx { caller: Caller; first: JobChangedEvent[] }

const Job = new GraphQLObjectType({
  name: 'Job',
  fields: { id: { type: new GraphQLNonNull(GraphQLInt) }, userId: { type: GraphQLInt }, status: { type: GraphQLString } },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      jobChanged: {
        type: Job,
        args: { userId: { type: GraphQLInt }, strict: { type: GraphQLBoolean } },
        // A strict subscriber's filter throws at a status it cannot judge.
        subscribe: (_root, args: { userId?: number; strict?: boolean }, ctx: Ctx) =>
          new LiveSource(bus, 'jobChanged', (e) => {
            if (args.strict && e.status === 'unknown') throw new Error('unknown status');
            return args.userId == null || e.userId === args.userId;
          }, ctx.first),
        resolve: (e: JobChangedEvent) => e,
      },
    },
  }),
});
const document = parse('subscription($u: Int, $strict: Boolean) { jobChanged(userId: $u, strict: $strict) { id userId status } }');

const caller = (id: number): Caller => ({ user: { id, isSuperuser: true, isStaff: true, isActive: true } as User, token: null, error: null, canWrite: true });

function job(id: number, userId: number, status = 'running'): JobChangedEvent {
  return { id, jobId: String(id), name: 'test', status, objectType: 'core.job', objectId: null, userId, started: null, completed: null };
}

const counted = { executed: 0, shared: 0 };
const groups = new FanoutGroups((kind, n = 1) => { counted[kind] += n; });

interface Subscriber { sub: FanoutSubscription; got: number[]; ids: Set<string> }

/** A subscription made (its resolver ran, its source listens), not yet joined. */
async function made(variables: { u?: number; strict?: boolean }, first: JobChangedEvent[] = []): Promise<{ args: ExecutionArgs; sub: FanoutSubscription }> {
  const args: ExecutionArgs = { schema, document, variableValues: variables, contextValue: { caller: caller(1), first } satisfies Ctx };
  const source = await createSourceEventStream(args);
  expect(source).toBeInstanceOf(LiveSource);
  return { args, sub: groups.subscription(args, source as LiveSource) };
}

function join(sub: FanoutSubscription, id = 'sub'): Subscriber {
  const s: Subscriber = { sub, got: [], ids: new Set() };
  sub.attach({
    id,
    send: (payloads) => {
      s.ids.add(id);
      for (const p of payloads) s.got.push(JSON.parse(p.toString()).data.jobChanged.id);
    },
  });
  return s;
}

async function subscriber(variables: { u?: number; strict?: boolean } = {}, first: JobChangedEvent[] = []): Promise<Subscriber> {
  return join((await made(variables, first)).sub);
}

/** Lets the groups deliver what was published (they send once per turn of the event loop). */
const settle = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };

afterEach(async () => {
  await settle();
});

test('each member gets exactly the events its filter takes, once and in order, in one group per document, variables and rights', async () => {
  const all = [await subscriber(), await subscriber()];
  const one = await subscriber({ u: 1 });
  const two = await subscriber({ u: 2 });
  expect(groups.size).toBe(3);
  const before = { ...counted };
  // A burst in one turn, then more in later turns.
  for (let i = 1; i <= 300; i++) bus.publishJob(job(i, i % 3 === 0 ? 2 : 1));
  await settle();
  for (let i = 301; i <= 310; i++) { bus.publishJob(job(i, 1)); await settle(); }
  const range = (from: number, to: number, keep: (i: number) => boolean) => Array.from({ length: to - from + 1 }, (_, k) => from + k).filter(keep);
  for (const s of all) expect(s.got).toEqual(range(1, 310, () => true));
  expect(one.got).toEqual(range(1, 310, (i) => i > 300 || i % 3 !== 0));
  expect(two.got).toEqual(range(1, 300, (i) => i % 3 === 0));
  // Each event executed once per group that takes it; the second unfiltered member shares.
  expect(counted.executed - before.executed).toBe(310 + 210 + 100);
  expect(counted.shared - before.shared).toBe(310);
  for (const s of [...all, one, two]) await s.sub.return();
  expect(groups.size).toBe(0);
});

test('first events come before the group\'s, and what was published between making and joining is not lost', async () => {
  const early = await subscriber();
  const { sub } = await made({}, [job(900, 1, 'snapshot'), job(901, 2, 'snapshot')]);
  // Published after the late subscription was made but before it joined its group.
  bus.publishJob(job(1, 1));
  await settle();
  const late = join(sub);
  bus.publishJob(job(2, 1));
  await settle();
  expect(late.got).toEqual([900, 901, 1, 2]);
  expect(early.got).toEqual([1, 2]);
  // A filtered source's snapshot is filtered too.
  const filtered = await subscriber({ u: 2 }, [job(902, 1, 'snapshot'), job(903, 2, 'snapshot')]);
  bus.publishJob(job(3, 2));
  await settle();
  expect(filtered.got).toEqual([903, 3]);
  for (const s of [early, late, filtered]) await s.sub.return();
});

test('the subscription id is each member\'s own even when the frames are shared', async () => {
  const a = join((await made({})).sub, 'a');
  const b = join((await made({})).sub, 'b');
  bus.publishJob(job(1, 1));
  await settle();
  expect([...a.ids]).toEqual(['a']);
  expect([...b.ids]).toEqual(['b']);
  expect(a.got).toEqual([1]);
  expect(b.got).toEqual([1]);
  await a.sub.return();
  await b.sub.return();
});

test('a member that leaves gets nothing more, its iteration ends, and an empty group stops listening', async () => {
  const staying = await subscriber();
  const leaving = await subscriber();
  const ended = leaving.sub.next();
  bus.publishJob(job(1, 1));
  await settle();
  await leaving.sub.return();
  expect(await ended).toEqual({ value: undefined, done: true });
  bus.publishJob(job(2, 1));
  await settle();
  expect(leaving.got).toEqual([1]);
  expect(staying.got).toEqual([1, 2]);
  // One that leaves before its turn to join never gets anything.
  const { sub } = await made({});
  const never = join(sub);
  await sub.return();
  bus.publishJob(job(3, 1));
  await settle();
  expect(never.got).toEqual([]);
  expect(staying.got).toEqual([1, 2, 3]);
  await staying.sub.return();
  expect(groups.size).toBe(0);
  // No group listens any more: publishing reaches nobody and costs no execution.
  const before = { ...counted };
  bus.publishJob(job(4, 1));
  await settle();
  expect(counted).toEqual(before);
});

test('a filter that throws ends only its own subscription with the error, after the events it took before', async () => {
  const strict = await subscriber({ strict: true });
  const other = await subscriber();
  const ending = strict.sub.next();
  bus.publishJob(job(1, 1));
  bus.publishJob(job(2, 1, 'unknown'));
  bus.publishJob(job(3, 1));
  await settle();
  await expect(ending).rejects.toThrow('unknown status');
  expect(strict.got).toEqual([1]);
  bus.publishJob(job(4, 1));
  await settle();
  expect(strict.got).toEqual([1]);
  expect(other.got).toEqual([1, 2, 3, 4]);
  await other.sub.return();
  expect(groups.size).toBe(0);
});

test('a source iterated on its own (no fan-out) gives its first events, then what it takes, and ends at return()', async () => {
  const source = new LiveSource(bus, 'jobChanged', (e) => e.userId === 1, [job(900, 1), job(901, 2)]);
  const it = source[Symbol.asyncIterator]();
  bus.publishJob(job(1, 2));
  bus.publishJob(job(2, 1));
  expect((await it.next()).value?.id).toBe(900);
  expect((await it.next()).value?.id).toBe(2);
  const waiting = it.next();
  await it.return!();
  expect(await waiting).toEqual({ value: undefined, done: true });
});
