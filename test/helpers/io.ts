import { Readable, Writable } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';

/** A CliIO that records stdout/stderr, for calling main() in-process. */
export function captureIO(
  stdinText = '',
  env: NodeJS.ProcessEnv = {},
): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: new Writable({
      write(chunk, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    }),
    stderr: new Writable({
      write(chunk, _enc, cb) {
        err += chunk.toString();
        cb();
      },
    }),
    stdin: Readable.from([stdinText]),
    env,
    out: () => out,
    err: () => err,
  };
}

/** A stderr that says it is a terminal, recording what is written to it (for progress lines). */
export function ttyStream(): NodeJS.WritableStream & { isTTY: true; columns: number; text: () => string } {
  let text = '';
  return Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    }),
    { isTTY: true as const, columns: 100, text: () => text },
  );
}
