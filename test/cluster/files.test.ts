import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { FileSource, isInputError } from '../../src/cluster/files.js';

const svc = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n`;

function tree(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'h1-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'k8s/b'), { recursive: true });
  mkdirSync(path.join(dir, 'k8s/.git'), { recursive: true });
  writeFileSync(path.join(dir, 'k8s/z.yml'), svc('z'));
  writeFileSync(path.join(dir, 'k8s/a.yaml'), svc('a'));
  writeFileSync(
    path.join(dir, 'k8s/b/c.json'),
    JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'c' } }),
  );
  writeFileSync(path.join(dir, 'k8s/README.md'), '# not a manifest');
  writeFileSync(path.join(dir, 'k8s/.git/config.yaml'), svc('hidden'));
  symlinkSync(path.join(dir, 'k8s'), path.join(dir, 'k8s/b/loop'));
  return dir;
}

describe('FileSource', () => {
  it('reads directories recursively, sorted, manifest extensions only, skipping dot-dirs and symlink loops', async (t) => {
    const dir = tree(t);
    const src = new FileSource([path.join(dir, 'k8s')]);
    const s = await src.read({ allNamespaces: false });
    assert.deepEqual(s.warnings, []);
    assert.deepEqual(
      src.files.map((f) => path.relative(dir, f.name)),
      ['k8s/a.yaml', 'k8s/b/c.json', 'k8s/z.yml'],
    );
    assert.deepEqual(
      s.services.map((x) => x.metadata?.name),
      ['a', 'c', 'z'],
    );
    assert.equal(s.origins.get(s.services[1])?.file, path.join(dir, 'k8s/b/c.json'));
  });

  it('reads a file given twice (or inside a directory also given) once', async (t) => {
    const dir = tree(t);
    const src = new FileSource([
      path.join(dir, 'k8s/a.yaml'),
      path.join(dir, 'k8s'),
      path.join(dir, 'k8s/a.yaml'),
    ]);
    const s = await src.read({ allNamespaces: false });
    assert.deepEqual(
      s.services.map((x) => x.metadata?.name),
      ['a', 'c', 'z'],
    );
  });

  it('-n is the namespace of objects that name none', async (t) => {
    const dir = tree(t);
    const s = await new FileSource([path.join(dir, 'k8s/a.yaml')]).read({
      allNamespaces: false,
      namespace: 'shop',
    });
    assert.equal(s.services[0].metadata?.namespace, 'shop');
  });

  it('reads "-" from stdin', async () => {
    const src = new FileSource(['-'], { stdin: Readable.from([svc('from-stdin')]) });
    const s = await src.read({ allNamespaces: false });
    assert.equal(s.services[0].metadata?.name, 'from-stdin');
    assert.deepEqual(s.origins.get(s.services[0]), { file: '<stdin>', line: 1 });
    assert.equal(src.describe(), 'stdin');
  });

  it('reads a 100 MB kubectl-style dump file', async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'h1-big-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const big = 'x'.repeat(100 * 1024 * 1024);
    const file = path.join(dir, 'dump.json');
    const items = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'a' }, data: { k: big } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'a' } },
    ];
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: {} }, null, 4));
    const started = Date.now();
    const s = await new FileSource([file]).read({ allNamespaces: false });
    assert.deepEqual(s.warnings, []);
    assert.equal(s.configMaps[0].data?.k.length, big.length);
    assert.deepEqual(s.origins.get(s.services[0]), { file, line: 15 });
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
  });

  it('turns missing paths, binary files, malformed files and oversized documents into input errors, reading the rest', async (t) => {
    const dir = tree(t);
    writeFileSync(path.join(dir, 'k8s/bin.yaml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
    writeFileSync(path.join(dir, 'k8s/broken.json'), '{"kind": "Service",\n "metadata": {');
    writeFileSync(path.join(dir, 'huge.yaml'), `${svc('huge')}# ${'x'.repeat(4096)}\n`);
    const src = new FileSource(
      [path.join(dir, 'missing.yaml'), path.join(dir, 'k8s'), path.join(dir, 'huge.yaml')],
      { maxDocumentBytes: 2048 },
    );
    const s = await src.read({ allNamespaces: false });
    assert.deepEqual(
      s.warnings.map((w) => [w.code, path.basename(w.file ?? '')]),
      [
        ['not-found', 'missing.yaml'],
        ['binary-file', 'bin.yaml'],
        ['parse-error', 'broken.json'],
        ['too-large', 'huge.yaml'],
      ],
    );
    assert.ok(s.warnings.every(isInputError));
    assert.deepEqual(
      s.services.map((x) => x.metadata?.name),
      ['a', 'c', 'z'],
    );
  });
});
