/**
 * FileSource: manifests from files, directories (recursive, sorted, .yaml/.yml/.json) and stdin ("-").
 * Every unreadable input is a SourceWarning with file (and line); `isInputError` tells which of them
 * make the input unusable (audit exits 2 on those unless --keep-going).
 */
import { type FileHandle, open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { WORKER_MIN_BYTES } from './line-index.js';
import { addObject, type ParsedManifests, parseManifestBytes } from './parse.js';
import { PrettyListParser } from './pretty-list.js';
import {
  type ClusterSnapshot,
  type ClusterSource,
  emptySnapshot,
  type Origin,
  type ReadScope,
  type SourceWarning,
} from './types.js';

/** Warnings that mean an input could not be read at all (as opposed to objects we skipped). */
export const INPUT_ERROR_CODES: ReadonlySet<string> = new Set([
  'parse-error',
  'binary-file',
  'invalid-encoding',
  'not-found',
  'read-error',
  'too-large',
]);

export function isInputError(w: SourceWarning): boolean {
  return INPUT_ERROR_CODES.has(w.code);
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;
/** Larger files are refused with a warning: V8 strings end near 512 MB and the parse would need several GB. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
const MAX_DIR_DEPTH = 64;

export interface FileSourceOptions {
  /** Read for "-". */
  stdin?: NodeJS.ReadableStream;
  maxFileBytes?: number;
}

export interface FileInput {
  /** The name messages use: the path as given (relative paths stay relative), or "<stdin>". */
  name: string;
  /** Absolute path, undefined for stdin. */
  path?: string;
}

async function readStream(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += b.length;
    if (size > limit) return 'too-large';
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Read file bytes [from, to) into buf at the same offsets; resolves to the offset reached (less at EOF). */
async function readRange(fh: FileHandle, buf: Buffer, from: number, to: number): Promise<number> {
  let at = from;
  while (at < to) {
    const { bytesRead } = await fh.read(buf, at, to - at, at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return at;
}

/** The head parsed while the rest is read: parsing runs at about a tenth of the speed of reading. */
const HEAD_FRACTION = 0.1;
const HEAD_MIN_BYTES = 4 * 1024 * 1024;

/**
 * A large file, read and parsed at once: its bytes go into a SharedArrayBuffer (a worker counts their lines,
 * line-index.ts) in two reads started together, and the items of the head are parsed while the rest is still
 * being read. The size is the one stat gave: a file still being written is read as far as that.
 */
async function parseLargeFile(
  file: string,
  name: string,
  size: number,
  origins: WeakMap<object, Origin>,
): Promise<ParsedManifests> {
  const buf = Buffer.from(new SharedArrayBuffer(size));
  const fh = await open(file, 'r');
  const head = Math.min(size, Math.max(HEAD_MIN_BYTES, Math.floor(size * HEAD_FRACTION)));
  const rest = readRange(fh, buf, head, size);
  try {
    const headEnd = await readRange(fh, buf, 0, head);
    const list = buf[0] === 0x7b ? new PrettyListParser(buf, name, origins) : undefined;
    const onTrack = headEnd === head && list !== undefined && list.feed(head);
    const end = headEnd < head ? headEnd : await rest;
    if (onTrack && end === size && list.finish()) return list.result;
    return parseManifestBytes(buf.subarray(0, end), name, { origins, prettyList: false });
  } finally {
    await rest.catch(() => {});
    await fh.close();
  }
}

export class FileSource implements ClusterSource {
  readonly paths: string[];
  private readonly options: FileSourceOptions;
  /** Files actually read by the last read(), in order (for the report's description). */
  files: FileInput[] = [];

  constructor(paths: string[], options: FileSourceOptions = {}) {
    this.paths = paths;
    this.options = options;
  }

  describe(): string {
    if (this.paths.length === 1 && this.paths[0] === '-') return 'stdin';
    const n = this.files.length;
    const given = this.paths.join(', ');
    return n === 0 || (n === this.paths.length && !this.paths.includes('-'))
      ? `${n === 1 ? 'file' : 'files'} ${given}`
      : `${given} (${n} file${n === 1 ? '' : 's'})`;
  }

  /** Expand the given paths into files: directories recursively, sorted, manifest extensions only. */
  async expand(warnings: SourceWarning[]): Promise<FileInput[]> {
    const out: FileInput[] = [];
    const seen = new Set<string>();
    const walk = async (dir: string, shown: string, depth: number): Promise<void> => {
      if (depth > MAX_DIR_DEPTH) return;
      let real: string;
      try {
        real = await realpath(dir);
      } catch {
        return;
      }
      if (seen.has(real)) return; // symlink loop
      seen.add(real);
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        warnings.push({
          code: 'read-error',
          file: shown,
          message: `${shown}: cannot read directory: ${(err as Error).message}`,
        });
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (e.name.startsWith('.')) continue; // .git and friends
        const full = path.join(dir, e.name);
        const name = path.join(shown, e.name);
        let isDir = e.isDirectory();
        let isFile = e.isFile();
        if (e.isSymbolicLink()) {
          try {
            const st = await stat(full);
            isDir = st.isDirectory();
            isFile = st.isFile();
          } catch {
            continue; // dangling link
          }
        }
        if (isDir) await walk(full, name, depth + 1);
        else if (isFile && MANIFEST_EXT.test(e.name)) out.push({ name, path: path.resolve(full) });
      }
    };
    for (const p of this.paths) {
      if (p === '-') {
        out.push({ name: '<stdin>' });
        continue;
      }
      let st: import('node:fs').Stats;
      try {
        st = await stat(p);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        warnings.push({
          code: code === 'ENOENT' ? 'not-found' : 'read-error',
          file: p,
          message: code === 'ENOENT' ? `${p}: no such file or directory` : `${p}: ${(err as Error).message}`,
        });
        continue;
      }
      if (st.isDirectory()) await walk(p, p, 0);
      else out.push({ name: p, path: path.resolve(p) }); // a file named explicitly is read whatever its extension
    }
    // The same file named twice (or a file inside a directory also given) is read once.
    const unique = new Set<string>();
    return out.filter((f) => {
      if (f.path === undefined) return true;
      if (unique.has(f.path)) return false;
      unique.add(f.path);
      return true;
    });
  }

  async read(scope: ReadScope): Promise<ClusterSnapshot> {
    const snapshot = emptySnapshot(false);
    this.files = await this.expand(snapshot.warnings);
    const limit = this.options.maxFileBytes ?? MAX_FILE_BYTES;
    for (const f of this.files) {
      const parsed = await this.readAndParse(f, limit, snapshot);
      if (parsed === undefined) continue;
      snapshot.warnings.push(...parsed.warnings);
      for (const obj of parsed.objects) {
        const origin = typeof obj === 'object' && obj !== null ? parsed.origins.get(obj) : undefined;
        // -n with files is the namespace for objects that name none, as with `kubectl apply -n`.
        addObject(snapshot, obj, origin, { defaultNamespace: scope.namespace }, parsed.origins);
      }
    }
    return snapshot;
  }

  /** The file's objects, or undefined with a warning when it cannot be read. */
  private async readAndParse(
    f: FileInput,
    limit: number,
    snapshot: ClusterSnapshot,
  ): Promise<ParsedManifests | undefined> {
    const warnings = snapshot.warnings;
    let bytes: Buffer | 'too-large';
    try {
      if (f.path === undefined) {
        bytes = this.options.stdin ? await readStream(this.options.stdin, limit) : Buffer.alloc(0);
      } else {
        const st = await stat(f.path);
        if (st.size <= limit && st.size >= WORKER_MIN_BYTES) {
          return await parseLargeFile(f.path, f.name, st.size, snapshot.origins);
        }
        bytes = st.size > limit ? 'too-large' : await readFile(f.path);
      }
    } catch (err) {
      warnings.push({ code: 'read-error', file: f.name, message: `${f.name}: ${(err as Error).message}` });
      return undefined;
    }
    if (bytes === 'too-large') {
      warnings.push({
        code: 'too-large',
        file: f.name,
        message: `${f.name}: larger than ${Math.round(limit / 1024 / 1024)} MB; skipped (split it, or audit the cluster live)`,
      });
      return undefined;
    }
    return parseManifestBytes(bytes, f.name, { origins: snapshot.origins });
  }
}
