/**
 * The fast path for YAML documents that use none of YAML's reference machinery: no anchors, aliases, tags,
 * merge keys or directives, which covers `kubectl get -o yaml` and nearly every manifest. js-yaml with the core
 * schema reads those about ten times faster than the `yaml` library; the general path (parse.ts) keeps the
 * `yaml` library for everything else: alias-bomb limits, `<<` merge keys, and error messages with positions.
 *
 *   const doc = fastYamlDocument(chunk);   // one document's text
 *   doc === undefined  → take the general path (also for anything this path is not sure about)
 *   doc === 'empty'    → nothing in it
 *   doc.value, doc.line (first content line, 1-based), doc.itemLines (a List's or top-level sequence's entries)
 *
 * Both paths give the same values: YAML 1.2 core schema (`yes`/`on` stay strings, timestamps stay strings).
 */
import { createRequire } from 'node:module';

type JsYaml = typeof import('js-yaml');
let jsYamlLibrary: JsYaml | undefined;

/** js-yaml, loaded on the first YAML document (~13 ms that JSON input never pays). */
function jsYaml(): JsYaml {
  jsYamlLibrary ??= createRequire(import.meta.url)('js-yaml') as JsYaml;
  return jsYamlLibrary;
}

export interface FastYamlDocument {
  value: unknown;
  /** Line (1-based, in the document's text) where the content starts. */
  line: number;
  /** Lines of the entries of `items` (a List) or of a top-level sequence, when the value has them. */
  itemLines?: number[];
}

/**
 * Anything that may be an anchor, alias or tag (an `&`, `*` or `!` starting a token), a merge key, a directive,
 * content on the `---` line, or a complex key (`? …`): the general path then decides. Over-matching (e.g. "* item" in a block
 * scalar) only costs speed.
 */
const NEEDS_FULL_PARSER =
  /(?:^|[\s,[{])[&*!](?=[^\s,\]}])|<<[ \t]*:|^%|^---[ \t]*[^\s#]|^[ \t-]*\?(?:[ \t]|$)/m;

/** The text may use anchors, aliases, tags, merge keys or directives (see NEEDS_FULL_PARSER). */
export function needsFullYamlParser(text: string): boolean {
  return NEEDS_FULL_PARSER.test(text);
}

/** A document's value via js-yaml, or undefined when the general path must read it. */
export function fastYamlDocument(text: string): FastYamlDocument | 'empty' | undefined {
  if (NEEDS_FULL_PARSER.test(text)) return undefined;
  let value: unknown;
  try {
    const lib = jsYaml();
    value = lib.load(text, { schema: lib.CORE_SCHEMA });
  } catch {
    return undefined; // the general path reports the error with its position
  }
  if (value === null || value === undefined) return 'empty';
  const lines = new Lines(text);
  const first = lines.firstContent();
  if (first === undefined) return undefined;
  const doc: FastYamlDocument = { value, line: first.line };
  let items: unknown[] | undefined;
  let from: number | undefined;
  if (Array.isArray(value)) {
    items = value;
    from = first.start;
  } else if (typeof value === 'object' && Array.isArray((value as { items?: unknown }).items)) {
    items = (value as { items: unknown[] }).items;
    if (items.length === 0) return doc;
    from = lines.rootKey('items');
    if (from === undefined) return undefined;
    from = lines.next(from);
  }
  if (items !== undefined && items.length === 0) items = undefined; // no entries to place
  if (items !== undefined && from !== undefined) {
    const entries = lines.sequenceEntries(from);
    // Lines only when every entry was found where the value says: otherwise the general path, which knows.
    if (entries === undefined || entries.length !== items.length) return undefined;
    doc.itemLines = entries;
  }
  return doc;
}

/** Walks the lines of a text by offset, without splitting it. */
class Lines {
  constructor(private readonly text: string) {}

  /** Offset of the line after the one starting at `start` (text.length at the end). */
  next(start: number): number {
    const nl = this.text.indexOf('\n', start);
    return nl < 0 ? this.text.length : nl + 1;
  }

  /** 1-based line number of an offset. */
  lineOf(offset: number): number {
    let line = 1;
    for (let nl = this.text.indexOf('\n'); nl >= 0 && nl < offset; nl = this.text.indexOf('\n', nl + 1))
      line++;
    return line;
  }

  /** Spaces before the first other character of the line at `start`, and that character's code (-1: line end). */
  private shape(start: number): { indent: number; first: number } {
    let i = start;
    while (this.text.charCodeAt(i) === 0x20) i++;
    const c = i < this.text.length ? this.text.charCodeAt(i) : -1;
    return { indent: i - start, first: c === 0x0a || c === 0x0d ? -1 : c };
  }

  /** Blank (spaces and tabs), or only a comment. */
  private isEmpty(start: number): boolean {
    let i = start;
    for (let c = this.text.charCodeAt(i); c === 0x20 || c === 0x09; c = this.text.charCodeAt(++i));
    const c = i < this.text.length ? this.text.charCodeAt(i) : -1;
    return c === -1 || c === 0x0a || c === 0x0d || c === 0x23;
  }

  /** The first line holding content: not blank, not a comment, not the document marker. */
  firstContent(): { start: number; line: number } | undefined {
    let line = 1;
    for (let start = 0; start < this.text.length; start = this.next(start), line++) {
      if (this.isEmpty(start)) continue;
      if (this.text.startsWith('---', start)) continue; // nothing after it on the line (checked by the caller)
      return { start, line };
    }
    return undefined;
  }

  /** Offset of the line `key:` at column 0 (a key of the root mapping) with nothing after it. */
  rootKey(key: string): number | undefined {
    const m = new RegExp(`^${key}:[ \\t]*(?:#[^\\n]*)?\\r?$`, 'm').exec(this.text);
    return m ? m.index : undefined;
  }

  /**
   * Lines of the entries of the block sequence that starts at or after `from`: lines of the first entry's
   * indentation that begin with "- " and content on the same line. undefined when the shape is unusual (an
   * entry with its content on the next line, or a flow sequence).
   */
  sequenceEntries(from: number): number[] | undefined {
    const out: number[] = [];
    let indent = -1;
    let line = this.lineOf(from);
    for (let start = from; start < this.text.length; start = this.next(start), line++) {
      if (this.isEmpty(start)) continue;
      const s = this.shape(start);
      if (indent < 0) {
        if (s.first !== 0x2d) return out; // not a block sequence (e.g. "items: []" on its line): no entries
        indent = s.indent;
      }
      if (s.indent < indent) break;
      if (s.indent > indent) continue; // inside an entry
      if (s.first !== 0x2d) break; // the next key of the mapping around the sequence
      const after = this.text.charCodeAt(start + indent + 1);
      const content = this.text.charCodeAt(start + indent + 2);
      if (after !== 0x20 || Number.isNaN(content) || content === 0x20 || content === 0x23) return undefined;
      if (content === 0x0a || content === 0x0d) return undefined;
      out.push(line);
    }
    return out;
  }
}
