import { test } from 'node:test';
import { labUnsupported } from '../helpers/lab.js';
import { faultScenario, runScenario, type Scenario } from './matrix.js';

// Healthy paths, application answers, and the faults before the Service (hops 1–3), plus a combined fault.
const OUTSIDE_SCENARIOS: Scenario[] = [
  {
    name: 'd5ok',
    faults: [],
    expect: [
      { path: '/healthz', status: 'healthy' },
      { path: '/large', status: 'healthy' },
      { path: '/', status: 'healthy', applicationAnswer: 404 },
      { path: '/status/500', status: 'healthy', applicationAnswer: 500 },
    ],
  },
  faultScenario('d5dns', 'dns-mismatch'),
  faultScenario('d5hc', 'health-check-path-mismatch'),
  faultScenario('d5np', 'nodeport-blocked'),
  faultScenario('d5ct', 'conntrack-exhaustion'),
  faultScenario('d5kp', 'kube-proxy-down'),
  faultScenario('d5kpa', 'kube-proxy-down=all-nodes'),
  {
    name: 'd5cmb',
    faults: ['dns-mismatch', 'no-endpoints'],
    expect: [{ path: '/healthz', status: 'broken', cause: 'dns-mismatch', also: ['no-endpoints'] }],
  },
];

const skip = labUnsupported();
for (const s of OUTSIDE_SCENARIOS) {
  test(`diagnose on the lab: ${s.faults.join(' + ') || 'healthy'}`, { skip, timeout: 180_000 }, (t) =>
    runScenario(t, s),
  );
}
