#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled TypeScript (npm run build).
import { main } from '../dist/src/cli/main.js';

// A reader that goes away (`ingress-doctor … | head`) is not an error of ours: stop quietly, like other CLIs.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`ingress-doctor: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 70;
  },
);
