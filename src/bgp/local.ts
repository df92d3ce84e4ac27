// The worker running inside this process, if any (`peergate serve` runs one unless BGP_WORKER=off).
import type { BgpWorker } from './worker';
import type { BmpService } from './bmp';

let current: BgpWorker | null = null;
let bmp: BmpService | null = null;

export function setLocalWorker(w: BgpWorker | null): void { current = w; }
export function localWorker(): BgpWorker | null { return current; }

/** The BMP station running in this process (BMP_PORT set), if any. */
export function setLocalBmp(s: BmpService | null): void { bmp = s; }
export function localBmp(): BmpService | null { return bmp; }
