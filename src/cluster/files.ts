/**
 * FileSource: manifests from files, directories (recursive, sorted, .yaml/.yml/.json) and stdin ("-").
 * Every unreadable input is a SourceWarning with file (and line); `isInputError` tells which of them
 * make the input unusable (audit exits 2 on those unless --keep-going).
 */
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { WORKER_MIN_BYTES } from './line-index.js';
import { addObject, parseManifestBytes } from './parse.js';
import {
  type ClusterSnapshot,
  type ClusterSource,
  emptySnapshot,
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

/**
 * A large file's bytes in a SharedArrayBuffer, so that a worker can count its lines while this thread parses
 * (line-index.ts). The size is the one stat gave: a file still being written is read as far as that.
 */
async function readShared(file: string, size: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.from(new SharedArrayBuffer(size));
    let length = 0;
    while (length < size) {
      const { bytesRead } = await fh.read(buf, length, size - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return length === size ? buf : buf.subarray(0, length);
  } finally {
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
      const bytes = await this.readBytes(f, limit, snapshot.warnings);
      if (bytes === undefined) continue;
      const parsed = parseManifestBytes(bytes, f.name, { origins: snapshot.origins });
      snapshot.warnings.push(...parsed.warnings);
      for (const obj of parsed.objects) {
        const origin = typeof obj === 'object' && obj !== null ? parsed.origins.get(obj) : undefined;
        // -n with files is the namespace for objects that name none, as with `kubectl apply -n`.
        addObject(snapshot, obj, origin, { defaultNamespace: scope.namespace }, parsed.origins);
      }
    }
    return snapshot;
  }

  /** The file's bytes, or undefined with a warning. */
  private async readBytes(
    f: FileInput,
    limit: number,
    warnings: SourceWarning[],
  ): Promise<Buffer | undefined> {
    let bytes: Buffer | 'too-large';
    try {
      if (f.path === undefined) {
        bytes = this.options.stdin ? await readStream(this.options.stdin, limit) : Buffer.alloc(0);
      } else {
        const st = await stat(f.path);
        bytes =
          st.size > limit
            ? 'too-large'
            : st.size >= WORKER_MIN_BYTES
              ? await readShared(f.path, st.size)
              : await readFile(f.path);
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
    return bytes;
  }
}
