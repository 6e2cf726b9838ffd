/** Worker of lineTable (line-index.ts): counts the lines of shared offsets into shared memory, then signals. */
import { workerData } from 'node:worker_threads';
import { linesOf } from './line-index.js';

const { buf, offsets, lines, status } = workerData as {
  buf: Uint8Array;
  offsets: Int32Array;
  lines: Int32Array;
  status: Int32Array;
};
try {
  linesOf(buf, offsets, lines);
  Atomics.store(status, 0, 1);
} catch {
  Atomics.store(status, 0, 2);
}
Atomics.notify(status, 0);
