import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifests, snapshotFromObjects } from '../../src/cluster/parse.js';
import { indexObjects, PodIndex } from '../../src/graph/indexes.js';
import { addTemplatePods, objectRefs, workloadResolver } from '../../src/graph/owners.js';

const deployment = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: {
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i' }] } },
  },
});

function setup(objects: unknown[], live = false) {
  const snapshot = snapshotFromObjects(objects, undefined, { live });
  const idx = indexObjects(snapshot);
  const pods = new PodIndex();
  for (const p of snapshot.pods) pods.add(p);
  const owners = addTemplatePods(snapshot, pods);
  return { snapshot, idx, pods, owners, workloadOf: workloadResolver(idx.workloads, owners) };
}

describe('template pods', () => {
  it('from files: one per workload that no real pod stands for', () => {
    const { pods, owners } = setup([
      deployment('web', { app: 'web' }),
      deployment('api', { app: 'api' }),
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' } },
      },
    ]);
    assert.deepEqual(
      [...owners.entries()].map(([p, w]) => [p.metadata?.name, w.metadata?.name]),
      [['api-template', 'api']],
    );
    assert.deepEqual(
      pods.matching('shop', { app: 'api' }).map((p) => p.metadata?.name),
      ['api-template'],
    );
  });

  it('live with pods: none (a workload scaled to zero stays podless)', () => {
    const { owners } = setup(
      [
        deployment('api', { app: 'api' }),
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'shop', labels: { app: 'x' } } },
      ],
      true,
    );
    assert.equal(owners.size, 0);
  });

  it('a ReplicaSet owned by a Deployment in the snapshot gets none (its Deployment has one)', () => {
    const { owners } = setup([
      deployment('web', { app: 'web' }),
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: 'web-7d9f8c',
          namespace: 'shop',
          ownerReferences: [{ kind: 'Deployment', name: 'web' }],
        },
        spec: deployment('web', { app: 'web' }).spec,
      },
    ]);
    assert.deepEqual(
      [...owners.values()].map((w) => w.kind),
      ['Deployment'],
    );
  });
});

describe('workloadOf', () => {
  it('follows a ReplicaSet to its Deployment, and a missing ReplicaSet by pod-template-hash', () => {
    const labels = { app: 'web', 'pod-template-hash': '7d9f8c' };
    const { workloadOf, snapshot } = setup(
      [
        deployment('web', { app: 'web' }),
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'web-7d9f8c-abcde',
            namespace: 'shop',
            labels,
            ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d9f8c', controller: true }],
          },
        },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'stray',
            namespace: 'shop',
            labels: { app: 'other', 'pod-template-hash': '1' },
            ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', controller: true }],
          },
        },
      ],
      true,
    );
    const [pod, stray] = snapshot.pods;
    assert.equal(workloadOf(pod!)?.metadata?.name, 'web');
    // The name fits but the Deployment's selector does not match: no owner.
    assert.equal(workloadOf(stray!), undefined);
  });
});

describe('objectRefs', () => {
  it('gives file:line, and a template pod the ref of its workload', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web, namespace: shop}',
      'spec:',
      '  selector: {matchLabels: {app: web}}',
      '  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}',
    ].join('\n');
    const parsed = parseManifests(text, 'web.yaml');
    const snapshot = snapshotFromObjects(parsed.objects, parsed.origins);
    const pods = new PodIndex();
    const owners = addTemplatePods(snapshot, pods);
    const ref = objectRefs(snapshot, owners);
    const template = pods.all[0]!;
    assert.deepEqual(ref('Pod', template), {
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      file: 'web.yaml',
      line: 1,
    });
  });
});
