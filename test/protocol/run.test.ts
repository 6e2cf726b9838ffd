import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseVantages, runDiagnosis } from '../../src/protocol/run.js';
import { fillPlaceholders, mergeSignals } from '../../src/protocol/verdict.js';
import { ScriptedVantageProvider } from '../../src/vantage/scripted.js';
import { healthyFacts, healthyNet, responder } from './sim.js';

test('vantages: the probe pod on a backend node away from the controller; node pods capped, the rest reported', () => {
  const f = healthyFacts(); // controller on node-a, endpoints on node-a and node-b
  assert.deepEqual(chooseVantages(f, 2), { pod: 'node-b', nodes: ['node-a', 'node-b'], notCovered: [] });
  f.nodes.push({ name: 'node-c', ip: '198.18.0.13' });
  assert.deepEqual(chooseVantages(f, 2).notCovered, ['node-c']);
  f.endpoints = f.endpoints.filter((e) => e.nodeName === 'node-a');
  f.pods = f.pods.filter((p) => p.nodeName === 'node-a');
  // Backend and controller share node-a: the pod goes elsewhere so pings still cross nodes.
  assert.equal(chooseVantages(f, 2).pod, 'node-b');
});

test('one exec per vantage: every probe of a vantage runs in one batch', async () => {
  const f = healthyFacts();
  const provider = new ScriptedVantageProvider({ respond: responder(healthyNet(f)) });
  const res = await runDiagnosis({ facts: f, findings: [], provider, probePods: true });
  const remote = new Set(res.probes.filter((p) => p.vantage.includes('@')).map((p) => p.vantage));
  assert.deepEqual([...remote].sort(), ['node@node-a', 'node@node-b', 'pod@node-b']);
  // Each record carries the single command a person re-runs, not the batch script.
  assert.ok(res.probes.every((p) => !p.command.includes('@@')));
});

test('signals of one cause merge; a direct one wins the summary', () => {
  const merged = mergeSignals([
    { cause: 'mtu-blackhole', hop: 5, direct: false, evidence: ['p5.url'], summary: 'stalls' },
    { cause: 'mtu-blackhole', hop: 5, direct: true, evidence: ['p5.ping.0.1500'], summary: 'DF lost' },
  ]);
  assert.equal(merged.length, 1);
  assert.equal(merged[0]?.direct, true);
  assert.equal(merged[0]?.summary, 'DF lost');
  assert.deepEqual(merged[0]?.evidence, ['p5.url', 'p5.ping.0.1500']);
});

test('catalog placeholders are filled with the route names; unknown ones stay', () => {
  const f = healthyFacts();
  assert.equal(
    fillPlaceholders(
      'kubectl get endpointslices -n <namespace> -l kubernetes.io/service-name=<service>; curl -H "Host: <host>" http://<node-ip>:<node-port>/ <debug-pod>',
      f,
    ),
    'kubectl get endpointslices -n shop -l kubernetes.io/service-name=app; curl -H "Host: app.example.test" http://198.18.0.11:30080/ <debug-pod>',
  );
});
