// Values that are sometimes computed at once and sometimes need I/O (a display string that
// loads a related object, a validation that queries). Bulk writes handle 10,000 objects: only
// those that need I/O get a promise, the others cost no promise and no turn of the event loop.

export type Maybe<T> = T | Promise<T>;

export const isPromise = <T>(v: Maybe<T>): v is Promise<T> => typeof (v as { then?: unknown } | null)?.then === 'function';

/** `fn` of a value now, or once its promise settles. */
export function then<T, R>(v: Maybe<T>, fn: (v: T) => R): Maybe<R> {
  return isPromise(v) ? v.then(fn) : fn(v);
}
