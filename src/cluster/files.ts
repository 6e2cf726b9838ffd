/**
 * FileSource: manifests from files, directories (recursive, sorted, .yaml/.yml/.json), stdin ("-"), FIFOs and
 * character devices, each read as a stream (manifest-stream.ts) and reduced object by object to what the checks
 * read (reduce.ts): no size limit but the machine's memory for the objects kept. Every unreadable input is a
 * SourceWarning with file (and line); `isInputError` tells which of them make the input unusable (audit exits 2
 * on those unless --keep-going). What an input gave before an error in it stays read.
 *
 *   const source = new FileSource(['dump.json', '-'], { stdin: process.stdin, onProgress: (s) => … });
 *   const snapshot = await source.read({ allNamespaces: false });
 */
import { createReadStream, type Dirent, type Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ManifestStream } from './manifest-stream.js';
import { SnapshotSink } from './parse.js';
import { reduceObject } from './reduce.js';
import { SkippedCheck } from './skipped-check.js';
import {
  type ClusterSnapshot,
  type ClusterSource,
  emptySnapshot,
  type ReadScope,
  type ReadStatus,
  type SourceWarning,
} from './types.js';

/** Warnings that mean an input could not be read (wholly or from some line on), as opposed to objects skipped. */
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
const MAX_DIR_DEPTH = 64;
/** Bytes per read: large enough that per-chunk costs vanish, small enough to show progress. */
const CHUNK_BYTES = 1 << 20;

export interface FileSourceOptions {
  /** Read for "-". */
  stdin?: NodeJS.ReadableStream;
  /** Largest single document or JSON value (not List) accepted; default 256 MB. */
  maxDocumentBytes?: number;
  /** Keep only what the checks read (default true); false keeps objects whole (tests compare the two). */
  reduce?: boolean;
  /** Called as the read goes on (after each chunk read). */
  onProgress?: (status: ReadStatus) => void;
}

export interface FileInput {
  /** The name messages use: the path as given (relative paths stay relative), or "<stdin>". */
  name: string;
  /** Absolute path, undefined for stdin. */
  path?: string;
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
      let entries: Dirent[];
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
        // Inside directories only regular files: a FIFO or device there would block or never end.
        if (isDir) await walk(full, name, depth + 1);
        else if (isFile && MANIFEST_EXT.test(e.name)) out.push({ name, path: path.resolve(full) });
      }
    };
    for (const p of this.paths) {
      if (p === '-') {
        out.push({ name: '<stdin>' });
        continue;
      }
      let st: Stats;
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
      else if (st.isSocket()) {
        warnings.push({ code: 'read-error', file: p, message: `${p}: a socket, not a file; skipped` });
      }
      // A file named explicitly is read whatever its extension; FIFOs and devices as streams, like stdin.
      else out.push({ name: p, path: path.resolve(p) });
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
    const sink = new SnapshotSink(snapshot, {
      // -n with files is the namespace for objects that name none, as with `kubectl apply -n`.
      defaultNamespace: scope.namespace,
      reduce: this.options.reduce !== false,
    });
    // Members the reduction drops are cut from pretty-printed JSON unparsed; this checks that they parse.
    const skipped = this.options.reduce !== false ? new SkippedCheck() : undefined;
    for (const f of this.files) await this.readOne(f, sink, snapshot, skipped);
    if (skipped) snapshot.warnings.push(...(await skipped.results()));
    return snapshot;
  }

  /** Stream one input into the snapshot. */
  private async readOne(
    f: FileInput,
    sink: SnapshotSink,
    snapshot: ClusterSnapshot,
    skipped: SkippedCheck | undefined,
  ): Promise<void> {
    const stream = new ManifestStream(f.name, sink, {
      origins: snapshot.origins,
      maxDocumentBytes: this.options.maxDocumentBytes,
      cutDropped: skipped !== undefined,
      onSkipped: skipped ? (bytes, line) => skipped.add(f.name, bytes, line) : undefined,
      compact: skipped ? (v) => structuredClone(reduceObject(v as object)) : undefined,
    });
    const progress = this.options.onProgress;
    let size: number | undefined;
    let input: NodeJS.ReadableStream | undefined;
    let opened = false;
    try {
      if (f.path === undefined) {
        input = this.options.stdin;
        opened = true;
      } else {
        const st = await stat(f.path);
        if (st.isFile()) size = st.size;
        const fileStream = createReadStream(f.path, { highWaterMark: CHUNK_BYTES });
        // Opening a FIFO waits for a writer: say so rather than hang silently.
        if (!st.isFile())
          progress?.({ input: f.name, bytes: 0, objects: sink.objects, waiting: 'waiting for data' });
        fileStream.once('open', () => {
          opened = true;
        });
        input = fileStream;
      }
      if (input) {
        for await (const chunk of input) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
          stream.feed(bytes);
          progress?.({ input: f.name, bytes: stream.bytes, size, objects: sink.objects });
          if (stream.failed) break;
        }
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      snapshot.warnings.push({
        code: 'read-error',
        file: f.name,
        message: `${f.name}: ${opened ? 'read failed' : 'cannot open'}: ${e.code === 'EISDIR' ? 'is a directory' : e.message}`,
      });
    } finally {
      if (input && f.path !== undefined) (input as unknown as { destroy(): void }).destroy();
    }
    stream.end();
    sink.finish();
  }
}
