// The speaker thread's entry point (loaded by ./client through ./bootstrap).
import { parentPort } from 'node:worker_threads';
import { serveSpeakers } from './host';

if (!parentPort) throw new Error('bgp-core/thread/entry runs only as a worker thread');
serveSpeakers(parentPort);
parentPort.postMessage({ kind: 'ready' });
