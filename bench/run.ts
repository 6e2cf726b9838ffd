/**
 * Runs every dist/bench/*.bench.js (each default-exports `async () => markdown section`, starting with
 * "## name"), prints the sections, and with --write replaces the matching sections of docs/benchmarks.md
 * (other sections stay) under a header naming the machine.
 *
 *   npm run bench                     # all benchmarks, print only
 *   node dist/bench/run.js --write    # and record them
 *   node dist/bench/run.js audit      # only audit.bench.js
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const HERE = import.meta.dirname; // dist/bench
const ROOT = path.resolve(HERE, '../..');
const DOC = path.join(ROOT, 'docs/benchmarks.md');

export function machineLine(now = new Date()): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model?.trim() ?? 'unknown CPU';
  const mem = (os.totalmem() / 1024 ** 3).toFixed(1);
  return `Machine: ${os.availableParallelism()} CPUs (${model}), ${mem} GiB RAM, Node.js ${process.version}, ${os.type()} ${os.release()}; run ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
}

interface Section {
  heading: string;
  body: string;
}

/** Split a markdown document into its preamble and "## " sections. */
export function splitSections(doc: string): { preamble: string; sections: Section[] } {
  const parts = doc.split(/^(?=## )/m);
  const preamble = parts[0]?.startsWith('## ') ? '' : (parts.shift() ?? '');
  return {
    preamble,
    sections: parts.map((p) => ({ heading: p.split('\n', 1)[0].trim(), body: p.replace(/\s*$/, '\n') })),
  };
}

/** Replace sections with the same heading (machine line included in each), append new ones. */
export function mergeSections(doc: string, fresh: string[], machine: string): string {
  const { sections } = splitSections(doc);
  for (const text of fresh) {
    const heading = text.split('\n', 1)[0].trim();
    const [, ...rest] = text.split('\n');
    const body = `${heading}\n\n${machine}\n${rest.join('\n').replace(/^\n*/, '\n').replace(/\s*$/, '\n')}`;
    const i = sections.findIndex((s) => s.heading === heading);
    if (i >= 0) sections[i] = { heading, body };
    else sections.push({ heading, body });
  }
  const preamble =
    '# Benchmarks\n\nRecorded by `npm run bench -- --write` (bench/run.ts runs every `bench/*.bench.ts`). Each section ' +
    'names the machine it ran on; numbers from a shared or loaded machine are noisy.\n\n';
  return preamble + sections.map((s) => s.body).join('\n');
}

async function main(argv: string[]): Promise<number> {
  const write = argv.includes('--write');
  const only = argv.filter((a) => !a.startsWith('--'));
  const files = (await readdir(HERE))
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.js$/, '')))
    .sort();
  if (files.length === 0) {
    process.stderr.write(
      `bench: no benchmarks${only.length ? ` named ${only.join(', ')}` : ''} in ${HERE}\n`,
    );
    return 2;
  }
  const machine = machineLine();
  process.stdout.write(`${machine}\n\n`);
  const sections: string[] = [];
  let failed = false;
  for (const f of files) {
    const started = Date.now();
    try {
      const mod = (await import(pathToFileURL(path.join(HERE, f)).href)) as {
        default: () => Promise<string>;
      };
      const section = await mod.default();
      sections.push(section);
      process.stdout.write(`${section.trimEnd()}\n\n`);
    } catch (err) {
      failed = true;
      process.stderr.write(`bench: ${f} failed: ${(err as Error).stack ?? err}\n`);
    }
    process.stderr.write(`bench: ${f} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  if (write && sections.length > 0) {
    let doc = '';
    try {
      doc = await readFile(DOC, 'utf8');
    } catch {
      // first run
    }
    await writeFile(DOC, mergeSections(doc, sections, machine));
    process.stderr.write(`bench: wrote ${path.relative(process.cwd(), DOC)}\n`);
  }
  return failed ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`bench: ${err?.stack ?? err}\n`);
      process.exitCode = 70;
    },
  );
}
