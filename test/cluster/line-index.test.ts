import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countNewlines, lineTable, WORKER_MIN_BYTES } from '../../src/cluster/line-index.js';

function naive(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (buf[i] === 0x0a) n++;
  return n;
}

/** Bytes that stress the word trick: newlines next to 0x00, 0x0b, 0x8a (0x0a with the high bit), 0xff, runs. */
function tricky(length: number, seed: number): Uint8Array {
  const alphabet = [0x0a, 0x0a, 0x00, 0x0b, 0x8a, 0xff, 0x09, 0x0d, 0x20, 0x7b, 0x01, 0x80];
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = alphabet[(x >>> 16) % alphabet.length];
  }
  return out;
}

describe('countNewlines', () => {
  it('counts exactly like a byte loop at every alignment and length', () => {
    const bytes = tricky(4096 + 11, 7);
    for (let offset = 0; offset < 8; offset++) {
      const view = bytes.subarray(offset);
      for (const [from, to] of [
        [0, view.length],
        [1, 2],
        [3, 9],
        [5, 4000],
        [0, 0],
        [17, 17 + 64],
      ]) {
        assert.equal(
          countNewlines(view, from, to),
          naive(view, from, to),
          `offset ${offset} [${from},${to})`,
        );
      }
    }
  });

  it('counts a run of newlines filling whole words', () => {
    const all = new Uint8Array(1000).fill(0x0a);
    assert.equal(countNewlines(all, 0, 1000), 1000);
    assert.equal(countNewlines(new Uint8Array(1000), 0, 1000), 0);
  });
});

describe('lineTable', () => {
  const size = WORKER_MIN_BYTES + 123;
  const offsets = [0, 1, 4095, 1 << 20, WORKER_MIN_BYTES - 1, size];
  function expected(buf: Uint8Array): number[] {
    return offsets.map((o) => 1 + naive(buf, 0, o));
  }

  it('counts in a worker for a large shared buffer, with the same lines as a local count', () => {
    const shared = Buffer.from(new SharedArrayBuffer(size));
    shared.set(tricky(size, 3));
    const table = lineTable(shared, offsets);
    assert.deepEqual(
      offsets.map((_, k) => table.line(k)),
      expected(shared),
    );
    assert.equal(table.countedBy, 'worker');
  });

  it('counts here for an ordinary buffer, once, on first use', () => {
    const plain = Buffer.from(tricky(size, 5));
    const table = lineTable(plain, offsets);
    assert.equal(table.countedBy, undefined);
    assert.deepEqual(
      offsets.map((_, k) => table.line(k)),
      expected(plain),
    );
    assert.equal(table.countedBy, 'here');
  });
});
