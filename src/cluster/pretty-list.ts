/**
 * The fast path for the usual big input, one pretty-printed List (`kubectl get -A -o json`, jq,
 * JSON.stringify(…, null, n)), parsed item by item straight from the bytes, and resumably:
 *
 *   const list = new PrettyListParser(bytes, 'dump.json', origins);
 *   list.feed(n);          // parses the items lying wholly in bytes[0, n) (the rest may still be being read)
 *   if (list.finish()) use(list.result);   // all bytes there: the remaining items, the List itself, origins
 *   else …                 // not such a List, or anything unexpected: the caller takes the general path
 *
 * With indent unit u, the items array opens on the line `u·"items": [`, each item starts on a line holding only
 * `{` at 2u, and the array closes on the line `u·]`: raw newlines cannot occur in JSON strings, so these lines
 * are structure. Item starts are found by looking at each "{" byte (there are far fewer than lines); a "{" line
 * after the array's end would leave an item that does not parse, which sends the caller to the general path.
 * The lines of the items (for file:line in reports) are counted meanwhile, by a worker thread for large shared
 * buffers (line-index.ts). Bytes are checked as they are parsed: a NUL byte or invalid UTF-8 anywhere fails the
 * fast path, and the general path then reports it. Every byte is either given to JSON.parse (the items, the List
 * around them) or checked to be whitespace (between items, with one comma), so nothing is skipped unread.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { lineTable } from './line-index.js';
import type { ParsedManifests } from './parse.js';
import { isObject, type Origin } from './types.js';

const ITEMS_KEY = Buffer.from('"items": [');

export class PrettyListParser {
  readonly result: ParsedManifests;
  private readonly buf: Buffer;
  private readonly file: string;
  /** Indent unit; 0 until the header has been read. */
  private u = 0;
  /** Offset just after `"items": [`; -1 until found. */
  private itemsOpen = -1;
  /** Offsets of the item "{"s found so far, ascending. */
  private readonly starts: number[] = [];
  /** The "{" scan has looked at every byte before this offset. */
  private scanned = 0;
  /** Bytes before this offset are checked (checkPiece). */
  private checked = 0;
  private readonly items: unknown[] = [];
  private failed = false;

  constructor(bytes: Uint8Array, file: string, origins: WeakMap<object, Origin> = new WeakMap()) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.file = file;
    this.result = { objects: [], origins, warnings: [] };
  }

  /** Parse the items that lie wholly within the first `available` bytes. false: not such a List after all. */
  feed(available: number): boolean {
    // An item ends where the next one starts: the last one found waits for more bytes (or finish()).
    return (this.prepare(available) && this.parseItems(this.starts.length - 1)) || this.fail();
  }

  /** Header and item starts within the first `available` bytes; false: not such a List. */
  private prepare(available: number): boolean {
    if (this.failed) return false;
    const buf = this.buf.subarray(0, Math.min(available, this.buf.length));
    if (this.itemsOpen < 0) {
      const header = this.header(buf);
      if (header === 'no') return false;
      if (header === 'not yet') return true;
    }
    this.scan(buf);
    return true;
  }

  /** All bytes are there: parse what is left and the List itself. false: take the general path. */
  finish(): boolean {
    if (!this.prepare(this.buf.length)) return this.fail();
    const buf = this.buf;
    if (this.itemsOpen < 0 || this.starts.length === 0) return this.fail();
    // The array's end: the first line `u·]` after the last item start.
    const u = this.u;
    let itemsClose = -1;
    const last = this.starts[this.starts.length - 1];
    for (let nl = buf.indexOf(0x0a, last); nl >= 0; nl = buf.indexOf(0x0a, nl + 1)) {
      const at = nl + 1 + u;
      if (buf[at] === 0x5d && this.isSpaces(buf, nl + 1, u) && (eol(buf, at + 1) || buf[at + 1] === 0x2c)) {
        itemsClose = at;
        break;
      }
    }
    if (itemsClose < 0) return this.fail();
    // Every start is known: counting starts now (in a worker for large shared buffers), before the items are
    // parsed, and is asked for once they are.
    const lines = lineTable(buf, this.starts);
    if (!this.parseItems(this.starts.length, itemsClose)) return this.fail();
    if (!this.check(buf.length)) return this.fail();
    let root: unknown;
    try {
      root = JSON.parse(buf.toString('utf8', 0, this.itemsOpen) + buf.toString('utf8', itemsClose));
    } catch {
      return this.fail();
    }
    if (!isObject(root) || !Array.isArray(root.items) || root.items.length !== 0) return this.fail();
    root.items = this.items;
    const { objects, origins } = this.result;
    objects.push(root);
    origins.set(root, { file: this.file, line: 1 });
    for (let k = 0; k < this.items.length; k++) {
      origins.set(this.items[k] as object, { file: this.file, line: lines.line(k) });
    }
    return true;
  }

  private fail(): false {
    this.failed = true;
    return false;
  }

  private isSpaces(buf: Buffer, from: number, n: number): boolean {
    for (let k = 0; k < n; k++) if (buf[from + k] !== 0x20) return false;
    return true;
  }

  /** Indent unit and the items line, among the root object's first lines. */
  private header(buf: Buffer): 'yes' | 'no' | 'not yet' {
    let p = 1;
    if (buf[p] === 0x0d) p++;
    if (p >= buf.length) return 'not yet';
    if (buf[0] !== 0x7b || buf[p] !== 0x0a) return 'no';
    p++;
    let u = 0;
    while (buf[p + u] === 0x20) u++;
    if (p + u >= buf.length) return 'not yet';
    if (u === 0 || buf[p + u] !== 0x22) return 'no';
    for (let lineStart = 0; ; ) {
      const nl = buf.indexOf(0x0a, lineStart);
      if (nl < 0) return 'not yet'; // judge whole lines only
      if (
        buf[lineStart + u] === 0x22 &&
        lineStart + u + ITEMS_KEY.length <= buf.length &&
        this.isSpaces(buf, lineStart, u) &&
        buf.compare(ITEMS_KEY, 0, ITEMS_KEY.length, lineStart + u, lineStart + u + ITEMS_KEY.length) === 0
      ) {
        const after = lineStart + u + ITEMS_KEY.length;
        if (!eol(buf, after)) return 'no'; // "items": [] or items on one line: the general path handles it
        this.u = u;
        this.itemsOpen = after;
        this.scanned = after;
        return 'yes';
      }
      lineStart = nl + 1;
    }
  }

  /** Item starts in the newly available bytes: a "{" alone on its line at 2u spaces. */
  private scan(buf: Buffer): void {
    const open = 2 * this.u;
    // A "{" is judged with the byte after it, so the last available byte waits for the next feed.
    const end = buf.length === this.buf.length ? buf.length : buf.length - 1;
    let q = buf.indexOf(0x7b, this.scanned);
    for (; q >= 0 && q < end; q = buf.indexOf(0x7b, q + 1)) {
      if (
        buf[q - open - 1] === 0x0a &&
        buf[q - 1] === 0x20 &&
        eol(buf, q + 1) &&
        this.isSpaces(buf, q - open, open)
      ) {
        this.starts.push(q);
      }
    }
    this.scanned = Math.max(this.scanned, end);
  }

  /**
   * Bytes before `upTo` are valid UTF-8, and pieces that are not pure ASCII have no NUL (in ASCII ones JSON.parse
   * refuses it); checked in pieces that end at item starts (an ASCII "{" after a newline), so no UTF-8 sequence is
   * ever split. Returns the decoding for the piece.
   */
  private checkPiece(upTo: number): 'latin1' | 'utf8' | undefined {
    const piece = this.buf.subarray(this.checked, upTo);
    // Pure ASCII (almost every dump) is valid UTF-8 and decodes faster as latin1, with the same result. A NUL
    // byte needs no search there: every byte is either parsed by JSON.parse, which refuses NUL, or checked to be
    // whitespace.
    const encoding = isAscii(piece) ? 'latin1' : piece.indexOf(0) < 0 && isUtf8(piece) ? 'utf8' : undefined;
    if (encoding) this.checked = upTo;
    return encoding;
  }

  private check(upTo: number): boolean {
    return upTo <= this.checked || this.checkPiece(upTo) !== undefined;
  }

  /** Parse items items.length … count-1; the last one ends at `lastEnd` when given, else at the next start. */
  private parseItems(count: number, lastEnd?: number): boolean {
    const { buf, starts, items } = this;
    if (items.length >= count) return true;
    const pieceEnd = lastEnd ?? starts[count];
    const encoding = pieceEnd <= this.checked ? 'utf8' : this.checkPiece(pieceEnd);
    if (!encoding) return false;
    // Between "items": [ and the first item only whitespace: anything else (a string item, stray bytes) would
    // be covered by no JSON.parse.
    if (items.length === 0 && !isWhitespace(buf, this.itemsOpen, starts[0])) return false;
    for (let k = items.length; k < count; k++) {
      let end = k + 1 < starts.length ? starts[k + 1] : (lastEnd ?? -1);
      if (end < 0) return false;
      const inArray = k + 1 < starts.length;
      // Back over the separator: whitespace and, between items, one comma.
      while (end > starts[k] && isWhitespaceByte(buf[end - 1])) end--;
      if (inArray) {
        if (buf[end - 1] !== 0x2c) return false;
        end--;
      }
      let item: unknown;
      try {
        item = JSON.parse(buf.toString(encoding, starts[k], end));
      } catch {
        return false;
      }
      if (!isObject(item)) return false;
      items.push(item);
    }
    return true;
  }
}

/** JSON whitespace. */
function isWhitespaceByte(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function isWhitespace(buf: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isWhitespaceByte(buf[k])) return false;
  return true;
}

function eol(buf: Uint8Array, at: number): boolean {
  return at >= buf.length || buf[at] === 0x0a || buf[at] === 0x0d;
}
