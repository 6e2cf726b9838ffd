import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FileSource } from '../../src/cluster/files.js';
import { WORKER_MIN_BYTES } from '../../src/cluster/line-index.js';
import { parseManifests, snapshotFromObjects } from '../../src/cluster/parse.js';
import { PrettyListParser } from '../../src/cluster/pretty-list.js';

const dump = {
  apiVersion: 'v1',
  items: [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ä-ö', annotations: { note: 'grüße {\n    ]' } } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'b' },
      spec: { ports: [{ port: 1 }, { port: 2 }] },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: '{' } },
  ],
  kind: 'List',
  metadata: { resourceVersion: '' },
};

function itemLines(objects: unknown[], origins: WeakMap<object, { file: string; line: number }>) {
  const s = snapshotFromObjects(objects, origins);
  return [...s.services, ...s.configMaps].map((o) => [o.metadata?.name, s.origins.get(o)?.line]);
}

describe('PrettyListParser', () => {
  it('gives the same objects and lines whatever the bytes available at each feed', () => {
    for (const indent of [2, 4]) {
      for (const eol of ['\n', '\r\n']) {
        const text = JSON.stringify(dump, null, indent).replace(/\n/g, eol);
        const bytes = Buffer.from(text);
        for (let split = 0; split <= bytes.length; split++) {
          // Fresh each time: snapshotFromObjects below normalises the objects it sorts (namespace defaults).
          const whole = parseManifests(text, 'd.json');
          const list = new PrettyListParser(bytes, 'd.json');
          assert.equal(list.feed(split), true, `feed(${split})`);
          assert.equal(list.finish(), true, `finish after feed(${split})`);
          assert.deepEqual(list.result.objects, whole.objects, `split ${split}`);
          assert.deepEqual(
            itemLines(list.result.objects, list.result.origins),
            itemLines(whole.objects, whole.origins),
          );
        }
      }
    }
  });

  it('never throws on a header cut anywhere, and a short root key on the last line is no List', () => {
    const text = JSON.stringify({ kind: 'List', a: 1, items: [{ x: 1 }, { y: 2 }] }, null, 4);
    const bytes = Buffer.from(text);
    for (let split = 0; split <= bytes.length; split++) {
      const list = new PrettyListParser(bytes, 'd.json');
      assert.equal(list.feed(split), true, `feed(${split})`);
      assert.equal(list.finish(), true);
    }
    assert.equal(new PrettyListParser(Buffer.from('{\n    "a'), 'x.json').finish(), false);
  });

  it('feeds in many small steps', () => {
    const text = JSON.stringify(dump, null, 4);
    const bytes = Buffer.from(text);
    const list = new PrettyListParser(bytes, 'd.json');
    for (let n = 1; n < bytes.length; n += 7) assert.equal(list.feed(n), true);
    assert.equal(list.finish(), true);
    assert.deepEqual(list.result.objects, parseManifests(text, 'd.json').objects);
  });

  it('gives up (for the general path) on NUL bytes, invalid UTF-8, compact JSON and a "{" line after the items', () => {
    const text = JSON.stringify(dump, null, 4);
    const nul = Buffer.from(text);
    nul[text.indexOf('"b"') + 1] = 0;
    assert.equal(new PrettyListParser(nul, 'x.json').finish(), false);
    const bad = Buffer.from(text);
    bad[text.indexOf('"b"') + 1] = 0xff;
    const list = new PrettyListParser(bad, 'x.json');
    assert.equal(list.feed(bad.length - 5), false, 'found while feeding');
    assert.equal(list.finish(), false);
    assert.equal(new PrettyListParser(Buffer.from(JSON.stringify(dump)), 'x.json').finish(), false);
    const after = JSON.stringify({ ...dump, zz: [{ a: 1 }] }, null, 4);
    assert.equal(new PrettyListParser(Buffer.from(after), 'x.json').finish(), false);
  });

  it('reads every byte: a NUL anywhere, or a stray element before the first item, gives up', () => {
    for (const obj of [dump, { ...dump, items: dump.items.slice(1) }]) {
      // The second has ASCII bytes only (latin1 pieces); the first has UTF-8 in its first item.
      const text = JSON.stringify(obj, null, 4);
      assert.equal(new PrettyListParser(Buffer.from(text), 'x.json').finish(), true);
      for (let at = 0; at < text.length; at++) {
        const bytes = Buffer.from(text);
        const offset = Buffer.byteLength(text.slice(0, at));
        if (bytes[offset] >= 0x80) continue; // inside a multi-byte character: that is the invalid-UTF-8 case
        bytes[offset] = 0;
        assert.equal(new PrettyListParser(bytes, 'x.json').finish(), false, `NUL at ${at}`);
      }
    }
    const stray = JSON.stringify(dump, null, 4).replace('"items": [\n', '"items": [\n        "stray",\n');
    assert.equal(new PrettyListParser(Buffer.from(stray), 'x.json').finish(), false);
    const strayLine = JSON.stringify(dump, null, 4).replace('"items": [\n', '"items": [\n    x\n');
    assert.equal(new PrettyListParser(Buffer.from(strayLine), 'x.json').finish(), false);
  });
});

describe('FileSource on a large dump', () => {
  it('parses the head while the rest is read and counts lines in a worker: same objects and lines as the text parser', async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pretty-list-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const items: object[] = [];
    for (let i = 0; items.length === 0 || JSON.stringify(items).length < WORKER_MIN_BYTES; i++) {
      for (let j = 0; j < 1000; j++) {
        const n = i * 1000 + j;
        items.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: {
            name: `svc-${n}`,
            namespace: `ns-${n % 7}`,
            labels: { app: `a${n}`, note: 'x'.repeat(n % 50) },
          },
          spec: { selector: { app: `a${n}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
        });
      }
    }
    const text = JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: {} }, null, 4);
    const file = path.join(dir, 'dump.json');
    writeFileSync(file, text);
    const s = await new FileSource([file]).read({ allNamespaces: false });
    assert.deepEqual(s.warnings, []);
    const expected = parseManifests(text, file);
    const e = snapshotFromObjects(expected.objects, expected.origins);
    assert.equal(s.services.length, items.length);
    assert.deepEqual(s.services, e.services);
    for (const k of [0, 1, 999, 1000, items.length - 1]) {
      assert.deepEqual(s.origins.get(s.services[k]), e.origins.get(e.services[k]), `item ${k}`);
    }
  });
});
