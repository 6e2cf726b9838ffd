import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CHECKS, runChecks } from '../../src/checks/index.js';
import type { Check } from '../../src/checks/types.js';
import { graphOf } from './harness.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/checks');
const load = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

test('a hardened app behind ingress-nginx: no check finds anything (no false positives)', () => {
  const { findings, failures } = runChecks(graphOf(load('hardened.yaml')));
  assert.deepEqual(failures, []);
  assert.deepEqual(
    findings.map((f) => `${f.check} ${f.object.kind}/${f.object.name}: ${f.message}`),
    [],
  );
});

test('the broken app: each classic mistake is found, with file:line of the object', () => {
  const { findings, failures } = runChecks(graphOf(load('broken.yaml')));
  assert.deepEqual(failures, []);
  const got = findings
    .map((f) => `${f.check} ${f.cause} ${f.severity} ${f.object.kind}/${f.object.name}`)
    .sort();
  assert.deepEqual(got, [
    'backend-protocol backend-protocol-mismatch error Ingress/web',
    'backend-protocol backend-protocol-mismatch error Ingress/web-copy',
    'backend-refs service-port-not-found error Ingress/web',
    'default-deny missing-default-deny warning Namespace/shop',
    'duplicate-route duplicate-route error Ingress/web-copy',
    'keepalive-race keepalive-race warning Deployment/web',
    'prestop-drain no-prestop-drain warning Deployment/web',
    'probe-paths probe-paths-diverge warning Deployment/web',
    'service-endpoints no-endpoints error Service/admin',
    'single-replica single-replica warning Deployment/web',
    'timeouts-explicit timeouts-not-explicit warning Ingress/web',
  ]);
  const dup = findings.find((f) => f.check === 'duplicate-route');
  assert.equal(dup?.object.file, 'fixture.yaml');
  assert.equal(dup?.object.line, 74, 'file:line where the second Ingress document starts');
  const svc = findings.find((f) => f.check === 'service-endpoints');
  assert.equal(svc?.object.line, 46);
});

test('a check that throws does not stop the others', () => {
  const boom: Check = {
    meta: {
      id: 'boom',
      hop: 4,
      causes: ['no-endpoints'],
      severity: 'error',
      summary: 'always throws',
      docs: 'x',
    },
    run() {
      throw new Error('bug');
    },
  };
  const { findings, failures } = runChecks(graphOf(load('broken.yaml')), [boom, ...CHECKS]);
  assert.equal(failures.length, 1);
  assert.equal(failures[0].check, 'boom');
  assert.ok(findings.length > 5);
});

test('every check runs on an empty snapshot without findings or errors', () => {
  const { findings, failures } = runChecks(graphOf([]));
  assert.deepEqual(failures, []);
  assert.deepEqual(findings, []);
});
