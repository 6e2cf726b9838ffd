import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyStrategicMergePatch } from '../../../src/lab/api/strategic-merge.js';

// Table of strategic-merge-patch cases (the semantics of k8s.io/apimachinery's strategicpatch for these fields).
const deployment = () => ({
  metadata: { name: 'd', labels: { a: '1' }, finalizers: ['x', 'y'] },
  spec: {
    replicas: 2,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      spec: {
        containers: [
          { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 80 }] },
          { name: 'b', image: 'b:1' },
        ],
        volumes: [{ name: 'v', configMap: { name: 'cm' } }],
        tolerations: [{ key: 'k', operator: 'Exists' }],
      },
    },
  },
});

describe('strategic merge patch', () => {
  const cases: { name: string; patch: unknown; check: (r: ReturnType<typeof deployment>) => void }[] = [
    {
      name: 'merges containers by name and env by name; other fields stay',
      patch: {
        spec: { template: { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }] }] } } },
      },
      check: (r) => {
        const [a, b] = r.spec.template.spec.containers;
        assert.equal(a?.image, 'a:1');
        assert.deepEqual(a?.env, [
          { name: 'X', value: '1' },
          { name: 'Y', value: '2' },
        ]);
        assert.equal(b?.name, 'b');
      },
    },
    {
      name: 'appends an element with a new merge key',
      patch: { spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }] } } } },
      check: (r) =>
        assert.deepEqual(
          r.spec.template.spec.containers.map((c) => c.name),
          ['a', 'b', 'c'],
        ),
    },
    {
      name: '$patch: delete removes the element with that key',
      patch: { spec: { template: { spec: { containers: [{ name: 'b', $patch: 'delete' }] } } } },
      check: (r) =>
        assert.deepEqual(
          r.spec.template.spec.containers.map((c) => c.name),
          ['a'],
        ),
    },
    {
      name: '$patch: replace in a list replaces the list',
      patch: {
        spec: { template: { spec: { containers: [{ name: 'z', image: 'z:1' }, { $patch: 'replace' }] } } },
      },
      check: (r) => assert.deepEqual(r.spec.template.spec.containers, [{ name: 'z', image: 'z:1' }]),
    },
    {
      name: 'atomic lists (tolerations) are replaced',
      patch: { spec: { template: { spec: { tolerations: [{ key: 'n', operator: 'Exists' }] } } } },
      check: (r) => assert.deepEqual(r.spec.template.spec.tolerations, [{ key: 'n', operator: 'Exists' }]),
    },
    {
      name: 'null deletes a field; maps merge',
      patch: { metadata: { labels: { a: null, b: '2' } }, spec: { replicas: null } },
      check: (r) => {
        assert.deepEqual(r.metadata.labels, { b: '2' });
        assert.equal('replicas' in r.spec, false);
      },
    },
    {
      name: 'primitive lists with the merge strategy are sets; $deleteFromPrimitiveList removes members',
      patch: { metadata: { finalizers: ['z', 'x'], '$deleteFromPrimitiveList/finalizers': ['y'] } },
      check: (r) => assert.deepEqual(r.metadata.finalizers, ['x', 'z']),
    },
    {
      name: '$retainKeys clears union members not kept (Deployment strategy)',
      patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } },
      check: (r) => assert.deepEqual(r.spec.strategy, { type: 'Recreate' }),
    },
    {
      name: '$setElementOrder orders the merged list',
      patch: {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }],
              containers: [{ name: 'a', image: 'a:2' }],
            },
          },
        },
      },
      check: (r) => {
        assert.deepEqual(
          r.spec.template.spec.containers.map((c) => c.name),
          ['b', 'a'],
        );
        assert.equal(r.spec.template.spec.containers[1]?.image, 'a:2');
      },
    },
    {
      name: 'ports merge by containerPort',
      patch: {
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'a', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] },
              ],
            },
          },
        },
      },
      check: (r) =>
        assert.deepEqual(r.spec.template.spec.containers[0]?.ports, [
          { containerPort: 80, name: 'http' },
          { containerPort: 443 },
        ]),
    },
    {
      name: '$patch: replace on a map takes the patch literally',
      patch: {
        spec: {
          template: { spec: { volumes: [{ name: 'v', $patch: 'replace', secret: { secretName: 's' } }] } },
        },
      },
      check: (r) =>
        assert.deepEqual(r.spec.template.spec.volumes, [{ name: 'v', secret: { secretName: 's' } }]),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const original = deployment();
      const before = JSON.stringify(original);
      const result = applyStrategicMergePatch(original as never, c.patch, 'V1Deployment');
      c.check(result as unknown as ReturnType<typeof deployment>);
      assert.equal(JSON.stringify(original), before, 'the original is not changed');
    });
  }

  it('rejects malformed patches', () => {
    assert.throws(() => applyStrategicMergePatch({}, [1], 'V1Deployment'), /must be a JSON object/);
    assert.throws(
      () =>
        applyStrategicMergePatch(
          deployment() as never,
          { spec: { template: { spec: { containers: [{ image: 'x' }] } } } },
          'V1Deployment',
        ),
      /has no "name"/,
    );
  });
});
