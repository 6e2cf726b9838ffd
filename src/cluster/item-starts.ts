/**
 * Where the items of a pretty-printed List start: a "{" alone on its line at 2u spaces (u: the indent unit).
 * One function for the main thread (pretty-list.ts) and the worker (line-index-worker.ts), so both find the same
 * starts in the same bytes.
 */

/** Whether buf[at] ends a line (or the bytes). */
export function eol(buf: Uint8Array, at: number): boolean {
  return at >= buf.length || buf[at] === 0x0a || buf[at] === 0x0d;
}

/** Whether buf[from, from + n) are all spaces. */
export function isSpaces(buf: Uint8Array, from: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (buf[from + k] !== 0x20) return false;
  return true;
}

/**
 * Append to `out` the item starts at offsets [from, end) of buf; a "{" is judged with the byte after it, so the
 * caller passes end < buf.length while more bytes may follow.
 */
export function scanItemStarts(buf: Buffer, from: number, end: number, u: number, out: number[]): void {
  const open = 2 * u;
  for (let q = buf.indexOf(0x7b, from); q >= 0 && q < end; q = buf.indexOf(0x7b, q + 1)) {
    if (
      buf[q - open - 1] === 0x0a &&
      buf[q - 1] === 0x20 &&
      eol(buf, q + 1) &&
      isSpaces(buf, q - open, open)
    ) {
      out.push(q);
    }
  }
}
