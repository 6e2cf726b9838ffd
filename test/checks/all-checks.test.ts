import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CAUSES } from '../../src/causes/catalog.js';
import { CHECKS } from '../../src/checks/index.js';
import { checkErrors, checkInput, runChecks } from '../../src/checks/runner.js';
import type { Check } from '../../src/checks/types.js';
import { graphOf } from './harness.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/checks');
const load = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

test('a hardened app behind ingress-nginx: no check finds anything (no false positives)', () => {
  const { findings, runs } = runChecks(checkInput(graphOf(load('hardened.yaml'))));
  assert.deepEqual(checkErrors(runs), []);
  assert.deepEqual(
    findings.map((f) => `${f.check} ${f.object.kind}/${f.object.name}: ${f.message}`),
    [],
  );
});

test('the broken app: each classic mistake is found, with file:line of the object', () => {
  const { findings, runs } = runChecks(checkInput(graphOf(load('broken.yaml'))));
  assert.deepEqual(checkErrors(runs), []);
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
  const { findings, runs } = runChecks(checkInput(graphOf(load('broken.yaml'))), [boom, ...CHECKS]);
  assert.deepEqual(checkErrors(runs), [{ check: 'boom', error: 'bug' }]);
  assert.match(runs[0]?.stack ?? '', /all-checks/, 'the stack is kept for the bug report');
  assert.ok(findings.length > 5);
});

test('every check runs on an empty snapshot without findings or errors', () => {
  const { findings, runs } = runChecks(checkInput(graphOf([])));
  assert.deepEqual(checkErrors(runs), []);
  assert.deepEqual(findings, []);
});

test('the runner stamps id, hop and cause; a check states only what it found', () => {
  const one: Check = {
    meta: { id: 'one', hop: 4, causes: ['no-endpoints'], severity: 'warning', summary: 's', docs: 'd' },
    run: () => [{ object: { kind: 'Service', name: 'a' }, message: 'm', fix: 'f' }],
  };
  const two: Check = {
    meta: {
      id: 'two',
      hop: 4,
      causes: ['service-not-found', 'service-port-not-found'],
      severity: 'error',
      summary: 's',
      docs: 'd',
    },
    run: () => [
      {
        cause: 'service-port-not-found',
        severity: 'warning',
        object: { kind: 'Ingress', name: 'b' },
        message: 'm',
        fix: 'f',
      },
      // A cause the check does not declare, or none from a check with several: the check's bug, reported as such.
      { object: { kind: 'Ingress', name: 'c' }, message: 'm', fix: 'f' },
    ],
  };
  const { findings, runs } = runChecks(checkInput(graphOf([])), [one, two]);
  assert.deepEqual(findings, [
    {
      check: 'one',
      cause: 'no-endpoints',
      hop: 4,
      severity: 'warning',
      object: { kind: 'Service', name: 'a' },
      message: 'm',
      fix: 'f',
    },
  ]);
  assert.match(runs[1]?.error ?? '', /check two reported cause \(none\), not one of its causes/);
});

test('every check hop is the catalog hop of each of its causes', () => {
  for (const c of CHECKS)
    for (const cause of c.meta.causes) assert.equal(CAUSES[cause].hop, c.meta.hop, `${c.meta.id} ${cause}`);
});
