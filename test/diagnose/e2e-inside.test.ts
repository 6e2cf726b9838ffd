import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli, labUnsupported } from '../helpers/lab.js';
import { faultScenario, runScenario, type Scenario } from './matrix.js';

// The faults from the Service inwards (hops 4–5), the MTU blackhole with /healthz and /large.
const scenarios: Scenario[] = [
  faultScenario('d5hr', 'host-rule-mismatch'),
  faultScenario('d5snf', 'service-not-found'),
  faultScenario('d5spn', 'service-port-not-found'),
  faultScenario('d5ne', 'no-endpoints'),
  faultScenario('d5tp', 'target-port-mismatch'),
  faultScenario('d5mtu', 'mtu-blackhole', ['/healthz', '/large']),
  faultScenario('d5mti', 'mtu-blackhole=icmp-filtered'),
  faultScenario('d5pol', 'network-policy-blocked'),
  faultScenario('d5bp', 'backend-protocol-mismatch'),
  faultScenario('d5an', 'app-not-listening'),
  faultScenario('d5pt', 'proxy-timeout'),
  // The timeout set only in the controller ConfigMap (named by --configmap=$(POD_NAMESPACE)/…).
  {
    name: 'd5ptc',
    faults: ['proxy-timeout=configmap'],
    expect: [
      {
        path: '/healthz',
        status: 'broken',
        cause: 'proxy-timeout',
        summaryIncludes: ['ConfigMap ingress-nginx/ingress-nginx-controller'],
      },
    ],
  },
  faultScenario('d5hb', 'upstream-header-too-big'),
];

// Faults covered by e2e-outside.test.ts (hops 1–3).
const OUTSIDE = [
  'dns-mismatch',
  'health-check-path-mismatch',
  'nodeport-blocked',
  'conntrack-exhaustion',
  'kube-proxy-down',
];

const skip = labUnsupported();

test('the matrix covers every fault the lab has', { skip }, async () => {
  const r = await cli(['lab', 'faults']);
  assert.equal(r.code, 0, r.stderr);
  const faults = r.stdout
    .split('\n')
    .map((l) => /^([a-z][a-z0-9-]*)\s/.exec(l)?.[1])
    .filter((f): f is string => !!f);
  assert.ok(faults.length >= 10, r.stdout);
  const covered = new Set([...OUTSIDE, ...scenarios.flatMap((s) => s.faults.map((f) => f.split('=')[0]))]);
  assert.deepEqual(
    faults.filter((f) => !covered.has(f)),
    [],
    'faults without a diagnose scenario',
  );
});

for (const s of scenarios) {
  test(`diagnose on the lab: ${s.faults.join(' + ')}`, { skip, timeout: 180_000 }, (t) => runScenario(t, s));
}
