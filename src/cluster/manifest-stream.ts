/**
 * Manifests read as a stream: bytes in (in chunks of any size), objects out one at a time, so a dump of any
 * size is read with memory for one object plus what the sink keeps.
 *
 *   const stream = new ManifestStream('dump.json', sink, { origins });
 *   for await (const chunk of readable) { stream.feed(chunk); if (stream.failed) break; }
 *   stream.end();
 *
 * What streams: a JSON List (`{"items": […]}`, pretty-printed or compact; its items one by one), any sequence
 * of JSON values, multi-document YAML (one document at a time) and `kubectl get -o yaml` Lists (one entry of
 * `items:` at a time). Other documents are read whole, one at a time. Lines are exact: every object's origin is
 * the line its item, entry or document starts on.
 *
 * Bytes are checked as they come: NUL bytes (binary input) end the input at once with a `binary-file` error,
 * invalid UTF-8 with `invalid-encoding` (UTF-16 needs a BOM and is transcoded), malformed JSON with a
 * `parse-error` at its line; what came before stays read. A malformed YAML document or List entry is reported
 * and the next one is read. A single document or JSON value larger than `maxDocumentBytes` (256 MB: V8's
 * strings end near 512 MB) is refused with `too-large`.
 *
 * Pretty-printed JSON Lists (kubectl, jq, JSON.stringify with an indent) are walked line by line: an item ends
 * on the first line holding only "}" at its indent (raw newlines cannot occur in JSON strings), and members
 * the reduction drops whole (reduce.ts: metadata.managedFields, a Pod's volumes, a Node's images…) are cut out
 * by their lines before JSON.parse sees the item. The cut text is handed to `onSkipped` (a worker checks that
 * it parses, skipped-check.ts). A guess that does not parse is retried by exact scanning, so odd formatting
 * costs speed, never correctness.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { countNewlines } from './newlines.js';
import { type CutTable, cutTable } from './reduce.js';
import type { Origin, ParsedManifests, SourceWarning } from './types.js';
import { isObject } from './types.js';
import { parseYamlDocument, type YamlDocumentOptions } from './yaml-document.js';
import { needsFullYamlParser } from './yaml-fast.js';

/** Where the objects go. A List's items arrive one at a time between listStart and listEnd. */
export interface ManifestSink {
  /** A whole document or top-level JSON value (a List in it is not unwrapped here); origins hold its items'. */
  document(value: unknown, origin: Origin): void;
  /**
   * A List read item by item begins (`shape` "list"), or a top-level JSON array ("array": its elements are
   * parsed and passed on, but they are no objects of a List). `head` holds the List's members before `items`
   * when they could be read (the API server writes kind first, kubectl after the items).
   */
  listStart(origin: Origin, head: Record<string, unknown> | undefined, shape: ListShape): void;
  listItem(value: unknown, origin: Origin): void;
  /**
   * The List without its items (`items` is [] unless the input repeats the key; the array for "array"), or
   * undefined when its envelope could not be read (the error was reported; the items stand).
   */
  listEnd(envelope: unknown): void;
  warning(w: SourceWarning): void;
}

export type ListShape = 'list' | 'array';

export interface ManifestStreamOptions extends YamlDocumentOptions {
  /** Origins of documents and of List items inside documents read whole. */
  origins?: WeakMap<object, Origin>;
  /** Force a format; by default JSON for `.json` names and input starting with "{" or "[", else YAML. */
  format?: 'yaml' | 'json';
  maxDocumentBytes?: number;
  /** Cut members of pretty-printed JSON items the reduction drops (reduce.ts). Default false. */
  cutDropped?: boolean;
  /**
   * The bytes of a member cut unparsed (a JSON value; a view valid during the call only) and the line it
   * starts on, to be checked elsewhere (skipped-check.ts).
   */
  onSkipped?: (bytes: Uint8Array, line: number) => void;
  /** The line the first byte is on (default 1): for a piece of a file read again. */
  firstLine?: number;
  /**
   * Applied to each YAML object (not Lists) before it is passed on. YAML parsers cut scalars out of the text as
   * V8 "sliced strings", and build objects with spare property storage: an object kept from a 3 KB List entry
   * holds all 3 KB. audit passes reduce-and-copy here (measured: 3× less memory).
   */
  compact?: (value: unknown) => unknown;
}

export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** Bytes held in the stream's window; grows to hold a whole item, document or List entry. */
class Window {
  buf: Buffer = Buffer.allocUnsafe(1 << 16);
  /** Stream offset of buf[0]. */
  base = 0;
  /** buf[start, end) are the bytes not released yet. */
  start = 0;
  end = 0;

  append(chunk: Uint8Array): void {
    const held = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      const need = held + chunk.length;
      if (need <= this.buf.length && this.start > 0 && held <= this.buf.length / 2) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(need * 2, 1 << 20));
        this.buf.copy(grown, 0, this.start, this.end);
        this.buf = grown;
      }
      this.base += this.start;
      this.end = held;
      this.start = 0;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Forget the bytes before stream offset `abs`. */
  release(abs: number): void {
    this.start = Math.max(this.start, abs - this.base);
  }

  /** Stream offset just past the bytes held. */
  get endAbs(): number {
    return this.base + this.end;
  }
}

/** How a slice decodes: latin1 for pure ASCII (faster, same result), utf8, or undefined when it is not UTF-8. */
function encodingOf(buf: Buffer, from: number, to: number): 'latin1' | 'utf8' | undefined {
  const piece = buf.subarray(from, to);
  if (isAscii(piece)) return 'latin1';
  return isUtf8(piece) ? 'utf8' : undefined;
}

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Offset of the quote closing the JSON string whose contents start at `from`; -1 when not within buf[.., end). */
function stringEnd(buf: Buffer, from: number, end: number): number {
  let j = from;
  for (;;) {
    j = buf.indexOf(0x22, j);
    if (j < 0 || j >= end) return -1;
    let bs = 0;
    for (let k = j - 1; buf[k] === 0x5c; k--) bs++;
    if (bs % 2 === 0) return j;
    j++;
  }
}

/**
 * Exact scan of a JSON value (strings skipped, brackets counted) from where `st` left off: the offset in `buf`
 * just past the bracket that brings the depth back to 0, or -1 when that is not within buf[.., end) yet (the state
 * is saved to go on from there).
 */
function scanClose(buf: Buffer, base: number, end: number, st: Scan): number {
  let i = st.pos - base;
  let depth = st.depth;
  while (i < end) {
    if (st.inString) {
      const j = stringEnd(buf, i, end);
      if (j < 0) break;
      st.inString = false;
      i = j + 1;
      continue;
    }
    const c = buf[i];
    if (c === 0x22) st.inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) {
        st.pos = base + i + 1;
        st.depth = 0;
        return i + 1;
      }
    }
    i++;
  }
  st.pos = base + Math.min(i, end);
  st.depth = depth;
  return -1;
}

/** V8's JSON errors say "at position N" (Node 20) or "(line L column C)" (newer). */
function errorOffset(err: Error, text: string): { offset?: number; lineDelta?: number } {
  const lc = /line (\d+) column \d+/.exec(err.message);
  if (lc) return { lineDelta: Number(lc[1]) - 1 };
  const pos = /position (\d+)/.exec(err.message);
  if (pos) return { offset: Math.min(Number(pos[1]), text.length) };
  return {};
}

function lineAfter(text: string, line: number, offset: number): number {
  let n = line;
  for (let nl = text.indexOf('\n'); nl >= 0 && nl < offset; nl = text.indexOf('\n', nl + 1)) n++;
  return n;
}

export class ManifestStream {
  private readonly file: string;
  private readonly sink: ManifestSink;
  private readonly options: ManifestStreamOptions;
  readonly origins: WeakMap<object, Origin>;
  private readonly w = new Window();
  private engine: JsonEngine | YamlEngine | undefined;
  /** Bytes fed so far (before transcoding). */
  bytes = 0;
  /** A fatal error ended the input: further bytes are ignored. */
  failed = false;
  /** The first bytes, until a BOM is decided on. */
  private headBytes: Buffer | undefined = Buffer.alloc(0);
  private utf16: TextDecoder | undefined;
  private ended = false;
  /** JSON failed before giving anything: the input is kept to be read as YAML (a flow mapping) at its end. */
  private fallback: { error: SourceWarning; start: number; line: number } | undefined;

  constructor(file: string, sink: ManifestSink, options: ManifestStreamOptions = {}) {
    this.file = file;
    this.sink = sink;
    this.options = options;
    this.origins = options.origins ?? new WeakMap();
  }

  feed(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.failed || chunk.length === 0) return;
    if (this.headBytes !== undefined) {
      this.headBytes = Buffer.concat([this.headBytes, chunk]);
      if (this.headBytes.length < 4) return;
      this.begin();
      return;
    }
    this.push(chunk);
  }

  /** The input is complete. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.failed) return;
    if (this.headBytes !== undefined) this.begin();
    else if (this.utf16) this.push(new Uint8Array(0));
    if (this.failed) return;
    if (this.fallback) {
      this.readFallback();
      return;
    }
    if (!this.engine) this.engine = this.newEngine();
    this.engine?.run(true);
    if (this.fallback) this.readFallback();
  }

  /** A BOM decides the encoding: UTF-16 is transcoded to UTF-8, a UTF-8 BOM dropped. */
  private begin(): void {
    const h = this.headBytes as Buffer;
    this.headBytes = undefined;
    if (h.length >= 2 && ((h[0] === 0xff && h[1] === 0xfe) || (h[0] === 0xfe && h[1] === 0xff))) {
      this.utf16 = new TextDecoder(h[0] === 0xff ? 'utf-16le' : 'utf-16be', { fatal: true });
      this.push(h.subarray(2));
      return;
    }
    this.push(h[0] === 0xef && h[1] === 0xbb && h[2] === 0xbf ? h.subarray(3) : h);
  }

  /** Bytes after the BOM: transcoded, checked for NUL, handed to the engine. */
  private push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.utf16) {
      let text: string;
      try {
        text = this.utf16.decode(chunk, { stream: !this.ended });
      } catch {
        this.fail({
          code: 'invalid-encoding',
          file: this.file,
          message: `${this.file}: not valid UTF-16 text; skipped`,
        });
        return;
      }
      bytes = Buffer.from(text, 'utf8');
    }
    if (bytes.length === 0) return;
    this.w.append(bytes);
    const from = this.w.end - bytes.length;
    const nul = this.w.buf.indexOf(0, from);
    if (nul >= 0 && nul < this.w.end) {
      // What lies wholly before the NUL byte is read, whatever the pieces the input came in.
      this.w.end = nul;
      if (!this.fallback && nul > this.w.start) {
        this.engine ??= this.newEngine();
        this.engine?.run(false);
      }
      if (this.failed) return;
      const line = this.engine?.lineAt(this.w.base + nul) ?? 1 + countNewlines(this.w.buf, this.w.start, nul);
      this.fail({
        code: 'binary-file',
        file: this.file,
        line,
        message:
          line > 1
            ? `${this.file}:${line}: binary data (NUL bytes), not YAML or JSON; read up to here`
            : `${this.file}: binary data (NUL bytes), not YAML or JSON; skipped`,
      });
      return;
    }
    if (this.fallback) {
      if (this.w.end - (this.fallback.start - this.w.base) > FALLBACK_MAX_BYTES) this.giveUpFallback();
      return;
    }
    this.engine ??= this.newEngine();
    this.engine?.run(false);
  }

  private newEngine(): JsonEngine | YamlEngine | undefined {
    const format = this.detect();
    if (format === undefined) return undefined;
    const fail = (w: SourceWarning) => this.fail(w);
    return format === 'json'
      ? new JsonEngine(this.file, this.sink, this.w, this.options, fail)
      : new YamlEngine(this.file, this.sink, this.w, this.options, this.origins, fail);
  }

  private detect(): 'json' | 'yaml' | undefined {
    if (this.options.format) return this.options.format;
    if (this.file.toLowerCase().endsWith('.json')) return 'json';
    const { buf, start, end } = this.w;
    for (let i = start; i < end && i < start + 65536; i++) {
      const c = buf[i];
      if (isWs(c)) continue;
      return c === 0x7b || c === 0x5b ? 'json' : 'yaml';
    }
    return end - start >= 65536 || this.ended ? 'yaml' : undefined;
  }

  private fail(w: SourceWarning): void {
    if (this.failed) return;
    const engine = this.engine;
    if (
      engine instanceof JsonEngine &&
      w.code === 'parse-error' &&
      !engine.emitted &&
      this.options.format === undefined &&
      !this.file.toLowerCase().endsWith('.json') &&
      !this.fallback
    ) {
      // Not JSON after all, and nothing read yet: YAML may read it (a flow mapping), at the end of the input.
      engine.abort();
      this.fallback = { error: w, start: engine.rootStart, line: engine.rootLine };
      this.w.release(engine.rootStart);
      return;
    }
    this.failed = true;
    this.sink.warning(w);
    this.engine?.abort();
  }

  private giveUpFallback(): void {
    const f = this.fallback as NonNullable<ManifestStream['fallback']>;
    this.fallback = undefined;
    this.failed = true;
    this.sink.warning(f.error);
  }

  /** YAML reads what JSON could not; when YAML finds errors too, the JSON error is the one reported. */
  private readFallback(): void {
    const f = this.fallback as NonNullable<ManifestStream['fallback']>;
    this.fallback = undefined;
    const events = new RecordingSink();
    const yaml = new ManifestStream(this.file, events, {
      ...this.options,
      format: 'yaml',
      origins: this.origins,
      firstLine: f.line,
    });
    yaml.feed(this.w.buf.subarray(f.start - this.w.base, this.w.end));
    yaml.end();
    if (events.warnings > 0) {
      this.failed = true;
      this.sink.warning(f.error);
      return;
    }
    events.replay(this.sink);
  }
}

/** How much input a JSON-looking file that failed as JSON may hold to be read as YAML instead. */
const FALLBACK_MAX_BYTES = 64 * 1024 * 1024;

/** Records a stream's events to hand them on later (or not). */
class RecordingSink implements ManifestSink {
  private readonly events: ((s: ManifestSink) => void)[] = [];
  warnings = 0;
  document(value: unknown, origin: Origin): void {
    this.events.push((s) => s.document(value, origin));
  }
  listStart(origin: Origin, head: Record<string, unknown> | undefined, shape: ListShape): void {
    this.events.push((s) => s.listStart(origin, head, shape));
  }
  listItem(value: unknown, origin: Origin): void {
    this.events.push((s) => s.listItem(value, origin));
  }
  listEnd(envelope: unknown): void {
    this.events.push((s) => s.listEnd(envelope));
  }
  warning(w: SourceWarning): void {
    this.warnings++;
    this.events.push((s) => s.warning(w));
  }
  replay(sink: ManifestSink): void {
    for (const e of this.events) e(sink);
  }
}

type Fail = (w: SourceWarning) => void;

/** What both engines share: the cursor (stream offset and its line), decoding, and stopping on an error. */
abstract class Engine {
  /** Stream offset consumed (JSON) or the next line to look at (YAML), and the line it is on. */
  protected pos: number;
  protected line: number;
  protected readonly maxDoc: number;

  constructor(
    protected readonly file: string,
    protected readonly sink: ManifestSink,
    protected readonly w: Window,
    protected readonly options: ManifestStreamOptions,
    protected readonly failWith: Fail,
  ) {
    this.pos = w.base + w.start;
    this.line = options.firstLine ?? 1;
    this.maxDoc = options.maxDocumentBytes ?? MAX_DOCUMENT_BYTES;
  }

  abstract run(final: boolean): void;
  /** Stop: nothing more is read. */
  abstract abort(): void;

  /** Line of a stream offset at or after the cursor. */
  lineAt(abs: number): number {
    const from = this.pos - this.w.base;
    const to = abs - this.w.base;
    return this.line + (to > from && from >= 0 ? countNewlines(this.w.buf, from, to) : 0);
  }

  /** Report an error that ends the input, at `line`. */
  protected fatal(line: number, message: string, code = 'parse-error'): void {
    this.failWith({ code, file: this.file, line, message: `${this.file}:${line}: ${message}` });
    this.abort();
  }

  /** Decode buf[a, b) (stream offsets) as text, or report invalid UTF-8 at `line`. */
  protected text(a: number, b: number, line: number): string | undefined {
    const buf = this.w.buf;
    const from = a - this.w.base;
    const to = b - this.w.base;
    const enc = encodingOf(buf, from, to);
    if (!enc) {
      this.fatal(line, 'not valid UTF-8; read up to here', 'invalid-encoding');
      return undefined;
    }
    return buf.toString(enc, from, to);
  }
}

// ---------------------------------------------------------------------------------------------------------
// JSON

/** Exact scan state of one value: nesting depth and whether inside a string, resumable across chunks. */
interface Scan {
  /** Stream offset to look at next. */
  pos: number;
  depth: number;
  inString: boolean;
}

/** Pretty-printed item being walked line by line (stream offsets). */
interface PrettyItem {
  start: number;
  line: number;
  /** Next line to look at, and the newlines between `start` and it. */
  next: number;
  lines: number;
  /** What may be cut, by the item's kind once its "kind" line was read. */
  table: CutTable;
  kindSeen: boolean;
  /** Kept members inside the member of the item (depth 1) the walk is in; undefined: nothing to cut there. */
  inner: readonly Uint8Array[] | undefined;
  /** Kept pieces: [from, to) pairs of stream offsets, ending at `keptFrom` (open piece). */
  kept: number[];
  keptFrom: number;
  /** Inside a member being cut: the byte closing it, the closing line's indent, where to search next. */
  skip?: { closer: number; indent: number; from: number; openLine: number; textFrom: number };
}

/** Length of the key whose opening quote is at buf[q], when it is plain (no escapes) and followed by ":"; else 0. */
function plainKeyLength(buf: Buffer, q: number, le: number): number {
  let j = q + 1;
  while (j < le && buf[j] !== 0x22) {
    if (buf[j] === 0x5c) return 0;
    j++;
  }
  return j < le && buf[j + 1] === 0x3a ? j - q - 1 : 0;
}

/** Index of the key at buf[q] (quote, then n plain bytes) in `keys`, or -1. */
function matchKey(buf: Buffer, q: number, n: number, keys: readonly Uint8Array[]): number {
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (key.length !== n) continue;
    let j = 0;
    while (j < n && buf[q + 1 + j] === key[j]) j++;
    if (j === n) return k;
  }
  return -1;
}

/** The line ending at `le` ends with "[" or "{": a member whose value spans lines. */
function isOpenerAt(buf: Buffer, le: number): boolean {
  let k = le - 1;
  if (buf[k] === 0x0d) k--;
  return buf[k] === 0x5b || buf[k] === 0x7b;
}

/** The plain string value after `": "` at buf[from…] on a line ending at `le` (undefined if none or escaped). */
function stringValueAfter(buf: Buffer, from: number, le: number): string | undefined {
  let i = from;
  while (i < le && buf[i] === 0x20) i++;
  if (buf[i] !== 0x22) return undefined;
  let j = i + 1;
  while (j < le && buf[j] !== 0x22) {
    if (buf[j] === 0x5c) return undefined;
    j++;
  }
  return j < le ? buf.toString('latin1', i + 1, j) : undefined;
}

class JsonEngine extends Engine {
  private mode: 'top' | 'root' | 'items' | 'tail' | 'done' = 'top';
  // root object / top array
  rootStart = 0;
  rootLine = 1;
  private scan: Scan = { pos: 0, depth: 0, inString: false };
  private expectKey = false;
  private lastKey: string | undefined;
  private lastKeyStart = 0;
  private awaitingItems = false;
  private topArray = false;
  // items
  private head = '';
  private itemsIndent = -1;
  private unit = 0;
  private expectComma = false;
  private pretty: PrettyItem | undefined;
  private exact: Scan | undefined;
  private exactStart = 0;
  private exactLine = 0;
  private prettyOk = true;
  private itemCount = 0;
  private tailStart = 0;
  /** Something was passed to the sink. */
  emitted = false;
  private readonly cut: boolean;

  constructor(file: string, sink: ManifestSink, w: Window, options: ManifestStreamOptions, failWith: Fail) {
    super(file, sink, w, options, failWith);
    this.cut = options.cutDropped === true;
  }

  abort(): void {
    this.mode = 'done';
  }

  private origin(line: number): Origin {
    return { file: this.file, line };
  }

  private error(line: number, message: string, code = 'parse-error'): void {
    this.fatal(line, message, code);
  }

  /** Advance the cursor to `abs`, counting lines, and release what lies before it. */
  private advance(abs: number): void {
    const from = this.pos - this.w.base;
    const to = abs - this.w.base;
    if (to > from) this.line += countNewlines(this.w.buf, from, to);
    this.pos = abs;
    this.w.release(abs);
  }

  /** Advance the cursor to `abs`, which is on line `line` (counted already). */
  private jump(abs: number, line: number): void {
    this.pos = abs;
    this.line = line;
    this.w.release(abs);
  }

  /** JSON.parse, or report the error at its line (`line` is where `text` starts). */
  private parse(text: string, line: number): { value: unknown } | undefined {
    try {
      return { value: JSON.parse(text) };
    } catch (err) {
      const e = err as Error;
      const { offset, lineDelta } = errorOffset(e, text);
      const at =
        lineDelta !== undefined
          ? line + lineDelta
          : offset !== undefined
            ? lineAfter(text, line, offset)
            : line;
      this.error(at, `invalid JSON: ${e.message}`);
      return undefined;
    }
  }

  run(final: boolean): void {
    for (;;) {
      const before = this.mode;
      const progressed =
        this.mode === 'top'
          ? this.top(final)
          : this.mode === 'root'
            ? this.root()
            : this.mode === 'items'
              ? this.items(final)
              : this.mode === 'tail'
                ? this.tail()
                : false;
      if (this.mode === 'done') return;
      if (!progressed && before === this.mode) break;
    }
    if (final && this.mode !== 'top') {
      const where =
        this.mode === 'items'
          ? (this.pretty?.line ?? (this.exact ? this.exactLine : this.rootLine))
          : this.rootLine;
      this.error(
        where,
        'invalid JSON: Unexpected end of JSON input (the value that starts here is not closed)',
      );
    }
  }

  /** Between top-level values. */
  private top(final: boolean): boolean {
    const buf = this.w.buf;
    const end = this.w.end;
    let i = this.pos - this.w.base;
    while (i < end && isWs(buf[i])) i++;
    this.advance(this.w.base + i);
    if (i >= end) return false;
    const c = buf[i];
    if (c === 0x7b || c === 0x5b) {
      this.rootStart = this.pos;
      this.rootLine = this.line;
      this.scan = { pos: this.pos, depth: 0, inString: false };
      this.expectKey = false;
      this.lastKey = undefined;
      this.awaitingItems = false;
      this.topArray = c === 0x5b;
      if (this.topArray) {
        this.head = '';
        this.startItems(this.pos + 1);
        this.sink.listStart(this.origin(this.rootLine), undefined, 'array');
      } else this.mode = 'root';
      return true;
    }
    // A scalar: read to its end (a document, not an object: the sink says so), or garbage.
    let j = -1;
    if (c === 0x22) {
      const q = stringEnd(buf, i + 1, end);
      if (q >= 0) j = q + 1;
    } else {
      let k = i;
      while (k < end && !isWs(buf[k]) && buf[k] !== 0x2c && buf[k] !== 0x5b && buf[k] !== 0x7b) k++;
      if (k < end) j = k === i ? i + 1 : k;
    }
    if (j < 0 && !final) return false;
    const stop = j < 0 ? end : j;
    const text = this.text(this.pos, this.w.base + stop, this.line);
    if (text === undefined) return false;
    const parsed = this.parse(text, this.line);
    if (!parsed) return false;
    const line = this.line;
    this.advance(this.w.base + stop);
    this.emitted = true;
    this.sink.document(parsed.value, this.origin(line));
    return true;
  }

  /** Inside a top-level object: exact scan until it closes, or its `items` array opens. */
  private root(): boolean {
    const buf = this.w.buf;
    const base = this.w.base;
    const end = this.w.end;
    const st = this.scan;
    let i = st.pos - base;
    let depth = st.depth;
    while (i < end) {
      if (st.inString) {
        const j = stringEnd(buf, i, end);
        if (j < 0) {
          st.pos = base + end;
          st.depth = depth;
          return this.tooLarge();
        }
        st.inString = false;
        if (depth === 1 && this.expectKey) {
          this.lastKey = buf.toString('latin1', this.lastKeyStart - base + 1, j);
          this.expectKey = false;
        }
        i = j + 1;
        continue;
      }
      const c = buf[i];
      if (this.awaitingItems) {
        if (isWs(c)) {
          i++;
          continue;
        }
        this.awaitingItems = false;
        if (c === 0x5b && depth === 1) {
          this.enterItems(base + i);
          return true;
        }
      }
      if (c === 0x22) {
        if (depth === 1 && this.expectKey) this.lastKeyStart = base + i;
        st.inString = true;
        i++;
        continue;
      }
      if (c === 0x7b || c === 0x5b) {
        depth++;
        if (depth === 1) this.expectKey = true;
      } else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) {
          const endAbs = base + i + 1;
          const text = this.text(this.rootStart, endAbs, this.rootLine);
          if (text === undefined) return false;
          const parsed = this.parse(text, this.rootLine);
          if (!parsed) return false;
          this.advance(endAbs);
          this.emitted = true;
          this.sink.document(parsed.value, this.origin(this.rootLine));
          this.mode = 'top';
          return true;
        }
      } else if (depth === 1) {
        if (c === 0x2c) this.expectKey = true;
        else if (c === 0x3a && this.lastKey === 'items') this.awaitingItems = true;
      }
      i++;
    }
    st.pos = base + end;
    st.depth = depth;
    return this.tooLarge();
  }

  private tooLarge(): false {
    if (this.w.endAbs - this.rootStart > this.maxDoc) {
      this.error(
        this.rootLine,
        `a JSON value larger than ${Math.round(this.maxDoc / 1024 / 1024)} MB that is not a List; skipped (split it)`,
        'too-large',
      );
    }
    return false;
  }

  /** `"items": [` of the root object opens at `open`. */
  private enterItems(open: number): void {
    const base = this.w.base;
    const buf = this.w.buf;
    const headText = this.text(this.rootStart, open + 1, this.rootLine);
    if (headText === undefined) return;
    this.head = headText;
    // The members before "items", for the List's kind when it comes first (the API server's order).
    let head: Record<string, unknown> | undefined;
    let k = this.lastKeyStart - base - 1;
    while (k > this.rootStart - base && isWs(buf[k])) k--;
    const members = buf.toString('latin1', this.rootStart - base, buf[k] === 0x2c ? k : k + 1);
    try {
      const v = JSON.parse(`${members}}`);
      if (isObject(v)) head = v;
    } catch {
      // the envelope is parsed whole at its end, and reports any error there
    }
    // Indent of the "items" key's line: the items' lines are one unit deeper.
    let ls = this.lastKeyStart - base;
    while (ls > 0 && buf[ls - 1] === 0x20) ls--;
    const keyIndent = ls > 0 && buf[ls - 1] !== 0x0a ? -1 : this.lastKeyStart - base - ls;
    this.startItems(open + 1, keyIndent);
    this.sink.listStart(this.origin(this.rootLine), head, 'list');
  }

  private startItems(after: number, keyIndent = 0): void {
    this.mode = 'items';
    this.itemsIndent = -1;
    this.unit = keyIndent;
    this.expectComma = false;
    this.pretty = undefined;
    this.exact = undefined;
    this.prettyOk = keyIndent >= 0;
    this.itemCount = 0;
    this.scan = { pos: after, depth: 0, inString: false };
    this.w.release(this.rootStart);
    // Lines up to the items' opening bracket are counted now: the head is released.
    this.advance(after);
  }

  /** Between and inside the items of a List (or a top-level array). */
  private items(final: boolean): boolean {
    if (this.pretty) return this.prettyItem(final);
    if (this.exact) return this.exactItem(final);
    const buf = this.w.buf;
    const base = this.w.base;
    const end = this.w.end;
    let i = this.pos - base;
    while (i < end && isWs(buf[i])) i++;
    if (i >= end) {
      this.advance(base + i);
      return false;
    }
    const c = buf[i];
    if (this.expectComma) {
      if (c === 0x2c) {
        this.expectComma = false;
        this.advance(base + i + 1);
        return true;
      }
      if (c === 0x5d) return this.endItems(base + i);
      this.advance(base + i);
      this.error(
        this.line,
        `invalid JSON: expected "," or "]" after an item, found ${JSON.stringify(String.fromCharCode(c))}`,
      );
      return false;
    }
    if (c === 0x5d) {
      if (this.itemCount > 0) {
        this.advance(base + i);
        this.error(this.line, 'invalid JSON: Unexpected token \']\' after ","');
        return false;
      }
      return this.endItems(base + i);
    }
    this.advance(base + i);
    const start = this.pos;
    const line = this.line;
    if (c === 0x7b && this.prettyOk && this.isPrettyStart(i)) {
      this.pretty = {
        start,
        line,
        next: start,
        lines: 0,
        kept: [],
        keptFrom: start,
        table: cutTable(undefined),
        kindSeen: false,
        inner: undefined,
      };
      // The "{" line itself.
      const nl = buf.indexOf(0x0a, i);
      if (nl < 0 || nl >= end) {
        this.pretty.next = start; // wait for the line to end
      } else {
        this.pretty.next = base + nl + 1;
        this.pretty.lines = 1;
      }
      return true;
    }
    this.exact = { pos: start, depth: 0, inString: false };
    this.exactStart = start;
    this.exactLine = line;
    return true;
  }

  /** A "{" alone on its line, at the items' indent (found on the first item). */
  private isPrettyStart(i: number): boolean {
    const buf = this.w.buf;
    let ls = i;
    while (ls > 0 && buf[ls - 1] === 0x20) ls--;
    if (ls > 0 && buf[ls - 1] !== 0x0a) return false;
    const indent = i - ls;
    const after = buf[i + 1];
    if (after !== 0x0a && after !== 0x0d) return false;
    if (this.itemsIndent < 0) {
      const unit = indent - this.unit;
      if (unit <= 0) {
        this.prettyOk = false;
        return false;
      }
      this.itemsIndent = indent;
      this.unit = unit;
    }
    return indent === this.itemsIndent;
  }

  private endItems(close: number): boolean {
    if (this.topArray) {
      this.advance(close + 1);
      this.mode = 'top';
      this.sink.listEnd([]);
      return true;
    }
    // The tail is parsed from "]" on: keep it.
    this.advance(close);
    this.tailStart = close;
    this.scan = { pos: close + 1, depth: 1, inString: false };
    this.mode = 'tail';
    return true;
  }

  /** After the items: the rest of the root object, parsed with the head into the List's envelope. */
  private tail(): boolean {
    const base = this.w.base;
    const close = scanClose(this.w.buf, base, this.w.end, this.scan);
    if (close < 0) {
      if (this.w.endAbs - this.tailStart > this.maxDoc)
        this.error(
          this.lineAt(this.tailStart),
          'invalid JSON: the List after its items is too large',
          'too-large',
        );
      return false;
    }
    const endAbs = base + close;
    const tailLine = this.lineAt(this.tailStart);
    const tailText = this.text(this.tailStart, endAbs, tailLine);
    if (tailText === undefined) return false;
    const text = this.head + tailText;
    this.advance(endAbs);
    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch (err) {
      const e = err as Error;
      const { offset } = errorOffset(e, text);
      const at =
        offset !== undefined && offset >= this.head.length
          ? lineAfter(tailText, tailLine, offset - this.head.length)
          : this.rootLine;
      this.error(at, `invalid JSON: ${e.message}`);
      return false;
    }
    this.emitted = true;
    this.sink.listEnd(envelope);
    this.mode = 'top';
    return true;
  }

  /** An item read by exact scanning (compact JSON, odd formatting, or a pretty guess that did not parse). */
  private exactItem(final: boolean): boolean {
    const st = this.exact as Scan;
    const buf = this.w.buf;
    const base = this.w.base;
    const end = this.w.end;
    const first = buf[this.exactStart - base];
    const container = first === 0x7b || first === 0x5b;
    let done = -1;
    if (!container) {
      // A scalar item (a string, number, true/false/null): up to the next delimiter.
      if (first === 0x22) {
        const j = stringEnd(buf, this.exactStart - base + 1, end);
        if (j >= 0) done = j + 1;
      } else {
        let j = this.exactStart - base;
        while (j < end && buf[j] !== 0x2c && buf[j] !== 0x5d && buf[j] !== 0x7d && !isWs(buf[j])) j++;
        if (j < end || final) done = j;
      }
      if (done < 0) return false;
    } else {
      done = scanClose(buf, base, end, st);
      if (done < 0) {
        if (this.w.endAbs - this.exactStart > this.maxDoc) {
          this.error(
            this.exactLine,
            `an item larger than ${Math.round(this.maxDoc / 1024 / 1024)} MB; skipped (split the List)`,
            'too-large',
          );
        }
        return false;
      }
    }
    const endAbs = base + done;
    const text = this.text(this.exactStart, endAbs, this.exactLine);
    this.exact = undefined;
    if (text === undefined) return false;
    const parsed = this.parse(text, this.exactLine);
    if (!parsed) return false;
    this.advance(endAbs);
    this.item(parsed.value, this.exactLine);
    return true;
  }

  private item(value: unknown, line: number): void {
    this.itemCount++;
    this.expectComma = true;
    this.emitted = true;
    this.sink.listItem(value, this.origin(line));
  }

  /** A pretty-printed item: walk its lines to the closing "}", cutting dropped members; then parse. */
  private prettyItem(final: boolean): boolean {
    const p = this.pretty as PrettyItem;
    const buf = this.w.buf;
    const base = this.w.base;
    const end = this.w.end;
    const e = this.itemsIndent;
    const u = this.unit;
    const d1 = e + u;
    const d2 = e + 2 * u;
    let ls = p.next - base;
    let lines = p.lines;
    if (p.skip && !this.skipMember(p, final)) return false;
    if (p.skip) return true; // (skipMember cleared it and moved p.next)
    ls = p.next - base;
    lines = p.lines;
    if (ls === p.start - base) {
      // Still on the "{" line.
      const nl = buf.indexOf(0x0a, ls);
      if (nl < 0 || nl >= end) return false;
      ls = nl + 1;
      lines = 1;
    }
    for (;;) {
      const nl = buf.indexOf(0x0a, ls);
      const lineEnd = nl < 0 || nl >= end ? -1 : nl;
      if (lineEnd < 0 && !final) break;
      const le = lineEnd < 0 ? end : lineEnd;
      // The item's closing line: "}" at the items' indent.
      if (buf[ls + e] === 0x7d && (e === 0 || (buf[ls] === 0x20 && buf[ls + e - 1] === 0x20))) {
        p.next = base + ls;
        p.lines = lines;
        return this.finishPretty(base + ls + e + 1);
      }
      if (this.cut && ls + d2 < le && buf[ls] === 0x20) {
        if (buf[ls + d1] === 0x22 && buf[ls + d1 - 1] === 0x20) {
          // A member of the item: "kind" names the table; a mapping or list may be cut, or be cut inside.
          const q = ls + d1;
          const n = plainKeyLength(buf, q, le);
          p.inner = undefined;
          if (
            n === 4 &&
            !p.kindSeen &&
            buf[q + 1] === 0x6b &&
            buf[q + 2] === 0x69 &&
            buf[q + 3] === 0x6e &&
            buf[q + 4] === 0x64
          ) {
            p.kindSeen = true;
            p.table = cutTable(stringValueAfter(buf, q + 7, le));
          } else if (n > 0 && isOpenerAt(buf, le)) {
            const k = matchKey(buf, q, n, p.table.top);
            if (k < 0 && p.table.cutTop) {
              p.next = base + ls;
              p.lines = lines;
              this.startSkip(p, le, d1);
              return true;
            }
            if (k >= 0) p.inner = p.table.children[k];
          }
        } else if (
          p.inner !== undefined &&
          buf[ls + d2] === 0x22 &&
          buf[ls + d2 - 1] === 0x20 &&
          buf[ls + d1] === 0x20
        ) {
          const q = ls + d2;
          if (isOpenerAt(buf, le)) {
            const n = plainKeyLength(buf, q, le);
            if (n > 0 && matchKey(buf, q, n, p.inner) < 0) {
              p.next = base + ls;
              p.lines = lines;
              this.startSkip(p, le, d2);
              return true;
            }
          }
        }
      }
      if (lineEnd < 0) {
        // Input ended inside the item: let the exact scan report it.
        p.next = base + end;
        p.lines = lines;
        return this.retryExact();
      }
      lines++;
      ls = lineEnd + 1;
      if (base + ls - p.start > this.maxDoc) {
        p.next = base + ls;
        p.lines = lines;
        return this.retryExact();
      }
    }
    p.next = base + ls;
    p.lines = lines;
    return false;
  }

  private startSkip(p: PrettyItem, le: number, indent: number): void {
    const base = this.w.base;
    let k = le - 1;
    if (this.w.buf[k] === 0x0d) k--;
    const opener = this.w.buf[k];
    // Keep the member with an empty value: `"managedFields": [` … `]` → `"managedFields": []`.
    p.kept.push(p.keptFrom, base + k + 1);
    p.skip = {
      closer: opener === 0x5b ? 0x5d : 0x7d,
      indent,
      from: base + le,
      openLine: this.line + p.lines,
      textFrom: base + k,
    };
  }

  /** Find the line closing the member being cut; false when it is not in the window yet. */
  private skipMember(p: PrettyItem, final: boolean): boolean {
    const s = p.skip as NonNullable<PrettyItem['skip']>;
    const buf = this.w.buf;
    const base = this.w.base;
    const end = this.w.end;
    let q = s.from - base;
    for (;;) {
      q = buf.indexOf(s.closer, q);
      if (q < 0 || q >= end) {
        s.from = base + Math.max(s.from - base, end - s.indent - 1);
        if (final) return this.retryExact();
        return false;
      }
      const ls = q - s.indent;
      if (ls > 0 && buf[ls - 1] === 0x0a && (s.indent === 0 || (buf[ls] === 0x20 && buf[q - 1] === 0x20))) {
        // The closing line: count the lines cut, hand the cut text on, and go on from the closer.
        const startLine = p.next - base;
        const lines = countNewlines(buf, startLine, ls);
        if (this.options.onSkipped) {
          const from = s.textFrom - base;
          this.options.onSkipped(buf.subarray(from, q + 1), s.openLine);
        }
        p.lines += lines;
        p.next = base + ls;
        p.keptFrom = base + q;
        p.skip = undefined;
        return true;
      }
      q++;
    }
  }

  private finishPretty(endAbs: number): boolean {
    const p = this.pretty as PrettyItem;
    p.kept.push(p.keptFrom, endAbs);
    let text = '';
    for (let k = 0; k < p.kept.length; k += 2) {
      const piece = this.text(p.kept[k], p.kept[k + 1], p.line);
      if (piece === undefined) return false;
      text += piece;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.retryExact();
    }
    if (!isObject(value)) return this.retryExact();
    this.pretty = undefined;
    // The closing "}" is on the line the walk stopped at: no newline to count after it.
    this.jump(endAbs, p.line + p.lines);
    this.item(value, p.line);
    return true;
  }

  /** The pretty guess did not hold: read this item (and the rest of the List) by exact scanning. */
  private retryExact(): boolean {
    const p = this.pretty as PrettyItem;
    this.pretty = undefined;
    this.prettyOk = false;
    this.exact = { pos: p.start, depth: 0, inString: false };
    this.exactStart = p.start;
    this.exactLine = p.line;
    return true;
  }
}

// ---------------------------------------------------------------------------------------------------------
// YAML

const ITEMS_LINE = /^items:[ \t]*(?:#.*)?\r?$/;
const DIRECTIVES_ONLY = /^(?:\s*(?:[#%][^\n]*)?\n)*\s*$/;

class YamlEngine extends Engine {
  private mode: 'doc' | 'items' | 'tail' | 'done' = 'doc';
  private docStart = 0;
  private docLine = 1;
  /** The `items:` line of the current document, waiting for its first entry to decide. */
  private itemsAt = -1;
  private itemsLine = 0;
  private head = '';
  private headLines = 0;
  private indent = 0;
  private entryStart = -1;
  private entryLine = 0;
  private tailStart = 0;
  private tailLine = 0;

  constructor(
    file: string,
    sink: ManifestSink,
    w: Window,
    options: ManifestStreamOptions,
    private readonly origins: WeakMap<object, Origin>,
    failWith: Fail,
  ) {
    super(file, sink, w, options, failWith);
    this.docStart = this.pos;
    this.docLine = this.line;
  }

  abort(): void {
    this.mode = 'done';
  }

  private parsed(text: string, line: number): ParsedManifests {
    const out: ParsedManifests = { objects: [], origins: this.origins, warnings: [] };
    parseYamlDocument(text, this.file, line - 1, out, this.options);
    return out;
  }

  run(final: boolean): void {
    const buf = this.w.buf;
    const base = this.w.base;
    const end = this.w.end;
    let ls = this.pos - base;
    let line = this.line;
    while (this.mode !== 'done') {
      const nl = buf.indexOf(0x0a, ls);
      const lineEnd = nl < 0 || nl >= end ? -1 : nl;
      if (lineEnd < 0 && (!final || ls >= end)) break;
      const le = lineEnd < 0 ? end : lineEnd;
      this.pos = base + ls;
      this.line = line;
      this.look(ls, le);
      if (this.done) return;
      ls = lineEnd < 0 ? end : lineEnd + 1;
      line++;
    }
    this.pos = base + ls;
    this.line = line;
    if (final && this.mode !== 'done') this.finish();
    else this.checkSize();
  }

  /** Stopped by an error (a method called since the last look may have set it). */
  private get done(): boolean {
    return this.mode === 'done';
  }

  private checkSize(): void {
    const held =
      this.w.endAbs -
      (this.mode === 'items' ? this.entryStart : this.mode === 'tail' ? this.tailStart : this.docStart);
    if (held > this.maxDoc) {
      const line =
        this.mode === 'items' ? this.entryLine : this.mode === 'tail' ? this.tailLine : this.docLine;
      this.fatal(
        line,
        `a YAML document larger than ${Math.round(this.maxDoc / 1024 / 1024)} MB; skipped (split it)`,
        'too-large',
      );
    }
  }

  /** One line, buf[ls, le). */
  private look(ls: number, le: number): void {
    const buf = this.w.buf;
    const c0 = buf[ls];
    const marker =
      c0 === 0x2d && buf[ls + 1] === 0x2d && buf[ls + 2] === 0x2d && (ls + 3 >= le || isWs(buf[ls + 3]));
    if (this.mode === 'items') {
      if (marker) {
        this.endEntry(ls);
        this.endList(ls);
        this.startDoc(ls);
        return;
      }
      this.itemsLine_(ls, le);
      return;
    }
    if (marker) {
      if (this.mode === 'tail') this.endList(ls);
      else if (!this.endDoc(ls)) return;
      this.startDoc(ls);
      return;
    }
    if (this.mode === 'tail') return;
    if (this.itemsAt >= 0) {
      // The first content line after `items:` decides whether the entries are read one at a time.
      if (this.isBlankOrComment(ls, le)) return;
      let i = 0;
      while (buf[ls + i] === 0x20) i++;
      const after = buf[ls + i + 1];
      if (buf[ls + i] === 0x2d && (ls + i + 1 >= le || after === 0x20 || after === 0x0d || after === 0x0a)) {
        this.startList(ls, i);
        return;
      }
      this.itemsAt = -1;
    }
    if (c0 === 0x69 && ITEMS_LINE.test(this.w.buf.toString('latin1', ls, le))) {
      this.itemsAt = this.w.base + ls;
      this.itemsLine = this.line;
    }
  }

  private isBlankOrComment(ls: number, le: number): boolean {
    const buf = this.w.buf;
    let i = ls;
    while (i < le && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
    return i >= le || buf[i] === 0x23 || buf[i] === 0x0d;
  }

  private startDoc(ls: number): void {
    this.mode = 'doc';
    this.docStart = this.w.base + ls;
    this.docLine = this.line;
    this.itemsAt = -1;
    this.w.release(this.docStart);
  }

  /** The document before line `ls` is complete; false when it stays open (directives before a marker). */
  private endDoc(ls: number): boolean {
    const endAbs = this.w.base + ls;
    if (endAbs <= this.docStart) return true;
    const text = this.text(this.docStart, endAbs, this.docLine);
    if (text === undefined) return true;
    // A leading piece of only directives and comments belongs to the document after it.
    if (this.first && DIRECTIVES_ONLY.test(text) && text.includes('%')) {
      this.first = false;
      return false;
    }
    this.first = false;
    this.document(text, this.docLine);
    return true;
  }

  /** No document has ended yet. */
  private first = true;

  private document(text: string, line: number): void {
    const out = this.parsed(text, line);
    for (const w of out.warnings) this.sink.warning(w);
    for (const v of out.objects) {
      const origin = (typeof v === 'object' && v !== null && this.origins.get(v)) || {
        file: this.file,
        line,
      };
      this.sink.document(this.compact(v), origin);
    }
  }

  /** The compact option for a single object; Lists keep their items' origins, which copies would lose. */
  private compact(v: unknown): unknown {
    const c = this.options.compact;
    if (!c || !isObject(v) || typeof v.kind !== 'string' || v.kind.endsWith('List') || 'items' in v) return v;
    return c(v);
  }

  /** `items:` is followed by block sequence entries at `indent`: read them one at a time. */
  private startList(ls: number, indent: number): void {
    const itemsAt = this.itemsAt;
    this.itemsAt = -1;
    const headText = this.text(this.docStart, itemsAt, this.docLine);
    if (headText === undefined) return;
    // The head must be a plain mapping js-yaml reads on its own (no anchors the entries could refer to).
    const envelopeHead = `${headText}items: []\n`;
    let head: Record<string, unknown> | undefined;
    if (!needsFullYamlParser(headText)) {
      const out: ParsedManifests = { objects: [], origins: new WeakMap(), warnings: [] };
      parseYamlDocument(envelopeHead, this.file, this.docLine - 1, out, this.options);
      if (
        out.warnings.length === 0 &&
        out.objects.length <= 1 &&
        (out.objects.length === 0 || isObject(out.objects[0]))
      ) {
        head = (out.objects[0] as Record<string, unknown> | undefined) ?? {};
      }
    }
    if (!head) return; // read the document whole
    delete head.items;
    this.mode = 'items';
    this.head = envelopeHead;
    this.headLines = this.itemsLine - this.docLine + 1;
    this.indent = indent;
    this.entryStart = this.w.base + ls;
    this.entryLine = this.line;
    this.w.release(this.entryStart);
    this.first = false;
    this.sink.listStart({ file: this.file, line: this.docLine }, head, 'list');
  }

  /** A line inside the List's entries. */
  private itemsLine_(ls: number, le: number): void {
    const buf = this.w.buf;
    const i = this.indent;
    // Deeper than the entries: part of the current entry.
    if (buf[ls + i] === 0x20 && (i === 0 || buf[ls] === 0x20)) {
      let k = 0;
      while (k < i && buf[ls + k] === 0x20) k++;
      if (k === i) return;
    }
    if (this.isBlankOrComment(ls, le)) return;
    let k = 0;
    while (k < i && buf[ls + k] === 0x20) k++;
    const after = buf[ls + i + 1];
    if (
      k === i &&
      buf[ls + i] === 0x2d &&
      (ls + i + 1 >= le || after === 0x20 || after === 0x0d || after === 0x0a)
    ) {
      this.endEntry(ls);
      this.entryStart = this.w.base + ls;
      this.entryLine = this.line;
      this.w.release(this.entryStart);
      return;
    }
    // Anything else at or left of the entries' indent ends them: the rest of the List follows.
    this.endEntry(ls);
    this.mode = 'tail';
    this.tailStart = this.w.base + ls;
    this.tailLine = this.line;
    this.w.release(this.tailStart);
  }

  /** The entry before line `ls` is complete: parse it on its own. */
  private endEntry(ls: number): void {
    const endAbs = this.w.base + ls;
    if (this.entryStart < 0 || endAbs <= this.entryStart) return;
    const raw = this.text(this.entryStart, endAbs, this.entryLine);
    this.entryStart = -1;
    if (raw === undefined) return;
    const i = this.indent;
    // "- key: v" → "  key: v": the entry's content as a document of its own, on the same lines.
    const text = `${raw.slice(0, i)} ${raw.slice(i + 1)}`;
    const out = this.parsed(text, this.entryLine);
    for (const w of out.warnings) this.sink.warning(w);
    if (out.warnings.length > 0) return;
    const value = out.objects.length === 0 ? null : out.objects[0];
    const origin = (isObject(value) && this.origins.get(value)) || { file: this.file, line: this.entryLine };
    this.sink.listItem(this.compact(value), origin);
  }

  /** The List's document ends before line `ls`: its envelope is the head and the tail around `items: []`. */
  private endList(ls: number): void {
    const endAbs = this.w.base + ls;
    let tail = '';
    if (this.mode === 'tail' && endAbs > this.tailStart) {
      const t = this.text(this.tailStart, endAbs, this.tailLine);
      if (t === undefined) return;
      tail = t;
    }
    const out = this.parsed(this.head + tail, this.docLine);
    for (const w of out.warnings) {
      // Lines past the head are the tail's.
      const line =
        w.line !== undefined && w.line >= this.docLine + this.headLines
          ? this.tailLine + (w.line - this.docLine - this.headLines)
          : w.line;
      this.sink.warning(
        line === w.line ? w : { ...w, line, message: w.message.replace(`:${w.line}:`, `:${line}:`) },
      );
    }
    this.sink.listEnd(out.warnings.length > 0 ? undefined : (out.objects[0] ?? {}));
  }

  private finish(): void {
    const ls = this.w.end;
    if (this.mode === 'items') {
      this.endEntry(ls);
      if (!this.done) this.endList(ls);
    } else if (this.mode === 'tail') this.endList(ls);
    else this.endDoc(ls);
    this.mode = 'done';
  }
}
