/**
 * The floor the audit benchmark measures against: a bare Node process that reads a file and parses it, nothing
 * else (no reduction, no graph, no checks, no output), keeping what it parsed until it exits as audit does.
 *
 *   node dist/bench/floor.js json FILE    # readFileSync + JSON.parse
 *   node dist/bench/floor.js yaml FILE    # readFileSync + js-yaml load (core schema, as audit reads YAML)
 *
 * JSON beyond 256 MB is parsed in pieces of at most 256 MB cut between the items of its List (V8 strings end near
 * 512 MB, so no process can JSON.parse such a file at once); the pieces are found with Buffer.indexOf, as cheap
 * as it gets. Prints the object count.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const PIECE = 256 * 1024 * 1024;

/** Item boundaries as the benchmark writes Lists (bench/synthetic.ts: items at 8 spaces). */
const SEPARATOR = Buffer.from('},\n        {\n');

function jsonFloor(file: string): number {
  const buf = readFileSync(file);
  if (buf.length <= PIECE) {
    const v = JSON.parse(buf.toString('utf8')) as { items?: unknown[] };
    keep.push(v);
    return v.items?.length ?? 1;
  }
  const open = buf.indexOf('"items": [') + '"items": ['.length;
  const close = buf.lastIndexOf('\n    ]');
  let count = 0;
  for (let from = open; from < close; ) {
    let to = buf.indexOf(SEPARATOR, Math.min(from + PIECE - SEPARATOR.length, close));
    to = to < 0 || to >= close ? close : to + 1;
    const items = JSON.parse(`[${buf.toString('utf8', from, to)}]`) as unknown[];
    keep.push(items);
    count += items.length;
    from = to < close ? to + 1 : close;
  }
  return count;
}

function yamlFloor(file: string): number {
  const jsYaml = createRequire(import.meta.url)('js-yaml') as typeof import('js-yaml');
  const docs = jsYaml.loadAll(readFileSync(file, 'utf8'), undefined, { schema: jsYaml.CORE_SCHEMA });
  keep.push(docs);
  return docs.reduce<number>((n, d) => n + (((d as { items?: unknown[] })?.items?.length ?? 0) || 1), 0);
}

const keep: unknown[] = [];
const [format, file] = process.argv.slice(2);
if (!file || (format !== 'json' && format !== 'yaml')) {
  process.stderr.write('usage: node dist/bench/floor.js json|yaml FILE\n');
  process.exitCode = 2;
} else {
  process.stdout.write(`${format === 'json' ? jsonFloor(file) : yamlFloor(file)}\n`);
}
