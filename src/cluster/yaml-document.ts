/**
 * One YAML document's text → its value, with the lines of its content and of a List's entries. The readers
 * (manifest-stream.ts) split the input into documents and List entries and hand each here.
 *
 *   const out = { objects: [], origins, warnings: [] };
 *   parseYamlDocument(text, 'app.yaml', 40, out);   // text starts on line 41 of app.yaml
 *
 * Documents without anchors, aliases, tags or merge keys go through js-yaml (yaml-fast.ts), all others
 * through the `yaml` library: alias-bomb limit, `<<` merge keys, error messages with positions. Never throws:
 * errors become parse-error warnings with file and line.
 */
import { createRequire } from 'node:module';
import type { Node as YamlNode } from 'yaml';
import type { ParsedManifests } from './types.js';
import { isObject } from './types.js';
import { fastYamlDocument } from './yaml-fast.js';

export const DEFAULT_MAX_ALIAS_COUNT = 100;

type YamlLibrary = typeof import('yaml');
let yamlLibrary: YamlLibrary | undefined;

/** The yaml library, loaded on first use: loading it takes about 50 ms, and JSON input never needs it. */
function yamlLib(): YamlLibrary {
  yamlLibrary ??= createRequire(import.meta.url)('yaml') as YamlLibrary;
  return yamlLibrary;
}

/** The items of a document that lists objects: a List's `items`, or a top-level array (anything, unchecked). */
export function listItems(value: unknown): unknown {
  return Array.isArray(value) ? value : isObject(value) ? value.items : undefined;
}

export interface YamlDocumentOptions {
  /** Aliases a document may expand before it is rejected (billion-laughs guard). */
  maxAliasCount?: number;
  /** false: through the `yaml` library, never js-yaml (tests compare the two). */
  fastYaml?: boolean;
}

/** Parse one document (or, rarely, several: the yaml library splits what the reader could not). */
export function parseYamlDocument(
  text: string,
  file: string,
  base: number,
  out: ParsedManifests,
  options: YamlDocumentOptions = {},
): void {
  const maxAliasCount = options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
  // Documents without anchors, aliases, tags or merge keys (nearly all): js-yaml, ten times faster.
  const fast = options.fastYaml !== false ? fastYamlDocument(text) : undefined;
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
    const docs = parseAllDocuments(text, {
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
}
