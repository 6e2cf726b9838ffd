/** Worker of SkippedCheck (skipped-check.ts): checks batches of cut JSON values, answers with the failures. */
import { parentPort } from 'node:worker_threads';
import { checkBatch, type SkippedBatch } from './skipped-check.js';

const failed = new Set<number>();
parentPort?.on('message', (m: SkippedBatch & { done?: boolean }) => {
  if (m.done) {
    parentPort?.postMessage({ failures: [], done: true });
    return;
  }
  const failures = checkBatch(
    { ...m, bytes: Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength) },
    failed,
  );
  if (failures.length > 0) parentPort?.postMessage({ failures });
});
