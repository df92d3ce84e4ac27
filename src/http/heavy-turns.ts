// Large request bodies are parsed one per event-loop turn. Parsing a body of megabytes is one
// uninterruptible step (~10 ms per MB here); when dozens arrive together their parses would run
// back to back in one I/O phase, and timers (BGP keepalives of the embedded speaker) and other
// requests (health checks) would wait for all of them. Queued, each waits for a turn in which
// timers and I/O run first.
const LARGE = 256 * 1024;

let tail: Promise<void> = Promise.resolve();

/** Runs `parse` now for small inputs; for large ones, after the large ones before it, in a fresh turn. */
export function parseInTurn<T>(size: number, parse: () => T): Promise<T> {
  if (size < LARGE) return Promise.resolve().then(parse);
  const run = tail.then(() => new Promise<T>((resolve, reject) => {
    setImmediate(() => {
      // A timer phase has passed since the previous large parse: keepalives went out.
      setTimeout(() => { try { resolve(parse()); } catch (e) { reject(e); } }, 0);
    });
  }));
  tail = run.then(() => undefined, () => undefined);
  return run;
}
