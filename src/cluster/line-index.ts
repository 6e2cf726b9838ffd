/**
 * Line numbers of byte offsets in a large file, counted off the main thread when that pays.
 *
 *   const table = lineTable(bytes, offsets);   // offsets ascending; starts counting now
 *   table.line(k);                              // 1-based line of offsets[k]; waits for the count if needed
 *
 * A 200 MB `kubectl get -o json` dump has 5–6 million newlines; counting them costs the main thread about as
 * much as 15 % of the JSON parse. When the bytes live in a SharedArrayBuffer and are large, a worker thread
 * counts while the main thread parses, and the first `line()` (the report, long after) finds the answers
 * ready. Otherwise, and when the worker cannot be started or does not answer, the count runs here, once, on the
 * first `line()`. Both give the same numbers (one function counts).
 */
import { Worker } from 'node:worker_threads';

/** Files at least this large are counted by a worker (starting one costs a few tens of milliseconds). */
export const WORKER_MIN_BYTES = 16 * 1024 * 1024;
/** How long the main thread waits for the worker before counting itself. */
const WORKER_WAIT_MS = 5000;

/** Number of "\n" bytes in buf[from, to). */
export function countNewlines(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  let i = from;
  // Single bytes up to a 4-byte boundary of the underlying memory, then 32-bit words, then the tail.
  while (i < to && ((buf.byteOffset + i) & 3) !== 0) {
    if (buf[i] === 0x0a) n++;
    i++;
  }
  const words = (to - i) >>> 2;
  if (words > 0) {
    const w32 = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    for (let w = 0; w < words; w++) {
      const x = w32[w] ^ 0x0a0a0a0a; // newline bytes become 0x00
      // Bit 7 of a byte is set exactly when the byte is 0 (no borrow crosses bytes); then the four bits are summed.
      const z = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      n += Math.imul(z >>> 7, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  for (; i < to; i++) if (buf[i] === 0x0a) n++;
  return n;
}

/** out[k] = 1-based line of offsets[k] (ascending), in one pass over buf. */
export function linesOf(buf: Uint8Array, offsets: ArrayLike<number>, out: Int32Array): void {
  let line = 1;
  let pos = 0;
  for (let k = 0; k < offsets.length; k++) {
    const off = offsets[k];
    line += countNewlines(buf, pos, off);
    pos = off;
    out[k] = line;
  }
}

export interface LineTable {
  /** 1-based line of the k-th offset. */
  line(k: number): number;
  /** Who counted, once line() was called: a worker thread, or this thread. */
  readonly countedBy: 'worker' | 'here' | undefined;
}

/** Worker status word: 0 counting, 1 done, 2 failed. */
const COUNTING = 0;
const DONE = 1;

export function lineTable(buf: Uint8Array, offsets: ArrayLike<number>): LineTable {
  const shared = typeof SharedArrayBuffer !== 'undefined' && buf.buffer instanceof SharedArrayBuffer;
  if (shared && buf.length >= WORKER_MIN_BYTES && offsets.length > 0) {
    const table = workerTable(buf, offsets);
    if (table) return table;
  }
  return localTable(buf, offsets);
}

/** Counted here, on first use. */
function localTable(buf: Uint8Array, offsets: ArrayLike<number>): LineTable {
  let lines: Int32Array | undefined;
  return {
    line(k) {
      if (!lines) {
        lines = new Int32Array(offsets.length);
        linesOf(buf, offsets, lines);
      }
      return lines[k];
    },
    get countedBy() {
      return lines ? 'here' : undefined;
    },
  };
}

function workerTable(buf: Uint8Array, offsets: ArrayLike<number>): LineTable | undefined {
  const sharedOffsets = new Int32Array(new SharedArrayBuffer(offsets.length * 4));
  sharedOffsets.set(offsets);
  const lines = new Int32Array(new SharedArrayBuffer(offsets.length * 4));
  const status = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker;
  try {
    worker = new Worker(new URL('./line-index-worker.js', import.meta.url), {
      workerData: { buf, offsets: sharedOffsets, lines, status },
    });
  } catch {
    return undefined;
  }
  // Never keeps the process alive; a failure only means the main thread counts (status stays "counting").
  worker.unref();
  worker.on('error', () => {});
  let fallback: LineTable | undefined;
  let answered = false;
  return {
    line(k) {
      if (fallback) return fallback.line(k);
      if (Atomics.load(status, 0) === COUNTING) Atomics.wait(status, 0, COUNTING, WORKER_WAIT_MS);
      if (Atomics.load(status, 0) === DONE) {
        answered = true;
        return lines[k];
      }
      fallback = localTable(buf, offsets);
      return fallback.line(k);
    },
    get countedBy() {
      return answered ? 'worker' : fallback?.countedBy;
    },
  };
}
