// The worker running inside this process, if any (`peergate serve` runs one unless BGP_WORKER=off).
import type { BgpWorker } from './worker';

let current: BgpWorker | null = null;

export function setLocalWorker(w: BgpWorker | null): void { current = w; }
export function localWorker(): BgpWorker | null { return current; }
