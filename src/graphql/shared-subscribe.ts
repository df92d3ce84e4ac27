// Subscription fan-out: an event is executed once for every subscriber that would get the same
// result, not once per subscriber. graphql-js's subscribe() maps each source event through
// execute() per subscription; here the source stream stays per subscriber (its resolver's
// filters and argument checks run for each one), and the execution of its selection is shared
// by the subscribers that have the same document, operation, variables and visibility.
// The cache hangs off the event object itself (a WeakMap), so it lives only while some
// subscriber still holds the event and goes with it once delivered.
import { createHash } from 'node:crypto';
import { createSourceEventStream, execute, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { visibilityKey } from '../domain/access';
import type { GqlContext } from './context';

/** Whether an event's result was executed for this subscriber or taken from another's execution. */
export type Execution = 'executed' | 'shared';
/** Counts `n` (default 1) subscriber deliveries of one kind. */
export type CountExecutions = (e: Execution, n?: number) => void;

/** Results of one event by share key; events that are not objects cannot be keys and are executed per subscriber. */
const resultsByEvent = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

/** Each parsed document's text, hashed once (every subscription parses its own document). */
const documentHashes = new WeakMap<DocumentNode, string>();

function documentHash(document: DocumentNode): string {
  let h = documentHashes.get(document);
  if (!h) {
    h = createHash('sha256').update(print(document)).digest('base64url');
    documentHashes.set(document, h);
  }
  return h;
}

/**
 * What decides a subscriber's result besides the event: the document, the operation in it, the
 * variables as sent, and everything the caller's rights change (src/domain/access.ts). Variables
 * sent in another key order only miss the sharing; they never share wrongly.
 */
export function shareKey(args: ExecutionArgs): string {
  const caller = (args.contextValue as GqlContext | undefined)?.caller;
  // Without a caller there is nothing to tell subscribers apart by: no sharing.
  if (!caller) return '';
  return JSON.stringify([documentHash(args.document), args.operationName ?? null, args.variableValues ?? {}, visibilityKey(caller)]);
}

/** The result of `event` for this subscriber: the one already executed for its key, or a new execution. */
function resultFor(event: unknown, args: ExecutionArgs, key: string, count: CountExecutions): Promise<ExecutionResult> {
  const run = async () => execute({ ...args, rootValue: event }) as ExecutionResult | Promise<ExecutionResult>;
  if (!key || event === null || typeof event !== 'object') {
    count('executed');
    return run();
  }
  let results = resultsByEvent.get(event);
  if (!results) {
    results = new Map();
    resultsByEvent.set(event, results);
  }
  const known = results.get(key);
  if (known) {
    count('shared');
    return known;
  }
  count('executed');
  const result = run();
  results.set(key, result);
  return result;
}

/**
 * Iterates one subscriber's source stream with the execution of each event shared as described
 * above. The returned iterator ends its source at once when the client completes, even while no
 * event is pending (an async generator could not).
 */
export function sharedIteration(stream: AsyncIterable<unknown>, args: ExecutionArgs, count: CountExecutions): AsyncIterableIterator<ExecutionResult> {
  const source = stream[Symbol.asyncIterator]();
  const key = shareKey(args);
  const done = async (): Promise<IteratorResult<ExecutionResult>> => {
    await source.return?.();
    return { value: undefined, done: true };
  };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]() { return this; },
    async next() {
      const r = await source.next();
      if (r.done) return { value: undefined, done: true };
      return { value: await resultFor(r.value, args, key, count), done: false };
    },
    return: done,
    async throw(error: unknown) {
      await done();
      throw error;
    },
  };
  return iterator;
}

/** graphql-js's subscribe() with the execution of each event shared; a drop-in for graphql-ws's `subscribe` option. */
export function sharedSubscribe(count: CountExecutions = () => undefined) {
  return async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    return sharedIteration(stream as AsyncIterable<unknown>, args, count);
  };
}
