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
