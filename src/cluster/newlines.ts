/** Number of "\n" bytes in buf[from, to), four bytes at a time (a 200 MB dump has millions of lines). */
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
