/**
 * audit at any size, through the real CLI in child processes: streams past the old 256 MB limit, memory of a
 * 1 GB stream, malformed input deep in a large one, devices and FIFOs. Streams are generated on the fly and
 * piped (bench/synthetic.ts), never written to disk.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { clusterCopies, clusterText } from '../../bench/synthetic.js';
import { main } from '../../src/cli/main.js';
import { captureIO, ttyStream } from '../helpers/io.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'bin/ingress-doctor.js');

interface Finding {
  check: string;
  cause: string;
  severity: string;
  object: { kind: string; namespace?: string; name: string; file?: string; line?: number };
  route?: string;
  message: string;
}

interface Run {
  code: number | null;
  out: string;
  err: string;
  /** Peak RSS of the audit process, MB. */
  rssMB: number;
}

/** `audit ARGS` in a child process, stdin fed from `input` (pieces of text), with its peak RSS. */
async function audit(args: string[], input?: AsyncIterable<string>, dir?: string): Promise<Run> {
  const tmp = dir ?? mkdtempSync(path.join(os.tmpdir(), 'audit-large-'));
  const hook = path.join(tmp, 'rss.cjs');
  const rssFile = path.join(tmp, `rss-${process.hrtime.bigint()}.json`);
  writeFileSync(
    hook,
    "process.on('exit', () => require('fs').writeFileSync(process.env.RSS_FILE, JSON.stringify(process.resourceUsage())));\n",
  );
  try {
    const child = spawn(process.execPath, ['-r', hook, BIN, 'audit', ...args], {
      env: { ...process.env, RSS_FILE: rssFile, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.on('error', () => {}); // audit may stop reading early (a fatal input error)
    if (input) {
      for await (const piece of input) {
        if (child.stdin.destroyed) break;
        if (!child.stdin.write(piece)) {
          await new Promise<void>((resolve) => {
            child.stdin.once('drain', resolve);
            child.stdin.once('close', resolve);
          });
        }
      }
    }
    child.stdin.end();
    const code = await exited;
    const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as NodeJS.ResourceUsage;
    return { code, out, err, rssMB: usage.maxRSS / 1024 };
  } finally {
    if (!dir) rmSync(tmp, { recursive: true, force: true });
  }
}

/** Objects a JSON report counts, all kinds together. */
function objects(out: string): number {
  const counts = (JSON.parse(out) as { counts: { objects: Record<string, number> } }).counts.objects;
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Findings without where they were read (halves have other files and lines). */
function unplaced(out: string): unknown[] {
  const report = JSON.parse(out) as { findings: (Finding & { related?: Finding['object'][] })[] };
  const strip = (o: Finding['object']) => ({ ...o, file: undefined, line: undefined });
  return report.findings.map((f) => ({
    ...f,
    object: strip(f.object),
    ...(f.related ? { related: f.related.map(strip) } : {}),
  }));
}

describe('audit: inputs of any size', () => {
  it('a stream of more than 256 MB gives the findings of its two halves together', async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-halves-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const scale = 1.5; // 150,000 objects, 276 MB as kubectl prints them
    let bytes = 0;
    const counted = async function* (pieces: AsyncIterable<string>) {
      for await (const p of pieces) {
        bytes += p.length;
        yield p;
      }
    };
    const whole = await audit(['-f', '-', '-o', 'json'], counted(clusterText(scale, 'json')), dir);
    assert.ok(bytes > 256 * 1024 * 1024, `${bytes} bytes`);
    assert.equal(whole.code, 1, whole.err);
    // The halves through two FIFOs, read one after the other as `-f a -f b`.
    const [a, b] = ['a.json', 'b.json'].map((f) => path.join(dir, f));
    for (const f of [a, b]) assert.equal(spawnSync('mkfifo', [f]).status, 0);
    const half = 75_000;
    const feed = async (fifo: string, from: number, to: number) => {
      const { createWriteStream } = await import('node:fs');
      const out = createWriteStream(fifo);
      for await (const p of clusterText(scale, 'json', { from, to })) {
        if (!out.write(p)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      await new Promise<void>((resolve) => out.end(() => resolve()));
    };
    const writers = Promise.all([feed(a, 0, half), feed(b, half, Number.POSITIVE_INFINITY)]);
    const halves = await audit(['-f', a, '-f', b, '-o', 'json'], undefined, dir);
    await writers;
    assert.equal(halves.code, 1, halves.err);
    const w = unplaced(whole.out);
    assert.ok(w.length > 10_000, `${w.length} findings`);
    assert.deepEqual(unplaced(halves.out), w);
  });

  it('a 1 GB stream is read in bounded memory', async () => {
    let bytes = 0;
    const counted = async function* () {
      for await (const p of clusterCopies(0.1, 15, { served: true })) {
        bytes += p.length;
        yield p;
      }
    };
    const r = await audit(['-f', '-', '-o', 'json'], counted());
    assert.ok(bytes >= 1024 * 1024 * 1024, `${bytes} bytes`);
    assert.equal(r.code, 1, r.err);
    assert.ok(objects(r.out) > 150_000, `${objects(r.out)} objects`);
    // The exact figure is in docs/benchmarks.md; a reader holding the input would need several GB.
    assert.ok(r.rssMB < 1024, `peak RSS ${r.rssMB.toFixed(0)} MB`);
  });

  it('malformed input deep in a large stream is reported with its line; --keep-going keeps what came before', async () => {
    // 0.5 of the cluster as kubectl prints it, with a stray character after 90 % of it.
    const pieces: string[] = [];
    for await (const p of clusterText(0.5, 'json')) pieces.push(p);
    const text = pieces.join('');
    const at = text.indexOf('\n        {\n', Math.floor(text.length * 0.9));
    const broken = `${text.slice(0, at)} x${text.slice(at)}`;
    const line = text.slice(0, at).split('\n').length;
    const gen = async function* () {
      for (let i = 0; i < broken.length; i += 1 << 20) yield broken.slice(i, i + (1 << 20));
    };
    const strict = await audit(['-f', '-', '-o', 'json'], gen());
    assert.equal(strict.code, 2);
    assert.match(strict.err, new RegExp(`error: <stdin>:${line}: invalid JSON`));
    assert.equal(strict.out, '', 'no report without --keep-going');
    const going = await audit(['-f', '-', '-o', 'json', '--keep-going'], gen());
    assert.equal(going.code, 2, 'unreadable input still exits 2');
    assert.match(going.err, new RegExp(`error: <stdin>:${line}: invalid JSON`));
    assert.ok(objects(going.out) > 40_000, `${objects(going.out)} objects read before the error`);
    // Exactly the findings of what came before: the same List closed just before the error.
    const prefix = `${text.slice(0, at - 1)}\n    ],\n    "kind": "List"\n}\n`; // without the "," before the item
    const before = await audit(
      ['-f', '-', '-o', 'json'],
      (async function* () {
        yield prefix;
      })(),
    );
    assert.ok(before.code === 0 || before.code === 1, before.err);
    const findings = (out: string) => (JSON.parse(out) as { findings: Finding[] }).findings;
    assert.ok(findings(before.out).length > 0);
    assert.deepEqual(findings(going.out), findings(before.out));
  });
});

describe('audit: devices, FIFOs and progress', () => {
  it('refuses a character device of binary data at once (exit 2), and reads text devices as streams', async () => {
    const zero = await audit(['-f', '/dev/zero']);
    assert.equal(zero.code, 2);
    assert.match(zero.err, /\/dev\/zero: binary data \(NUL bytes\), not YAML or JSON/);
    assert.ok(zero.rssMB < 300, `peak RSS ${zero.rssMB.toFixed(0)} MB`);
    const empty = await audit(['-f', '/dev/null', '-o', 'json']);
    assert.equal(empty.code, 0, empty.err);
  });

  it('reads a FIFO named with -f as a stream', async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-fifo-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const fifo = path.join(dir, 'in.yaml');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const writer = (async () => {
      const { createWriteStream } = await import('node:fs');
      const out = createWriteStream(fifo);
      out.write('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n');
      await new Promise((r) => setTimeout(r, 200));
      out.end('spec:\n  selector: {app: web}\n  ports: [{port: 80}]\n');
    })();
    const r = await audit(['-f', fifo, '-o', 'json'], undefined, dir);
    await writer;
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).counts.objects, { Service: 1 });
  });

  it('shows bytes and objects read on a TTY once the read takes a moment, and nothing on a pipe', async () => {
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }],
    });
    // stdin that takes half a second to end, as a slow pipe or a long file would.
    const slow = () =>
      Readable.from(
        (async function* () {
          yield text;
          await new Promise((r) => setTimeout(r, 600));
        })(),
      );
    const tty = captureIO('', {});
    tty.stdin = slow();
    const stderr = ttyStream();
    tty.stderr = stderr;
    assert.equal(await main(['audit', '-f', '-', '-o', 'json'], tty), 0);
    assert.match(stderr.text(), /reading <stdin>: \d+ KB, 1 object/);
    assert.ok(stderr.text().endsWith('\r\u001b[2K'), 'the line is cleared at the end');
    const pipe = captureIO('', {});
    pipe.stdin = slow();
    assert.equal(await main(['audit', '-f', '-', '-o', 'json'], pipe), 0);
    assert.equal(pipe.err(), '');
    const quick = captureIO(text, {});
    const quickErr = ttyStream();
    quick.stderr = quickErr;
    assert.equal(await main(['audit', '-f', '-', '-o', 'json'], quick), 0);
    assert.equal(quickErr.text(), '', 'a read over in a moment shows nothing');
  });
});
