import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1ConfigMap, V1Container, V1Pod } from '@kubernetes/client-node';
import { containerEnv, expandedArgs, expandVars, flagValue } from '../../src/dataplane/container-env.js';

const pod: V1Pod = {
  metadata: {
    name: 'ingress-nginx-controller-5d8f9-abcde',
    namespace: 'ingress-nginx',
    labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    annotations: { team: 'edge' },
  },
  spec: { nodeName: 'node-1', serviceAccountName: 'ingress-nginx', containers: [] },
  status: { podIP: '198.18.16.10', hostIP: '198.18.0.11' },
};

const maps: V1ConfigMap[] = [
  { metadata: { namespace: 'ingress-nginx', name: 'flags' }, data: { CM_NAME: 'from-env-from', mode: 'x' } },
];
const configMap = (ns: string, name: string) =>
  maps.find((m) => m.metadata?.namespace === ns && m.metadata?.name === name);

describe('kubelet $(VAR) expansion', () => {
  const env: Record<string, string> = { A: 'a', EMPTY: '' };
  const lookup = (n: string) => env[n];
  for (const [input, expected] of [
    ['$(A)', 'a'],
    ['x$(A)y$(A)', 'xaya'],
    ['$$(A)', '$(A)'], // escaped: the literal reference
    ['$$$(A)', '$a'],
    ['$(UNKNOWN)', '$(UNKNOWN)'], // unknown variables stay as written
    ['$(A', '$(A'], // unterminated reference kept
    ['$A', '$A'], // not a reference
    ['cost: 5$', 'cost: 5$'],
    ['$(EMPTY)x', 'x'],
    ['no vars', 'no vars'],
  ] as const) {
    test(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(expandVars(input, lookup), expected);
    });
  }
});

describe('container env', () => {
  const container: V1Container = {
    name: 'controller',
    envFrom: [{ configMapRef: { name: 'flags' }, prefix: 'P_' }],
    env: [
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['team']" } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'flags', key: 'mode' } } },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'COMPOSED', value: '$(POD_NAMESPACE)/$(LATER)' }, // LATER is defined after: not expanded
      { name: 'LATER', value: 'later' },
    ],
    args: [
      '/nginx-ingress-controller',
      '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller',
      '--publish-service=$(POD_NAMESPACE)/$(P_CM_NAME)',
      '--secret=$(TOKEN)',
      '--composed=$(COMPOSED)',
      '--election-id',
      'leader-$(NODE)',
    ],
  };

  test('values, fieldRefs, ConfigMap keys and envFrom, in kubelet order', () => {
    const e = containerEnv(container, { pod, configMap });
    assert.equal(e.get('POD_NAMESPACE')?.value, 'ingress-nginx');
    assert.equal(e.get('POD_NAMESPACE')?.from, 'fieldRef metadata.namespace');
    assert.equal(e.get('POD_NAME')?.value, 'ingress-nginx-controller-5d8f9-abcde');
    assert.equal(e.get('TEAM')?.value, 'edge');
    assert.equal(e.get('MODE')?.value, 'x');
    assert.equal(e.get('MODE')?.from, 'ConfigMap ingress-nginx/flags key mode');
    assert.equal(e.get('P_CM_NAME')?.value, 'from-env-from');
    assert.equal(e.get('TOKEN')?.value, undefined);
    assert.equal(e.get('COMPOSED')?.value, 'ingress-nginx/$(LATER)');
  });

  test('args expanded the way the process sees them', () => {
    assert.deepEqual(expandedArgs(container, { pod, configMap }), [
      '/nginx-ingress-controller',
      '--configmap=ingress-nginx/ingress-nginx-controller',
      '--publish-service=ingress-nginx/from-env-from',
      '--secret=$(TOKEN)',
      '--composed=ingress-nginx/$(LATER)',
      '--election-id',
      'leader-node-1',
    ]);
  });

  test('flags: --flag=value and --flag value, with the raw text kept', () => {
    assert.deepEqual(flagValue(container, '--configmap', { pod }), {
      value: 'ingress-nginx/ingress-nginx-controller',
      raw: '$(POD_NAMESPACE)/ingress-nginx-controller',
    });
    assert.deepEqual(flagValue(container, '--election-id', { pod }), {
      value: 'leader-node-1',
      raw: 'leader-$(NODE)',
    });
    assert.equal(flagValue(container, '--missing', { pod }), undefined);
  });

  test('a template pod: its namespace is known, its name and node are not', () => {
    const e = containerEnv(container, { pod, podIsReal: false });
    assert.equal(e.get('POD_NAMESPACE')?.value, 'ingress-nginx');
    assert.equal(e.get('POD_NAME')?.value, undefined);
    assert.equal(flagValue(container, '--election-id', { pod, podIsReal: false })?.value, 'leader-$(NODE)');
  });

  test('malformed env and args are skipped, not thrown on', () => {
    const odd = { name: 'c', env: [null, { value: 'x' }, 'str'], args: [5, '--configmap=a/b', null] };
    assert.equal(flagValue(odd as unknown as V1Container, '--configmap', { pod })?.value, 'a/b');
    assert.equal(containerEnv(odd as unknown as V1Container, { pod }).size, 0);
  });
});
