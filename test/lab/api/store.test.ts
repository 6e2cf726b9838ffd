import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { RESOURCES } from '../../../src/lab/api/resources.js';
import { ObjectStore, type StoreEvent } from '../../../src/lab/api/store.js';
import { humanDuration } from '../../../src/lab/api/tables.js';
import { FIXTURES } from './harness.js';

const info = (resource: string) => RESOURCES.find((r) => r.resource === resource)!;

describe('object store', () => {
  it('seeds from the List file, warning about kinds it does not serve', async () => {
    const { store, warnings } = await ObjectStore.fromFiles([path.join(FIXTURES, 'objects.json')]);
    assert.deepEqual(warnings, [
      `${path.join(FIXTURES, 'objects.json')}: item 23: example.test/v1 Widget is not served by the lab API; skipped`,
    ]);
    assert.deepEqual(
      store.list(info('pods'), 'shop').map((p) => p.metadata.name),
      ['api-1', 'web-1', 'web-2'],
    );
    assert.equal(store.list(info('pods')).length, 4);
    assert.equal(store.get(info('ingresses'), 'shop', 'web')?.apiVersion, 'networking.k8s.io/v1');
    // Namespaces a real cluster always has exist even when the file does not list them.
    assert.deepEqual(
      store.list(info('namespaces')).map((n) => n.metadata.name),
      ['default', 'ingress-nginx', 'kube-node-lease', 'kube-public', 'kube-system', 'shop'],
    );
    assert.equal(store.isSeeded(info('pods'), 'shop', 'web-1'), true);
  });

  it('reads YAML documents and reports a file that is neither JSON nor YAML', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'lab-store-'));
    try {
      const yamlFile = path.join(dir, 'extra.yaml');
      await writeFile(yamlFile, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: Nope\n');
      const { store, warnings } = await ObjectStore.fromFiles([yamlFile]);
      assert.equal(store.get(info('configmaps'), 'default', 'a')?.kind, 'ConfigMap');
      assert.deepEqual(warnings, [`${yamlFile}: item 1: not an object with apiVersion and kind; skipped`]);
      const broken = path.join(dir, 'broken.json');
      await writeFile(broken, '{"kind": "List", "items": [');
      await assert.rejects(
        ObjectStore.fromFiles([broken]),
        new RegExp(`${broken}: not a JSON or YAML object list`),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('versions changes and replays them to watchers, then expires old history', () => {
    const store = new ObjectStore();
    const pods = info('pods');
    const events: StoreEvent[] = [];
    const unsubscribe = store.subscribe((e) => events.push(e));
    const start = Number(store.resourceVersion);
    const pod = store.create(pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'a', namespace: 'x' },
    });
    store.replace(pods, { ...pod, status: { phase: 'Running' } });
    store.remove(pods, 'x', 'a');
    unsubscribe();
    assert.deepEqual(
      events.map((e) => [e.type, e.rv]),
      [
        ['ADDED', start + 1],
        ['MODIFIED', start + 2],
        ['DELETED', start + 3],
      ],
    );
    assert.equal(events[1]!.previous?.status, undefined);
    const since = store.eventsSince(pods, start + 1);
    assert.ok(Array.isArray(since));
    assert.deepEqual(
      since.map((e) => e.type),
      ['MODIFIED', 'DELETED'],
    );
    assert.deepEqual(store.eventsSince(info('services'), start), []);
    for (let i = 0; i < 5001; i++)
      store.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'x' } });
    assert.equal(store.eventsSince(pods, start), 'expired');
  });

  it('loads 10,000 extra pods and lists a namespace quickly', () => {
    const store = new ObjectStore();
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `bulk-${i}`, namespace: `ns-${i % 100}`, labels: { app: `a${i % 7}` } },
    }));
    const t0 = performance.now();
    assert.deepEqual(store.seed(items), []);
    const listed = store.list(info('pods'), 'ns-42');
    const ms = performance.now() - t0;
    assert.equal(listed.length, 100);
    // Linear work: even on a loaded machine far below what a quadratic index would take.
    assert.ok(ms < 3000, `seeding and listing took ${ms} ms`);
  });
});

describe('ages', () => {
  const cases: [number, string][] = [
    [5_000, '5s'],
    [119_000, '119s'],
    [150_000, '2m30s'],
    [600_000, '10m'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [30 * 3600_000, '30h'],
    [3 * 86400_000 + 4 * 3600_000, '3d4h'],
    [40 * 86400_000, '40d'],
    [3 * 365 * 86400_000 + 86400_000, '3y1d'],
  ];
  for (const [ms, text] of cases) it(`${ms} ms → ${text}`, () => assert.equal(humanDuration(ms), text));
});
