import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import { loadBalancerAddresses, run } from '../../src/cli/mtu.js';
import type { MtuReport } from '../../src/mtu/types.js';
import { captureIO } from '../helpers/io.js';
import { calicoConfig, type FakeClusterModel, fakeCluster, twoNodes } from './fake-cluster.js';

async function usage(argv: string[]): Promise<{ code: number; err: string }> {
  const io = captureIO('', { KUBECONFIG: '/nonexistent/kubeconfig' });
  const code = await main(['mtu', ...argv], io);
  return { code, err: io.err() };
}

test('usage errors exit 2 with a message that says what to do', async () => {
  const cases: [string[], RegExp][] = [
    [['--from', 'moon'], /--from "moon": use pod, node or local/],
    [['--from', 'local'], /--from local needs --to lb or --to HOST/],
    [['--to', 'bad host!'], /--to "bad host!" is not pod, node, lb or a host/],
    [['--nodes', ','], /--nodes needs node names/],
    [['--timeout', 'soon'], /--timeout "soon": seconds between/],
    [['-o', 'sarif'], /unknown output format "sarif"; use one of: text, json/],
    [['extra'], /unexpected argument "extra"/],
    [['--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [argv, re] of cases) {
    const r = await usage(argv);
    assert.equal(r.code, 2, `${argv.join(' ')} → ${r.err}`);
    assert.match(r.err, re);
  }
});

test('--help prints the flags and exits 0', async () => {
  const io = captureIO();
  assert.equal(await main(['mtu', '--help'], io), 0);
  assert.match(io.out(), /--from pod\|node\|local/);
  assert.match(io.out(), /Exit codes: 0 the MTU fits, 1 a problem/);
});

test('no kubeconfig: exit 2 with kubectl-like advice, no crash', async () => {
  const r = await usage([]);
  assert.equal(r.code, 2);
  assert.match(r.err, /ingress-doctor mtu: /);
});

async function runFake(model: FakeClusterModel, argv: string[]) {
  const c = fakeCluster(model);
  const io = captureIO();
  try {
    const code = await run(argv, io, { readView: async () => c.view, provider: c.provider });
    return { code, out: io.out(), err: io.err(), cleaned: c.provider.cleaned };
  } finally {
    c.dispose();
  }
}

const BLACKHOLE: FakeClusterModel = {
  nodes: twoNodes({ nodeMtu: 1500, podMtu: 1500, overlayMtu: 1500, bound: false }),
  podPath: { mtu: 1450, mode: 'silent' },
  nodePath: { mtu: 1500, mode: 'silent' },
  configMaps: [calicoConfig('1500')],
};

test('-o json: versioned report, exit 1 on a blackhole, probe pods cleaned up', async () => {
  const r = await runFake(BLACKHOLE, ['-o', 'json', '--timeout', '0.05']);
  assert.equal(r.code, 1);
  assert.equal(r.cleaned, true);
  const report = JSON.parse(r.out) as MtuReport;
  assert.equal(report.schemaVersion, 1);
  assert.equal(report.tool.name, 'ingress-doctor');
  assert.equal(report.verdict.cause, 'mtu-blackhole');
  const pod = report.pairs.find((p) => p.kind === 'pod-pod');
  assert.ok(pod);
  const probe = pod.search.probes[0] as unknown as Record<string, unknown>;
  assert.deepEqual(
    Object.keys(probe).sort(),
    ['command', 'mtu', 'result', 'round'],
    'raw output is not in the JSON',
  );
});

test('text: the verdict, the fix with the value, and the two commands that pin the MTU by hand', async () => {
  const r = await runFake(BLACKHOLE, ['--timeout', '0.05']);
  assert.equal(r.code, 1);
  assert.match(r.out, /Verdict {4}PROBLEM {2}mtu-blackhole \(fragment-drop\)/);
  assert.match(r.out, /Set veth_mtu to "1450"/);
  assert.match(r.out, /pod@node-a: ping -M do -s 1422 -c 1 -W 0.05 198\.18\.17\.5 {3}# 1450 bytes: reply/);
  assert.match(
    r.out,
    /pod@node-a: ping -M do -s 1423 -c 1 -W 0.05 198\.18\.17\.5 {3}# 1451 bytes: no reply and no ICMP/,
  );
});

test('healthy: exit 0; --nodes with an unknown node: exit 2', async () => {
  const healthy: FakeClusterModel = {
    ...BLACKHOLE,
    nodes: twoNodes({ nodeMtu: 1500, podMtu: 1450, overlayMtu: 1450, bound: true }),
    configMaps: [calicoConfig('1450')],
  };
  assert.equal((await runFake(healthy, ['--timeout', '0.05'])).code, 0);
  const c = fakeCluster(healthy);
  try {
    const io = captureIO();
    await assert.rejects(
      run(['--nodes', 'node-z'], io, { readView: async () => c.view, provider: c.provider }),
      /no such node: node-z \(nodes: node-a, node-b\)/,
    );
    assert.equal(c.provider.cleaned, true, 'cleanup also after an input error');
  } finally {
    c.dispose();
  }
});

test('loadBalancerAddresses: ingress controllers first, ip or hostname', () => {
  const lbs = loadBalancerAddresses([
    {
      metadata: { name: 'other', namespace: 'x' },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ hostname: 'lb.example.net' }] } },
    },
    {
      metadata: {
        name: 'ingress-nginx-controller',
        namespace: 'ingress-nginx',
        labels: { 'app.kubernetes.io/component': 'controller' },
      },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '198.19.0.1' }] } },
    },
    { metadata: { name: 'web', namespace: 'shop' }, spec: { type: 'ClusterIP' } },
  ]);
  assert.deepEqual(
    lbs.map((l) => l.address),
    ['198.19.0.1', 'lb.example.net'],
  );
});
