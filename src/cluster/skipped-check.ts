/**
 * Checks that the JSON the readers cut unparsed (members the reduction drops, reduce.ts) is valid JSON, so a
 * malformed dump is reported even where nobody reads it. Each cut value is checked by json-check.ts (no objects
 * built); small amounts here at the end, and once more than BATCH_BYTES were cut, in batches by a worker thread
 * on the other core while this one reads on. A worker that cannot start means the check runs here: it costs
 * time, never correctness.
 *
 *   const check = new SkippedCheck();
 *   check.add('dump.json', bytes, line);     // bytes: the cut JSON value; line: where it starts
 *   const errors = await check.results();   // one parse-error (or invalid-encoding) per file, the first found
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import { jsonError } from './json-check.js';
import { countNewlines } from './newlines.js';
import type { SourceWarning } from './types.js';

/** Bytes collected before they are checked or sent: a few MB take ~10 ms to check here. */
const BATCH_BYTES = 4 * 1024 * 1024;

export interface SkippedBatch {
  /** The cut values, back to back. */
  bytes: Uint8Array;
  /** Per value: end offset in bytes, file index, first line. */
  ends: number[];
  files: number[];
  lines: number[];
}

/** The first value of a file that is not JSON: its file index, line and message. */
export interface SkippedFailure {
  file: number;
  line: number;
  code: 'parse-error' | 'invalid-encoding';
  message: string;
}

/** Check every value of a batch; the first failure per file (files already failed are skipped). */
export function checkBatch(batch: SkippedBatch, failed: Set<number>): SkippedFailure[] {
  const out: SkippedFailure[] = [];
  const buf = batch.bytes;
  const ascii = isAscii(buf);
  let from = 0;
  for (let k = 0; k < batch.ends.length; k++) {
    const to = batch.ends[k];
    const file = batch.files[k];
    const at = from;
    from = to;
    if (failed.has(file)) continue;
    if (!ascii && !isUtf8(buf.subarray(at, to))) {
      failed.add(file);
      out.push({ file, line: batch.lines[k], code: 'invalid-encoding', message: 'not valid UTF-8' });
      continue;
    }
    const err = jsonError(buf, at, to);
    if (err) {
      failed.add(file);
      const line = batch.lines[k] + countNewlines(buf, at, Math.min(err.offset, to));
      out.push({ file, line, code: 'parse-error', message: `invalid JSON: ${err.message}` });
    }
  }
  return out;
}

export class SkippedCheck {
  private readonly names: string[] = [];
  private batch = Buffer.allocUnsafe(0);
  private size = 0;
  private ends: number[] = [];
  private files: number[] = [];
  private lines: number[] = [];
  private worker: Worker | undefined;
  private workerFailed = false;
  private readonly failures: SkippedFailure[] = [];
  private readonly failed = new Set<number>();
  private answered: Promise<void> | undefined;

  add(file: string, bytes: Uint8Array, line: number): void {
    let index = this.names.lastIndexOf(file);
    if (index < 0) index = this.names.push(file) - 1;
    if (this.size + bytes.length > this.batch.length) {
      this.flush(true);
      if (bytes.length > this.batch.length)
        this.batch = Buffer.allocUnsafeSlow(Math.max(BATCH_BYTES, bytes.length));
    }
    this.batch.set(bytes, this.size);
    this.size += bytes.length;
    this.ends.push(this.size);
    this.files.push(index);
    this.lines.push(line);
  }

  /** Check what was collected: sent to the worker (started on the first full batch), or here. */
  private flush(full: boolean): void {
    if (this.ends.length > 0) {
      if (full && !this.worker && !this.workerFailed) this.start();
      const batch: SkippedBatch = {
        bytes: this.batch.subarray(0, this.size),
        ends: this.ends,
        files: this.files,
        lines: this.lines,
      };
      if (this.worker) {
        // The batch's memory goes to the worker (transferred, not copied); a new one is taken here.
        this.worker.postMessage(batch, [this.batch.buffer]);
        this.batch = Buffer.allocUnsafe(0);
      } else {
        this.failures.push(...checkBatch(batch, this.failed));
      }
    }
    this.size = 0;
    this.ends = [];
    this.files = [];
    this.lines = [];
    if (this.batch.length === 0) this.batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
  }

  private start(): void {
    try {
      this.worker = new Worker(new URL('./skipped-check-worker.js', import.meta.url));
    } catch {
      this.workerFailed = true;
      return;
    }
    this.worker.unref();
    const w = this.worker;
    this.answered = new Promise<void>((resolve) => {
      w.on('message', (m: { failures: SkippedFailure[]; done?: boolean }) => {
        for (const f of m.failures) {
          this.failed.add(f.file);
          this.failures.push(f);
        }
        if (m.done) resolve();
      });
      w.on('error', (err) => {
        // What the worker had not checked is lost: say so rather than pass it as fine.
        this.failures.push({
          file: 0,
          line: 1,
          code: 'parse-error',
          message: `could not check the members skipped unread: ${err.message}`,
        });
        resolve();
      });
      w.on('exit', () => resolve());
    });
  }

  /** Every value checked: the first failure per file, as warnings. */
  async results(): Promise<SourceWarning[]> {
    this.flush(false);
    if (this.worker) {
      this.worker.postMessage({ done: true });
      await this.answered;
      await this.worker.terminate();
      this.worker = undefined;
    }
    const seen = new Set<number>();
    const out: SourceWarning[] = [];
    for (const f of this.failures.sort((a, b) => a.file - b.file || a.line - b.line)) {
      if (seen.has(f.file)) continue;
      seen.add(f.file);
      const file = this.names[f.file];
      out.push({ code: f.code, file, line: f.line, message: `${file}:${f.line}: ${f.message}` });
    }
    return out;
  }
}
