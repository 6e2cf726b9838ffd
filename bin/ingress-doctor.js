#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled TypeScript (npm run build).
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`ingress-doctor: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 70;
  },
);
