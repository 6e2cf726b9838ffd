/**
 * Whether bytes are one JSON value (RFC 8259), without building it: for the text the readers skip unparsed
 * (skipped-check.ts), where JSON.parse would spend most of its time creating objects nobody reads. UTF-8 is
 * checked apart (buffer.isUtf8); here every byte is ASCII structure or inside a string.
 *
 *   jsonError(buf, 0, buf.length)   // undefined when valid, else { offset, message }
 *
 * Hand-written because no maintained npm package validates JSON without parsing it into objects (the
 * streaming tokenizers, e.g. stream-json, run several times slower than this in JavaScript).
 */

export interface JsonCheckError {
  /** Offset of the first byte that cannot continue a valid value. */
  offset: number;
  message: string;
}

const MAX_DEPTH = 10_000;

function fail(offset: number, message: string): JsonCheckError {
  return { offset, message };
}

function skipWs(buf: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** End of the string whose opening quote is at i, or a negative value -(offset + 1) of the error. */
function stringEnd(buf: Uint8Array, i: number, end: number): number {
  let j = i + 1;
  while (j < end) {
    const c = buf[j];
    if (c === 0x22) return j + 1;
    if (c < 0x20) return -(j + 1);
    if (c === 0x5c) {
      const e = buf[j + 1];
      if (e === 0x75) {
        for (let k = 2; k < 6; k++) {
          const h = buf[j + k];
          const hex = (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66);
          if (!hex || j + k >= end) return -(j + k + 1);
        }
        j += 6;
        continue;
      }
      if (
        e === 0x22 ||
        e === 0x5c ||
        e === 0x2f ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      ) {
        j += 2;
        continue;
      }
      return -(j + 2);
    }
    j++;
  }
  return -(end + 1);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** End of the number at i, or -(offset + 1) of the error. */
function numberEnd(buf: Uint8Array, i: number, end: number): number {
  let j = i;
  if (buf[j] === 0x2d) j++;
  if (j >= end) return -(j + 1);
  if (buf[j] === 0x30) j++;
  else if (buf[j] >= 0x31 && buf[j] <= 0x39) while (j < end && isDigit(buf[j])) j++;
  else return -(j + 1);
  if (j < end && buf[j] === 0x2e) {
    j++;
    if (j >= end || !isDigit(buf[j])) return -(j + 1);
    while (j < end && isDigit(buf[j])) j++;
  }
  if (j < end && (buf[j] === 0x65 || buf[j] === 0x45)) {
    j++;
    if (j < end && (buf[j] === 0x2b || buf[j] === 0x2d)) j++;
    if (j >= end || !isDigit(buf[j])) return -(j + 1);
    while (j < end && isDigit(buf[j])) j++;
  }
  return j;
}

function literalEnd(buf: Uint8Array, i: number, end: number, word: string): number {
  for (let k = 0; k < word.length; k++) {
    if (i + k >= end || buf[i + k] !== word.charCodeAt(k)) return -(i + k + 1);
  }
  return i + word.length;
}

/** The first error in buf[from, to) as one JSON value (whitespace around it allowed), or undefined. */
export function jsonError(buf: Uint8Array, from: number, to: number): JsonCheckError | undefined {
  // Containers open: true for an object, false for an array.
  const stack: boolean[] = [];
  let i = skipWs(buf, from, to);
  // What may come next: a value; in an object a key (or "}" right after "{"); after a value "," or a close.
  let expect: 'value' | 'key' | 'key-or-close' | 'value-or-close' | 'after' = 'value';
  for (;;) {
    i = skipWs(buf, i, to);
    if (i >= to) {
      return stack.length === 0 && expect === 'after' ? undefined : fail(to, 'Unexpected end of JSON input');
    }
    const c = buf[i];
    if (expect === 'after') {
      if (stack.length === 0) return fail(i, 'Unexpected non-whitespace character after JSON');
      const obj = stack[stack.length - 1];
      if (c === 0x2c) {
        expect = obj ? 'key' : 'value';
        i++;
      } else if ((c === 0x7d && obj) || (c === 0x5d && !obj)) {
        stack.pop();
        i++;
      } else return fail(i, `Expected ',' or '${obj ? '}' : ']'}'`);
      continue;
    }
    if (expect === 'key' || expect === 'key-or-close') {
      if (c === 0x7d && expect === 'key-or-close') {
        stack.pop();
        expect = 'after';
        i++;
        continue;
      }
      if (c !== 0x22) return fail(i, 'Expected a property name');
      const j = stringEnd(buf, i, to);
      if (j < 0) return fail(-j - 1, 'Bad string');
      i = skipWs(buf, j, to);
      if (buf[i] !== 0x3a || i >= to) return fail(i, "Expected ':' after property name");
      i++;
      expect = 'value';
      continue;
    }
    // A value (or, right after "[", a close).
    if (c === 0x5d && expect === 'value-or-close') {
      stack.pop();
      expect = 'after';
      i++;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= MAX_DEPTH) return fail(i, 'Too deeply nested');
      stack.push(c === 0x7b);
      expect = c === 0x7b ? 'key-or-close' : 'value-or-close';
      i++;
      continue;
    }
    let j: number;
    if (c === 0x22) j = stringEnd(buf, i, to);
    else if (c === 0x2d || isDigit(c)) j = numberEnd(buf, i, to);
    else if (c === 0x74) j = literalEnd(buf, i, to, 'true');
    else if (c === 0x66) j = literalEnd(buf, i, to, 'false');
    else if (c === 0x6e) j = literalEnd(buf, i, to, 'null');
    else return fail(i, 'Unexpected token');
    if (j < 0) return fail(-j - 1, 'Unexpected token');
    i = j;
    expect = 'after';
  }
}
