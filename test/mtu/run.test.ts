import assert from 'node:assert/strict';
import { test } from 'node:test';
import { choosePairs, coalescingSender, type MtuRunOptions, runMtu } from '../../src/mtu/run.js';
import { calicoConfig, type FakeClusterModel, fakeCluster, twoNodes } from './fake-cluster.js';

const OPTS: MtuRunOptions = { from: 'pod', to: 'pod', withUnderlay: true, version: 'test', timeoutS: 0.05 };

async function measure(model: FakeClusterModel, opts: Partial<MtuRunOptions> = {}) {
  const c = fakeCluster(model);
  try {
    const report = await runMtu(c.view, c.provider, { ...OPTS, ...opts });
    return { report, provider: c.provider };
  } finally {
    c.dispose();
  }
}

test('healthy: pods 1450 on a 1500 underlay with VXLAN: path 1450, no problem, one round per pair', async () => {
  const { report, provider } = await measure({
    nodes: twoNodes({ nodeMtu: 1500, podMtu: 1450, overlayMtu: 1450, bound: true }),
    podPath: { mtu: 1450, mode: 'silent' },
    nodePath: { mtu: 1500, mode: 'silent' },
    configMaps: [calicoConfig('1450')],
  });
  const v = report.verdict;
  assert.equal(v.status, 'ok', v.summary);
  assert.equal(v.podPathMtu, 1450);
  assert.equal(v.podMtu, 1450);
  assert.equal(v.underlayMtu, 1500);
  assert.equal(v.maxPodMtu, 1450);
  assert.equal(v.overhead, 50);
  assert.equal(v.overheadSource, 'cni config');
  const pod = report.pairs.find((p) => p.kind === 'pod-pod');
  const node = report.pairs.find((p) => p.kind === 'node-node');
  assert.equal(pod?.search.pathMtu, 1450);
  assert.equal(pod?.search.rounds, 1);
  assert.equal(pod?.senderMtu, 1450);
  assert.equal(node?.search.pathMtu, 1500);
  assert.ok((pod?.search.probes.length ?? 99) <= 16);
  // one interface read per vantage (4) + one batched exec per round per sender vantage (2 senders, 1 round each)
  assert.equal(provider.execs.length, 6);
  assert.deepEqual(report.unavailable, []);
});

test('mtu-blackhole (fragment-drop): pods 1500, overlay 1500 unbound on a 1500 underlay: silent above 1450', async () => {
  const { report } = await measure({
    nodes: twoNodes({ nodeMtu: 1500, podMtu: 1500, overlayMtu: 1500, bound: false }),
    podPath: { mtu: 1450, mode: 'silent' },
    nodePath: { mtu: 1500, mode: 'silent' },
    configMaps: [calicoConfig('1500')],
  });
  const v = report.verdict;
  assert.equal(v.status, 'problem');
  assert.equal(v.cause, 'mtu-blackhole');
  assert.equal(v.mode, 'fragment-drop');
  assert.equal(v.podMtu, 1500);
  assert.equal(v.podPathMtu, 1450);
  assert.equal(v.exceeds, true);
  assert.match(
    v.summary,
    /pods send up to 1500 bytes but the pod→pod path carries 1450; larger packets are silently lost/,
  );
  assert.match(v.fix ?? '', /Set veth_mtu to "1450" in ConfigMap kube-system\/calico-config/);
  assert.match(v.restart ?? '', /rolling restart of the CNI pods/);
  const pod = report.pairs.find((p) => p.kind === 'pod-pod');
  assert.equal(pod?.search.fate, 'silent');
  assert.ok((pod?.search.probes.length ?? 99) <= 16);
});

test('mtu-blackhole=icmp-filtered: pods 1500, overlay 1450: told apart from fragment-drop by the overlay MTU', async () => {
  const { report } = await measure({
    nodes: twoNodes({ nodeMtu: 1500, podMtu: 1500, overlayMtu: 1450, bound: true }),
    podPath: { mtu: 1450, mode: 'silent' },
    nodePath: { mtu: 1500, mode: 'silent' },
    configMaps: [calicoConfig('1500')],
  });
  assert.equal(report.verdict.status, 'problem');
  assert.equal(report.verdict.mode, 'icmp-filtered');
  assert.equal(report.verdict.overlayMtu, 1450);
  assert.match(report.verdict.fix ?? '', /veth_mtu to "1450".*ICMP "fragmentation needed"/s);
});

test('PMTUD working (ICMP answers) is a warning, not a blackhole, and names the announced MTU', async () => {
  const { report } = await measure({
    nodes: twoNodes({ nodeMtu: 1500, podMtu: 1500, overlayMtu: 1450, bound: true }),
    podPath: { mtu: 1450, mode: 'icmp' },
    nodePath: { mtu: 1500, mode: 'silent' },
    configMaps: [calicoConfig('1500')],
  });
  assert.equal(report.verdict.status, 'warning');
  assert.equal(report.verdict.mode, 'pmtud');
  const pod = report.pairs.find((p) => p.kind === 'pod-pod');
  assert.equal(pod?.search.fate, 'icmp');
  assert.equal(pod?.search.announced?.mtu, 1450);
});

test('jumbo underlay (9000): pods at 1500 fit, and the report says how far they could go', async () => {
  const { report } = await measure({
    nodes: twoNodes({ nodeMtu: 9000, podMtu: 1500, overlayMtu: 8950, bound: true }),
    podPath: { mtu: 1500, mode: 'silent' },
    nodePath: { mtu: 9000, mode: 'silent' },
    configMaps: [calicoConfig('1500')],
  });
  assert.equal(report.verdict.status, 'ok', report.verdict.summary);
  assert.equal(report.verdict.maxPodMtu, 8950);
  assert.match(report.verdict.summary, /would carry pods up to 8950/);
  const node = report.pairs.find((p) => p.kind === 'node-node');
  assert.equal(node?.search.pathMtu, 9000);
  assert.equal(node?.search.rounds, 1);
});

test('underlay blackhole between nodes: nodes at 9000 but the network carries 1500, silently', async () => {
  const { report } = await measure({
    nodes: twoNodes({ nodeMtu: 9000, podMtu: 1450, overlayMtu: 8950, bound: true }),
    podPath: { mtu: 1450, mode: 'silent' },
    nodePath: { mtu: 1500, mode: 'silent' },
    configMaps: [calicoConfig('1450')],
  });
  assert.equal(report.verdict.status, 'problem');
  assert.equal(report.verdict.mode, 'underlay-blackhole');
  assert.match(report.verdict.fix ?? '', /set their MTU to 1500/);
});

test('an unavailable vantage is reported, the rest still measured, never a crash', async () => {
  const { report } = await measure({
    nodes: twoNodes({ nodeMtu: 1500, podMtu: 1450, overlayMtu: 1450, bound: true }),
    podPath: { mtu: 1450, mode: 'silent' },
    nodePath: { mtu: 1500, mode: 'silent' },
    configMaps: [calicoConfig('1450')],
    unavailable: ['pod@node-a'],
  });
  assert.ok(report.unavailable.some((u) => /pod@node-a: probe pod .* did not run/.test(u)));
  const pod = report.pairs.find((p) => p.kind === 'pod-pod');
  assert.equal(pod?.search.status, 'inconclusive');
  assert.match(pod?.search.summary ?? '', /not measured: vantage pod@node-a unavailable/);
  const node = report.pairs.find((p) => p.kind === 'node-node');
  assert.equal(node?.search.pathMtu, 1500);
});

test('blocked pods (no answer even at 576) are not called an MTU problem', async () => {
  const { report } = await measure({
    nodes: twoNodes({ nodeMtu: 1500, podMtu: 1450, overlayMtu: 1450, bound: true }),
    podPath: { mtu: 1450, mode: 'silent' },
    nodePath: { mtu: 1500, mode: 'silent' },
    configMaps: [calicoConfig('1450')],
    blocked: ['198.18.17.5'],
  });
  const pod = report.pairs.find((p) => p.kind === 'pod-pod');
  assert.equal(pod?.search.status, 'unreachable');
  assert.notEqual(report.verdict.status, 'problem');
  assert.ok(report.verdict.evidence.some((e) => /not an MTU verdict/.test(e)));
});

test('--from node --to node measures only the underlay; --nodes restricts; unknown node names are input errors', async () => {
  const nodes = [...twoNodes({ nodeMtu: 1500, podMtu: 1450, overlayMtu: 1450, bound: true })];
  nodes.push({ ...nodes[1], name: 'node-c', ip: '198.18.0.13', podIp: '198.18.18.5' });
  const model: FakeClusterModel = {
    nodes,
    podPath: { mtu: 1450, mode: 'silent' },
    nodePath: { mtu: 1500, mode: 'silent' },
  };
  const { report } = await measure(model, { from: 'node', to: 'node', withUnderlay: false });
  assert.deepEqual(
    report.pairs.map((p) => `${p.kind} ${p.from.vantage}→${p.to.node}`),
    ['node-node node@node-a→node-b', 'node-node node@node-a→node-c', 'node-node node@node-b→node-c'],
  );
  const only = await measure(model, { nodes: ['node-a', 'node-c'] });
  assert.deepEqual(only.report.scope.nodes, ['node-a', 'node-c']);
  await assert.rejects(measure(model, { nodes: ['node-x'] }), /no such node: node-x/);
});

test('--to lb from local pings the load balancer address found in the cluster', async () => {
  const c = fakeCluster({
    nodes: twoNodes({ nodeMtu: 1500, podMtu: 1450, overlayMtu: 1450, bound: true }),
    podPath: { mtu: 1450, mode: 'silent' },
    nodePath: { mtu: 1500, mode: 'silent' },
  });
  try {
    const report = await runMtu(c.view, c.provider, {
      ...OPTS,
      from: 'local',
      to: 'lb',
      withUnderlay: false,
    });
    assert.equal(report.pairs.length, 1);
    assert.equal(report.pairs[0].kind, 'to-host');
    assert.equal(report.pairs[0].to.ip, '198.19.0.10');
    assert.equal(report.pairs[0].search.status, 'unreachable', 'the fake local vantage has no path to it');
    assert.deepEqual(c.provider.created, [], 'no probe pods for a local measurement');
  } finally {
    c.dispose();
  }
});

test('NotReady nodes are left out (and said), unless named with --nodes', async () => {
  const nodes = twoNodes({ nodeMtu: 1500, podMtu: 1450, overlayMtu: 1450, bound: true });
  nodes.push({ ...nodes[1], name: 'node-c', ip: '198.18.0.13', podIp: '198.18.18.5' });
  const c = fakeCluster({
    nodes,
    podPath: { mtu: 1450, mode: 'silent' },
    nodePath: { mtu: 1500, mode: 'silent' },
  });
  try {
    const view = {
      ...c.view,
      nodes: c.view.nodes.map((n) =>
        n.metadata?.name === 'node-c'
          ? { ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'False' }] } }
          : n,
      ),
    };
    const report = await runMtu(view, c.provider, OPTS);
    assert.deepEqual(report.scope.nodes, ['node-a', 'node-b']);
    assert.match(report.scope.note ?? '', /left out NotReady: node-c/);
    assert.ok(!c.provider.created.some((v) => v.endsWith('node-c')), 'no probe pod on the NotReady node');
  } finally {
    c.dispose();
  }
});

test('choosePairs: all pairs up to 5 nodes, a ring (sampled, said) above, spread over at most maxNodes', () => {
  assert.equal(choosePairs(['a', 'b', 'c', 'd', 'e']).pairs.length, 10);
  const ring = choosePairs(['a', 'b', 'c', 'd', 'e', 'f']);
  assert.equal(ring.sampled, true);
  assert.deepEqual(ring.pairs[5], ['f', 'a']);
  assert.match(ring.note ?? '', /sampled 6 of 15 node pairs: every node once as sender and once as receiver/);
  const big = choosePairs(
    Array.from({ length: 100 }, (_, i) => `n${i}`),
    8,
  );
  assert.equal(big.pairs.length, 8);
  assert.match(big.note ?? '', /8 of 100 nodes/);
  assert.deepEqual(choosePairs(['a']).pairs, []);
});

test('coalescingSender: searches asking in the same tick share ONE exec, and each gets its own results', async () => {
  const c = fakeCluster({
    nodes: twoNodes({ nodeMtu: 1500, podMtu: 1450, overlayMtu: 1450, bound: true }),
    podPath: { mtu: 1450, mode: 'silent' },
    nodePath: { mtu: 1500, mode: 'silent' },
  });
  try {
    const v = await c.provider.node('node-a');
    const send = coalescingSender(v);
    const [one, two] = await Promise.all([
      send([{ target: '198.18.0.12', payload: 1472, timeoutS: 0.05 }]),
      send([
        { target: '198.18.0.12', payload: 1400, timeoutS: 0.05 },
        { target: '198.18.0.99', payload: 100, timeoutS: 0.05 },
      ]),
    ]);
    assert.equal(c.provider.execs.length, 1, 'one exec for both');
    assert.deepEqual(
      one.map((p) => p.result.kind),
      ['reply'],
    );
    assert.deepEqual(
      two.map((p) => [p.spec.payload, p.result.kind]),
      [
        [1400, 'reply'],
        [100, 'lost'],
      ],
    );
    await send([{ target: '198.18.0.12', payload: 1472, timeoutS: 0.05 }]);
    assert.equal(c.provider.execs.length, 2, 'a later round is its own exec');
  } finally {
    c.dispose();
  }
});
