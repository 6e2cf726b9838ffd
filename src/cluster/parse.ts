/**
 * Manifests in, typed snapshot out. Usage:
 *
 *   const parsed = parseManifests(text, 'k8s/app.yaml');          // { objects, origins, warnings }
 *   const snapshot = snapshotFromObjects(parsed.objects, parsed.origins);
 *   // parse warnings are in parsed.warnings, sorting warnings (no kind, no name…) in snapshot.warnings
 *
 * From plain objects (tests, the lab): `snapshotFromObjects([svc, deploy, ingress])`, or `addObject(snapshot,
 * obj)` one at a time. Files, directories and stdin: FileSource in files.ts.
 *
 * Parsing never throws on bad input: malformed documents, alias bombs, binary data and objects without
 * kind/name become SourceWarnings with file and line, and everything else is still read.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import type { Node as YamlNode } from 'yaml';
import { groupOf, KIND_BY_NAME, type KindInfo } from './kinds.js';
import { PrettyListParser } from './pretty-list.js';
import { type ClusterSnapshot, emptySnapshot, isObject, type Origin, type SourceWarning } from './types.js';
import { fastYamlDocument } from './yaml-fast.js';

export interface ParsedManifests {
  /** Top-level documents/values, in file order. Lists are NOT unwrapped here (addObject does that). */
  objects: unknown[];
  /** Where each object (and each item of a List) starts. */
  origins: WeakMap<object, Origin>;
  warnings: SourceWarning[];
}

export interface ParseOptions {
  /** Aliases a YAML document may expand before it is rejected (billion-laughs guard). */
  maxAliasCount?: number;
  /** Record origins here instead of a new map (a snapshot's own map: saves a second entry per object). */
  origins?: WeakMap<object, Origin>;
  /** Force a format; by default JSON is tried for `.json` files and text that starts with `{` or `[`. */
  format?: 'yaml' | 'json';
  /** parseManifestBytes: false skips the pretty-List fast path (the caller has tried it already). */
  prettyList?: boolean;
  /** false: every YAML document through the `yaml` library, none through js-yaml (tests compare the two). */
  fastYaml?: boolean;
}

const DEFAULT_MAX_ALIAS_COUNT = 100;

type Json = Record<string, unknown>;

/** The items of a document that lists objects: a List's `items`, or a top-level array (anything, unchecked). */
function listItems(value: unknown): unknown {
  return Array.isArray(value) ? value : isObject(value) ? value.items : undefined;
}

/** Parse YAML (multi-document) or JSON (one value, or several concatenated) text. Never throws. */
export function parseManifests(text: string, file: string, options: ParseOptions = {}): ParsedManifests {
  const out: ParsedManifests = { objects: [], origins: options.origins ?? new WeakMap(), warnings: [] };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = firstNonSpace(text);
  const looksJson = first === '{' || first === '[';
  const format = options.format ?? (file.toLowerCase().endsWith('.json') || looksJson ? 'json' : 'yaml');
  if (format === 'json') {
    const ok = parseJson(text, file, out);
    // Text that is not JSON but starts with '{' may still be a YAML flow mapping: let YAML decide,
    // unless the user told us it is JSON (.json) – then the JSON error is the useful one.
    if (ok || options.format === 'json' || file.toLowerCase().endsWith('.json')) return out;
    const yamlOut: ParsedManifests = { objects: [], origins: options.origins ?? new WeakMap(), warnings: [] };
    parseYaml(text, file, yamlOut, options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT, options.fastYaml);
    return yamlOut.warnings.length === 0 ? yamlOut : out;
  }
  parseYaml(text, file, out, options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT, options.fastYaml);
  return out;
}

function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length && i < 65536; i++) {
    const c = text[i];
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return c;
  }
  return '';
}

// ---------------------------------------------------------------------------------------------
// JSON: JSON.parse for speed (100 MB `kubectl get -o json` dumps), plus one linear scan that finds
// where each top-level value and each `items[]` element starts, for file:line.

interface JsonSpan {
  start: number;
  end: number;
  /** Offsets of the objects in the root's `items` array (or of the root array's elements). */
  itemStarts: number[];
}

const WHITESPACE_ONLY = /^[ \t\r\n]*$/;

/**
 * Scan the text once; undefined when it is not a sequence of JSON objects/arrays (let JSON.parse explain).
 * It jumps between structural characters with indexOf (memchr-fast) instead of visiting every character:
 * pretty-printed dumps are mostly indentation and string contents.
 */
function scanJson(text: string): JsonSpan[] | undefined {
  const n = text.length;
  const next = (ch: string, from: number): number => {
    const j = text.indexOf(ch, from);
    return j < 0 ? n : j;
  };
  const spans: JsonSpan[] = [];
  let depth = 0;
  let span: JsonSpan | undefined;
  let rootIsArray = false;
  let lastKeyAtDepth1: string | undefined;
  let itemsDepth = -1; // depth of the items array's elements, when inside it
  let topEnd = 0; // end of the last top-level value
  let quote = next('"', 0);
  let openBrace = next('{', 0);
  let closeBrace = next('}', 0);
  let openBracket = next('[', 0);
  let closeBracket = next(']', 0);
  for (;;) {
    const m = Math.min(quote, openBrace, closeBrace, openBracket, closeBracket);
    if (m >= n) break;
    if (depth === 0 && !WHITESPACE_ONLY.test(text.slice(topEnd, m))) return undefined;
    if (m === quote) {
      if (depth === 0) return undefined; // a top-level string is no manifest
      let j = m + 1;
      for (;;) {
        j = text.indexOf('"', j);
        if (j < 0) return undefined;
        let bs = 0;
        for (let k = j - 1; text.charCodeAt(k) === 0x5c; k--) bs++;
        if (bs % 2 === 0) break;
        j++;
      }
      if (depth === 1 && !rootIsArray) lastKeyAtDepth1 = text.slice(m + 1, j);
      const end = j + 1;
      quote = next('"', end);
      // Structural characters inside the string do not count.
      if (openBrace < end) openBrace = next('{', end);
      if (closeBrace < end) closeBrace = next('}', end);
      if (openBracket < end) openBracket = next('[', end);
      if (closeBracket < end) closeBracket = next(']', end);
      continue;
    }
    if (m === openBrace || m === openBracket) {
      const brace = m === openBrace;
      if (depth === 0) {
        span = { start: m, end: m, itemStarts: [] };
        rootIsArray = !brace;
        lastKeyAtDepth1 = undefined;
        itemsDepth = rootIsArray ? 1 : -1;
      } else if (!brace && depth === 1 && !rootIsArray && lastKeyAtDepth1 === 'items') {
        itemsDepth = 2;
      } else if (brace && depth === itemsDepth && span) {
        span.itemStarts.push(m);
      }
      depth++;
      if (brace) openBrace = next('{', m + 1);
      else openBracket = next('[', m + 1);
      continue;
    }
    const bracket = m === closeBracket;
    depth--;
    if (depth < 0) return undefined;
    if (depth === 1 && itemsDepth === 2 && bracket) itemsDepth = -1;
    if (depth === 0 && span) {
      span.end = m + 1;
      spans.push(span);
      span = undefined;
      topEnd = m + 1;
    }
    if (bracket) closeBracket = next(']', m + 1);
    else closeBrace = next('}', m + 1);
  }
  if (depth !== 0 || !WHITESPACE_ONLY.test(text.slice(topEnd))) return undefined;
  return spans;
}

/** 1-based line numbers for ascending offsets, in one pass. */
function linesAt(text: string, offsets: number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  // The next newline at or after pos (-1: none left); kept across offsets so the scan stays linear.
  let nl = text.indexOf('\n', pos);
  for (const off of offsets) {
    while (nl >= 0 && nl < off) {
      line++;
      pos = nl + 1;
      nl = text.indexOf('\n', pos);
    }
    lines.push(line);
  }
  return lines;
}

function lineOfOffset(text: string, offset: number): number {
  return linesAt(text, [Math.max(0, Math.min(offset, text.length))])[0];
}

/** V8's JSON errors say "at position N" (Node 20) or "(line L column C)" (newer). */
function jsonErrorLine(err: Error, text: string, base: number): number {
  const lc = /line (\d+) column \d+/.exec(err.message);
  if (lc) return lineOfOffset(text, base) + Number(lc[1]) - 1;
  const pos = /position (\d+)/.exec(err.message);
  if (pos) return lineOfOffset(text, base + Number(pos[1]));
  return lineOfOffset(text, base);
}

/**
 * Item lines of a pretty-printed List (`kubectl get -o json`, jq) in one pass over the newlines: with indent
 * unit u, an element of a depth-1 array is a line holding only "{" at 2u spaces, and raw newlines cannot occur
 * inside JSON strings. The caller checks the count against items.length and falls back to scanJson otherwise.
 */
function prettyItemLines(text: string): number[] | undefined {
  const m = /^\{\r?\n( +)"/.exec(text.slice(0, 64));
  if (!m) return undefined;
  const indent = 2 * m[1].length;
  const lines: number[] = [];
  let line = 1;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) {
    line++;
    const brace = nl + 1 + indent;
    if (
      text.charCodeAt(brace) !== 0x7b ||
      text.charCodeAt(brace - 1) !== 0x20 ||
      text.charCodeAt(nl + 1) !== 0x20
    )
      continue;
    const after = text.charCodeAt(brace + 1);
    if (after !== 0x0a && after !== 0x0d) continue;
    let spaces = true;
    for (let k = nl + 2; k < brace - 1; k++) {
      if (text.charCodeAt(k) !== 0x20) {
        spaces = false;
        break;
      }
    }
    if (spaces) lines.push(line);
  }
  return lines;
}

/** Fast path for the common case, one pretty-printed List: JSON.parse once plus one pass over the newlines. */
function parsePrettyList(text: string, file: string, out: ParsedManifests): boolean {
  const lines = prettyItemLines(text);
  if (!lines) return false;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false; // the full path reports the error with its line
  }
  const items = isObject(value) ? value.items : undefined;
  if (!Array.isArray(items) || items.length !== lines.length) return false;
  out.objects.push(value);
  out.origins.set(value as object, { file, line: 1 });
  items.forEach((item, k) => {
    if (typeof item === 'object' && item !== null) out.origins.set(item, { file, line: lines[k] });
  });
  return true;
}

function parseJson(text: string, file: string, out: ParsedManifests): boolean {
  if (parsePrettyList(text, file, out)) return true;
  const spans = scanJson(text);
  if (spans && spans.length === 0) return true; // whitespace only
  const pieces = spans ?? [{ start: 0, end: text.length, itemStarts: [] }];
  let ok = true;
  const offsets: number[] = [];
  for (const s of pieces) offsets.push(s.start, ...s.itemStarts);
  // One pass over all offsets (they ascend: spans in order, items inside their span).
  const lines = linesAt(text, offsets);
  let li = 0;
  for (const s of pieces) {
    const startLine = lines[li++];
    const itemLines = lines.slice(li, li + s.itemStarts.length);
    li += s.itemStarts.length;
    let value: unknown;
    try {
      value = JSON.parse(pieces.length === 1 ? text : text.slice(s.start, s.end));
    } catch (err) {
      ok = false;
      const line = jsonErrorLine(err as Error, text, pieces.length === 1 ? 0 : s.start);
      out.warnings.push({
        code: 'parse-error',
        file,
        line,
        message: `${file}:${line}: invalid JSON: ${(err as Error).message}`,
      });
      continue;
    }
    out.objects.push(value);
    if (typeof value === 'object' && value !== null) {
      out.origins.set(value, { file, line: startLine });
      const items = listItems(value);
      if (Array.isArray(items) && items.length === itemLines.length) {
        items.forEach((item, k) => {
          if (typeof item === 'object' && item !== null) out.origins.set(item, { file, line: itemLines[k] });
        });
      }
    }
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------
// YAML: split at document markers first so each document is parsed (and its AST freed) on its own;
// this bounds memory on huge multi-document files. A `---` at column 0 always ends a document in
// YAML (it is forbidden inside block and flow scalars), so the split is exact.

const DOC_MARKER = /^---(?=[ \t\r\n]|$)/gm;

function splitYamlDocuments(text: string): { start: number; text: string }[] {
  const starts = [0];
  for (const m of text.matchAll(DOC_MARKER)) if (m.index !== 0) starts.push(m.index);
  const chunks: { start: number; text: string }[] = [];
  for (let i = 0; i < starts.length; i++) {
    chunks.push({ start: starts[i], text: text.slice(starts[i], starts[i + 1] ?? text.length) });
  }
  // A leading chunk of only directives/comments belongs to the document after it.
  if (
    chunks.length > 1 &&
    /^(?:\s*(?:[#%][^\n]*)?\n)*\s*$/.test(chunks[0].text) &&
    /%/.test(chunks[0].text)
  ) {
    chunks[1] = { start: 0, text: chunks[0].text + chunks[1].text };
    chunks.shift();
  }
  return chunks;
}

type YamlLibrary = typeof import('yaml');
let yamlLibrary: YamlLibrary | undefined;

/** The yaml library, loaded on first use: loading it takes about 50 ms, and JSON input never needs it. */
function yamlLib(): YamlLibrary {
  yamlLibrary ??= createRequire(import.meta.url)('yaml') as YamlLibrary;
  return yamlLibrary;
}

function parseYaml(
  text: string,
  file: string,
  out: ParsedManifests,
  maxAliasCount: number,
  fastPath = true,
): void {
  const chunks = splitYamlDocuments(text);
  const chunkLines = linesAt(
    text,
    chunks.map((c) => c.start),
  );
  chunks.forEach((chunk, ci) => {
    const base = chunkLines[ci] - 1;
    // Documents without anchors, aliases, tags or merge keys (nearly all): js-yaml, ten times faster.
    const fast = fastPath ? fastYamlDocument(chunk.text) : undefined;
    if (fast === 'empty') return;
    if (fast) {
      const value = fast.value;
      out.objects.push(value);
      if (typeof value !== 'object' || value === null) return;
      out.origins.set(value, { file, line: base + fast.line });
      const items = listItems(value);
      if (fast.itemLines && Array.isArray(items)) {
        fast.itemLines.forEach((line, k) => {
          const item = items[k];
          if (typeof item === 'object' && item !== null) out.origins.set(item, { file, line: base + line });
        });
      }
      return;
    }
    const { isMap, isSeq, LineCounter, parseAllDocuments } = yamlLib();
    const lineCounter = new LineCounter();
    try {
      const docs = parseAllDocuments(chunk.text, {
        lineCounter,
        merge: true, // `<<` merge keys, as kubectl's decoder accepts them
        prettyErrors: true,
      });
      const list = Array.isArray(docs) ? docs : [];
      for (const doc of list) {
        if (doc.errors.length > 0) {
          const e = doc.errors[0];
          const line = base + (e.linePos?.[0].line ?? 1);
          const msg = e.message.split('\n')[0];
          out.warnings.push({
            code: 'parse-error',
            file,
            line,
            message: `${file}:${line}: invalid YAML: ${msg}`,
          });
          continue;
        }
        const contents = doc.contents as YamlNode | null;
        if (contents === null) continue; // empty document
        const line = base + lineCounter.linePos(contents.range?.[0] ?? 0).line;
        let value: unknown;
        try {
          value = doc.toJS({ maxAliasCount });
        } catch (err) {
          out.warnings.push({
            code: 'parse-error',
            file,
            line,
            message: `${file}:${line}: YAML document rejected: ${(err as Error).message}`,
          });
          continue;
        }
        if (value === null || value === undefined) continue;
        out.objects.push(value);
        if (typeof value === 'object') {
          out.origins.set(value, { file, line });
          const itemsNode = isMap(contents)
            ? contents.get('items', true)
            : isSeq(contents)
              ? contents
              : undefined;
          const items = listItems(value);
          if (isSeq(itemsNode) && Array.isArray(items) && itemsNode.items.length === items.length) {
            itemsNode.items.forEach((node, k) => {
              const item = items[k];
              const range = (node as YamlNode | null)?.range;
              if (typeof item === 'object' && item !== null && range) {
                out.origins.set(item, { file, line: base + lineCounter.linePos(range[0]).line });
              }
            });
          }
        }
      }
    } catch (err) {
      // Deeply nested input can exhaust the parser's stack: a warning, not a crash.
      const line = base + 1;
      out.warnings.push({
        code: 'parse-error',
        file,
        line,
        message: `${file}:${line}: YAML document could not be parsed: ${(err as Error).message}`,
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Bytes → text: binary files and bad encodings are warnings, not garbage objects.

/** Decode file bytes as UTF-8 (or UTF-16 with a BOM); a warning instead when the file is not text. */
export function decodeManifestBytes(
  bytes: Uint8Array,
  file: string,
): { text: string; warning?: undefined } | { text?: undefined; warning: SourceWarning } {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    const le = bytes[0] === 0xff;
    try {
      return {
        text: new TextDecoder(le ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(bytes.subarray(2)),
      };
    } catch {
      return {
        warning: { code: 'invalid-encoding', file, message: `${file}: not valid UTF-16 text; skipped` },
      };
    }
  }
  if (bytes.indexOf(0) >= 0) {
    return {
      warning: {
        code: 'binary-file',
        file,
        message: `${file}: binary data (NUL bytes), not YAML or JSON; skipped`,
      },
    };
  }
  // Pure ASCII (almost every manifest) is valid UTF-8 and decodes faster as latin1, with the same result.
  // isUtf8 (simdutf) validates a 200 MB dump in milliseconds; a fatal TextDecoder takes far longer.
  const ascii = isAscii(bytes);
  if (!ascii && !isUtf8(bytes)) {
    return {
      warning: {
        code: 'invalid-encoding',
        file,
        message: `${file}: not valid UTF-8 (binary file?); skipped`,
      },
    };
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { text: buf.toString(ascii ? 'latin1' : 'utf8') };
}

/**
 * Parse file bytes: like decodeManifestBytes + parseManifests, but a pretty-printed List (`kubectl get -o json`)
 * is parsed item by item straight from the bytes (pretty-list.ts), so a 200 MB dump is never held as bytes and
 * text at once.
 */
export function parseManifestBytes(
  bytes: Uint8Array,
  file: string,
  options: ParseOptions = {},
): ParsedManifests {
  if (options.prettyList !== false && options.format !== 'yaml' && bytes.length > 0 && bytes[0] === 0x7b) {
    const list = new PrettyListParser(bytes, file, options.origins);
    if (list.finish()) return list.result;
  }
  const decoded = decodeManifestBytes(bytes, file);
  if (decoded.warning)
    return { objects: [], origins: options.origins ?? new WeakMap(), warnings: [decoded.warning] };
  return parseManifests(decoded.text, file, options);
}

// ---------------------------------------------------------------------------------------------
// Objects → snapshot.

export interface AddOptions {
  /** Namespace for namespaced objects that name none (manifests usually don't). Default "default". */
  defaultNamespace?: string;
}

/** Warnings already given once per snapshot (e.g. one per unknown apiVersion, not one per object). */
const saidOnce = new WeakMap<ClusterSnapshot, Set<string>>();

function warnOnce(snapshot: ClusterSnapshot, key: string, w: SourceWarning): void {
  let said = saidOnce.get(snapshot);
  if (!said) {
    said = new Set();
    saidOnce.set(snapshot, said);
  }
  if (said.has(key)) return;
  said.add(key);
  snapshot.warnings.push(w);
}

function where(origin: Origin | undefined): string {
  return origin ? `${origin.file}:${origin.line}: ` : '';
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return `a ${typeof v}`;
}

/** Labels and annotations are string maps; YAML `yes`/`1` become strings as the API server would reject. */
function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  let clean = true;
  for (const k in v) {
    if (typeof v[k] !== 'string') {
      clean = false;
      break;
    }
  }
  if (clean) return v as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (val === null || val === undefined) continue;
    out[k] = typeof val === 'string' ? val : typeof val === 'object' ? JSON.stringify(val) : String(val);
  }
  return out;
}

/**
 * Sort one object into the snapshot by kind. Lists (`List`, `PodList`, …) are unwrapped; items of a typed
 * list without kind/apiVersion (raw API output) take them from the list. Objects without kind or
 * metadata.name become warnings; kinds we do not read are counted in unknownKinds.
 */
export function addObject(
  snapshot: ClusterSnapshot,
  obj: unknown,
  origin?: Origin,
  options: AddOptions = {},
  origins?: WeakMap<object, Origin>,
): void {
  if (!isObject(obj)) {
    snapshot.warnings.push({
      code: 'invalid-object',
      ...origin,
      message: `${where(origin)}document is ${describeValue(obj)}, not a Kubernetes object; skipped`,
    });
    return;
  }
  const kind = obj.kind;
  if (typeof kind !== 'string' || kind === '') {
    snapshot.warnings.push({
      code: 'invalid-object',
      ...origin,
      message: `${where(origin)}object has no "kind"; skipped (add e.g. "kind: Service")`,
    });
    return;
  }
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined;
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(obj.items))) {
    const items = Array.isArray(obj.items) ? obj.items : [];
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    for (const item of items) {
      let o = item;
      if (isObject(item) && itemKind && (item.kind === undefined || item.apiVersion === undefined)) {
        o = Object.assign(item, { kind: item.kind ?? itemKind, apiVersion: item.apiVersion ?? apiVersion });
      }
      const itemOrigin = (isObject(item) && (origins?.get(item) ?? snapshot.origins.get(item))) || origin;
      addObject(snapshot, o, itemOrigin, options, origins);
    }
    return;
  }
  if (apiVersion === undefined) {
    snapshot.warnings.push({
      code: 'invalid-object',
      ...origin,
      message: `${where(origin)}${kind} has no "apiVersion"; skipped`,
    });
    return;
  }
  const info = KIND_BY_NAME.get(kind);
  const group = groupOf(apiVersion);
  if (!info || !info.groups.includes(group)) {
    const key = info ? `${kind} (${apiVersion})` : kind;
    snapshot.unknownKinds[key] = (snapshot.unknownKinds[key] ?? 0) + 1;
    if (info) {
      warnOnce(snapshot, `api:${kind}:${apiVersion}`, {
        code: 'unknown-api-version',
        ...origin,
        message: `${where(origin)}${kind} in unknown apiVersion "${apiVersion}" (expected ${info.groups
          .map((g) => (g ? `${g}/…` : 'v1'))
          .join(' or ')}); objects of it are ignored`,
      });
    }
    return;
  }
  const meta = obj.metadata;
  if (!isObject(meta) || typeof meta.name !== 'string' || meta.name === '') {
    snapshot.warnings.push({
      code: 'invalid-object',
      ...origin,
      message: `${where(origin)}${kind} has no metadata.name; skipped`,
    });
    return;
  }
  if (obj.spec !== undefined && obj.spec !== null && !isObject(obj.spec)) {
    snapshot.warnings.push({
      code: 'invalid-object',
      ...origin,
      message: `${where(origin)}${kind} ${meta.name}: "spec" is ${describeValue(obj.spec)}, not a mapping; skipped`,
    });
    return;
  }
  if (meta.namespace !== undefined && typeof meta.namespace !== 'string')
    meta.namespace = String(meta.namespace);
  if (info.namespaced && !meta.namespace) meta.namespace = options.defaultNamespace ?? 'default';
  if (!info.namespaced && meta.namespace !== undefined) delete meta.namespace;
  if (meta.labels !== undefined) meta.labels = stringMap(meta.labels);
  if (meta.annotations !== undefined) meta.annotations = stringMap(meta.annotations);
  let value: Json = obj;
  if (
    kind === 'Ingress' &&
    (apiVersion === 'extensions/v1beta1' || apiVersion === 'networking.k8s.io/v1beta1')
  ) {
    value = ingressV1beta1ToV1(obj);
  }
  if (value !== obj) {
    warnOnce(snapshot, `api:${kind}:${apiVersion}`, {
      code: 'deprecated-api-version',
      ...origin,
      message: `${where(origin)}${kind} uses removed apiVersion "${apiVersion}"; read as networking.k8s.io/v1 (migrate: kubectl convert)`,
    });
  }
  addTyped(snapshot, info, value);
  if (origin && snapshot.origins.get(value) !== origin) snapshot.origins.set(value, origin);
}

function addTyped(snapshot: ClusterSnapshot, info: KindInfo, obj: Json): void {
  // The shape was checked above as far as the graph relies on it; the API types are structural.
  (snapshot[info.key] as unknown[]).push(obj);
}

/** extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress → v1 (serviceName/servicePort → service.name/port). */
function ingressV1beta1ToV1(obj: Json): Json {
  const convertBackend = (b: unknown): unknown => {
    if (!isObject(b)) return b;
    if (b.service !== undefined || b.resource !== undefined) return b;
    const port = b.servicePort;
    return {
      service: {
        name: b.serviceName,
        port:
          typeof port === 'number' || /^\d+$/.test(String(port)) ? { number: Number(port) } : { name: port },
      },
    };
  };
  const spec = isObject(obj.spec) ? obj.spec : {};
  const rules = Array.isArray(spec.rules)
    ? spec.rules.map((r) => {
        if (!isObject(r) || !isObject(r.http) || !Array.isArray(r.http.paths)) return r;
        return {
          ...r,
          http: {
            ...r.http,
            paths: r.http.paths.map((p) =>
              isObject(p)
                ? {
                    ...p,
                    pathType: p.pathType ?? 'ImplementationSpecific',
                    backend: convertBackend(p.backend),
                  }
                : p,
            ),
          },
        };
      })
    : spec.rules;
  const newSpec: Json = { ...spec, rules };
  if (spec.backend !== undefined && spec.defaultBackend === undefined) {
    newSpec.defaultBackend = convertBackend(spec.backend);
    delete newSpec.backend;
  }
  if (rules === undefined) delete newSpec.rules;
  return { ...obj, apiVersion: 'networking.k8s.io/v1', spec: newSpec };
}

/**
 * A snapshot from plain objects (manifests, API items, test fixtures). `origins` maps objects (and List
 * items) to file:line; the snapshot keeps them. Not live: template pods of workloads stand in for pods.
 */
export function snapshotFromObjects(
  objects: unknown[],
  origins?: WeakMap<object, Origin>,
  options: AddOptions & { live?: boolean } = {},
): ClusterSnapshot {
  const snapshot = emptySnapshot(options.live ?? false);
  for (const obj of objects) {
    const origin = typeof obj === 'object' && obj !== null ? origins?.get(obj) : undefined;
    addObject(snapshot, obj, origin, options, origins);
  }
  return snapshot;
}
