import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { snapshotFromObjects } from '../../src/cluster/parse.js';
import { arr, indexObjects, isDigits, NsIndex, PodIndex } from '../../src/graph/indexes.js';

const pod = (name: string, ns: string, labels: Record<string, string>): V1Pod => ({
  metadata: { name, namespace: ns, labels },
});

describe('NsIndex', () => {
  it('looks up by namespace, then name', () => {
    const idx = new NsIndex<number>();
    idx.set('a', 'x', 1);
    idx.set('b', 'x', 2);
    assert.equal(idx.get('a', 'x'), 1);
    assert.equal(idx.get('b', 'x'), 2);
    assert.equal(idx.get('a', 'y'), undefined);
    assert.equal(idx.get(undefined, 'x'), undefined);
  });
});

describe('PodIndex', () => {
  const pods = new PodIndex();
  const web1 = pod('web-1', 'shop', { app: 'web', tier: 'front' });
  const web2 = pod('web-2', 'shop', { app: 'web', tier: 'back' });
  const other = pod('web-3', 'other', { app: 'web', tier: 'front' });
  for (const p of [web1, web2, other]) pods.add(p);

  it('answers map selectors within a namespace', () => {
    assert.deepEqual(pods.matching('shop', { app: 'web' }), [web1, web2]);
    assert.deepEqual(pods.matching('shop', { app: 'web', tier: 'front' }), [web1]);
    assert.deepEqual(pods.matching('shop', { app: 'api' }), []);
    assert.deepEqual(pods.matching('shop', {}), [web1, web2]);
    assert.deepEqual(pods.matching('none', { app: 'web' }), []);
  });

  it('answers LabelSelectors; an absent one selects no pod', () => {
    assert.deepEqual(
      pods.matchingSelector('shop', {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }],
      }),
      [web2],
    );
    assert.deepEqual(pods.matchingSelector('shop', undefined), []);
  });

  it('a pod added after a query is in the next answer (cached answers are dropped)', () => {
    const idx = new PodIndex();
    idx.add(web1);
    assert.equal(idx.matching('shop', { app: 'web', tier: 'front' }).length, 1);
    idx.add(pod('web-4', 'shop', { app: 'web', tier: 'front' }));
    assert.equal(idx.matching('shop', { app: 'web', tier: 'front' }).length, 2);
  });

  it('pods without a label map are indexed by namespace only', () => {
    const idx = new PodIndex();
    idx.add({ metadata: { name: 'odd', namespace: 'x', labels: 'no' as never } });
    assert.equal(idx.inNamespace('x').length, 1);
    assert.deepEqual(idx.matching('x', { a: 'b' }), []);
  });
});

describe('indexObjects', () => {
  it('indexes EndpointSlices by their service-name label and workloads by kind', () => {
    const snap = snapshotFromObjects([
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-a', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [],
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-b', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [],
      },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: {} },
    ]);
    const idx = indexObjects(snap);
    assert.deepEqual(
      idx.slicesByService.get('shop', 'web')?.map((s) => s.metadata?.name),
      ['web-a', 'web-b'],
    );
    assert.equal(idx.workloads.get('Deployment')?.get('shop', 'web')?.metadata?.name, 'web');
  });
});

describe('small helpers', () => {
  it('arr drops nulls and reads non-lists as empty', () => {
    assert.deepEqual(arr([1, null, 2]), [1, 2]);
    assert.deepEqual(arr('x'), []);
    const list = [1, 2];
    assert.equal(arr(list), list, 'a clean list is returned as is');
  });
  it('isDigits', () => {
    assert.equal(isDigits('8080'), true);
    assert.equal(isDigits(''), false);
    assert.equal(isDigits('80a'), false);
  });
});
