import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

const MAIN = path.resolve(import.meta.dirname, '../../../src/lab/api/main.js');

function runMain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

// The process entry point's input errors (the happy path runs in real-lab.test.ts, which needs root).
describe('lab API main.js', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('explains bad arguments with exit 2', async () => {
    const none = await runMain([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--state is required/);
    const listen = await runMain(['--state', '/nonexistent', '--listen', 'nowhere']);
    assert.equal(listen.code, 2);
    assert.match(listen.stderr, /--listen wants ADDR:PORT/);
  });

  it('names the file when the objects cannot be loaded', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lab-main-'));
    dirs.push(dir);
    const missing = await runMain(['--state', dir]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, new RegExp(`cannot load objects: .*${path.join(dir, 'objects.json')}`));
    await writeFile(path.join(dir, 'objects.json'), '{"kind": "List", "items": [}');
    const broken = await runMain(['--state', dir]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /not a JSON or YAML object list/);
    await writeFile(path.join(dir, 'objects.json'), '{"apiVersion": "v1", "kind": "List", "items": []}');
    const noCreds = await runMain(['--state', dir]);
    assert.equal(noCreds.code, 2);
    assert.match(noCreds.stderr, /cannot read the API credentials/);
  });
});
