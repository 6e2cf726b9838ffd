import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CAUSES, cause, isCauseId } from '../../src/causes/catalog.js';
import { CAUSE_IDS, type CauseId, type Hop } from '../../src/causes/types.js';
import { CHECKS } from '../../src/checks/index.js';

/** design.md's hop table, plus the decisions recorded in docs/decisions.md (catalog and checks). */
const EXPECTED_HOPS: Record<CauseId, Hop> = {
  'dns-mismatch': 1,
  'tls-certificate-mismatch': 1,
  'health-check-path-mismatch': 2,
  'nodeport-blocked': 2,
  'kube-proxy-down': 3,
  'conntrack-exhaustion': 3,
  'host-rule-mismatch': 4,
  'service-not-found': 4,
  'service-port-not-found': 4,
  'no-endpoints': 4,
  'target-port-mismatch': 4,
  'mtu-blackhole': 5,
  'network-policy-blocked': 5,
  'backend-protocol-mismatch': 5,
  'app-not-listening': 5,
  'keepalive-race': 5,
  'proxy-timeout': 5,
  'upstream-header-too-big': 5,
  'missing-default-deny': 5,
  'timeouts-not-explicit': 5,
  'probe-paths-diverge': 2,
  'no-prestop-drain': 5,
  'single-replica': 4,
  'ingress-class-missing': 4,
  'duplicate-route': 4,
  'externalname-backend': 4,
  'body-too-large': 5,
};

const OFFICIAL = [
  'https://kubernetes.io/',
  'https://kubernetes.github.io/ingress-nginx/',
  'https://gateway-api.sigs.k8s.io/',
  'https://kubernetes-sigs.github.io/aws-load-balancer-controller/',
  'https://docs.aws.amazon.com/',
  'https://cloud.google.com/kubernetes-engine/',
  'https://learn.microsoft.com/en-us/azure/',
  'https://cloud-provider-azure.sigs.k8s.io/',
  'https://docs.tigera.io/calico/',
  'https://docs.cilium.io/',
  'https://github.com/flannel-io/flannel/',
  'https://docs.kernel.org/',
  'https://nodejs.org/api/',
];

test('the issue 2 ids are present, in order, and new ids were only appended', () => {
  const issueIds = [
    'dns-mismatch',
    'tls-certificate-mismatch',
    'health-check-path-mismatch',
    'nodeport-blocked',
    'kube-proxy-down',
    'conntrack-exhaustion',
    'host-rule-mismatch',
    'service-not-found',
    'service-port-not-found',
    'no-endpoints',
    'target-port-mismatch',
    'mtu-blackhole',
    'network-policy-blocked',
    'backend-protocol-mismatch',
    'app-not-listening',
    'keepalive-race',
    'proxy-timeout',
    'upstream-header-too-big',
    'missing-default-deny',
    'timeouts-not-explicit',
    'probe-paths-diverge',
    'no-prestop-drain',
    'single-replica',
  ];
  for (const id of issueIds) assert.ok((CAUSE_IDS as readonly string[]).includes(id), id);
  assert.equal(new Set(CAUSE_IDS).size, CAUSE_IDS.length, 'ids are unique');
});

test('every cause id has a complete catalog entry at the hop the design puts it', () => {
  assert.deepEqual(Object.keys(CAUSES).sort(), [...CAUSE_IDS].sort());
  for (const id of CAUSE_IDS) {
    const c = cause(id);
    assert.equal(c.id, id);
    assert.equal(c.hop, EXPECTED_HOPS[id], `${id} hop`);
    assert.ok(c.title.length > 10, `${id} title`);
    assert.ok(c.signature.length > 0, `${id} signature`);
    assert.ok(c.detection.length > 20, `${id} detection`);
    assert.ok(c.fix.length > 20, `${id} fix`);
    assert.ok(c.confirm.length > 0, `${id} confirm`);
    assert.ok(c.references.length > 0, `${id} references`);
    for (const r of c.references)
      assert.ok(
        OFFICIAL.some((o) => r.startsWith(o)),
        `${id}: ${r} is not an official doc`,
      );
    if (c.checklist !== undefined) assert.ok(c.checklist >= 1 && c.checklist <= 6, `${id} checklist`);
  }
});

test('the seed checklist items map to the causes that implement them', () => {
  const byItem = (n: number) => CAUSE_IDS.filter((id) => CAUSES[id].checklist === n);
  assert.deepEqual(byItem(1), ['mtu-blackhole']);
  assert.deepEqual(byItem(2), ['probe-paths-diverge']);
  assert.deepEqual(byItem(3), ['missing-default-deny']);
  assert.deepEqual(byItem(4), ['timeouts-not-explicit']);
  assert.deepEqual(byItem(6), ['conntrack-exhaustion']);
});

test('signatures quote the exact log lines users search for', () => {
  const has = (id: CauseId, s: string) =>
    assert.ok(
      CAUSES[id].signature.some((x) => x.includes(s)),
      `${id} signature lacks "${s}"`,
    );
  has(
    'proxy-timeout',
    'upstream timed out (110: Connection timed out) while reading response header from upstream',
  );
  has('app-not-listening', 'connect() failed (111: Connection refused) while connecting to upstream');
  has('upstream-header-too-big', 'upstream sent too big header while reading response header from upstream');
  has('backend-protocol-mismatch', 'SSL routines:ssl3_get_record:wrong version number');
  has('keepalive-race', 'upstream prematurely closed connection');
  has('conntrack-exhaustion', 'nf_conntrack: table full, dropping packet');
  has('no-endpoints', 'no healthy upstream');
  has('target-port-mismatch', 'upstream connect error or disconnect/reset before headers');
});

test('confirm commands use the documented placeholders only', () => {
  const known = new Set([
    'namespace',
    'service',
    'node-ip',
    'node-port',
    'lb-address',
    'host',
    'path',
    'pod',
    'ingress',
    'controller-namespace',
    'controller-pod',
    'port',
    'target-port',
    'pod-ip',
    'debug-pod',
    'secret',
    'node',
    'kube-proxy-pod',
    'route',
    'deployment',
    'controller-configmap',
    'large-path',
    'external-name',
    'target-group-arn',
  ]);
  for (const id of CAUSE_IDS) {
    for (const cmd of CAUSES[id].confirm) {
      for (const m of cmd.matchAll(/<([a-z-]+)>/g))
        assert.ok(known.has(m[1]), `${id}: unknown placeholder <${m[1]}> in ${cmd}`);
    }
  }
});

test('isCauseId', () => {
  assert.equal(isCauseId('mtu-blackhole'), true);
  assert.equal(isCauseId('mtu'), false);
});

test('checks: unique ids, valid causes, hop of one of their causes, and a table test each', () => {
  const ids = CHECKS.map((c) => c.meta.id);
  assert.equal(new Set(ids).size, ids.length);
  const testDir = path.resolve(import.meta.dirname, '../checks');
  for (const check of CHECKS) {
    assert.match(check.meta.id, /^[a-z][a-z0-9-]*$/);
    assert.ok(check.meta.causes.length > 0);
    for (const id of check.meta.causes) assert.ok(isCauseId(id), `${check.meta.id}: unknown cause ${id}`);
    assert.ok(
      check.meta.causes.some((id) => CAUSES[id].hop === check.meta.hop),
      `${check.meta.id}: hop ${check.meta.hop} is not the hop of any of its causes`,
    );
    assert.ok(
      check.meta.summary.length > 10 && check.meta.docs.length > 40,
      `${check.meta.id}: summary/docs`,
    );
    assert.ok(
      existsSync(path.join(testDir, `${check.meta.id}.test.js`)),
      `${check.meta.id}: no test/checks/${check.meta.id}.test.ts`,
    );
  }
});

test("each cause's detection text names the checks that detect it", () => {
  for (const check of CHECKS) {
    for (const id of check.meta.causes) {
      assert.ok(
        CAUSES[id].detection.includes(check.meta.id),
        `${id}: detection does not mention check ${check.meta.id}`,
      );
    }
  }
});
