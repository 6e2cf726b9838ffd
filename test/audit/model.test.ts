import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkInput, runChecks } from '../../src/checks/runner.js';
import type { Check, Finding } from '../../src/checks/types.js';
import { snapshotFromObjects } from '../../src/cluster/parse.js';
import { buildGraph } from '../../src/graph/build.js';
import { renderAuditJson } from '../../src/report/audit-json.js';
import {
  auditExitCode,
  buildAuditReport,
  groupFindings,
  sortFindings,
} from '../../src/report/audit-model.js';
import { renderAuditText } from '../../src/report/audit-text.js';

const finding = (over: Partial<Finding>): Finding => ({
  check: 'c',
  cause: 'no-endpoints',
  hop: 4,
  severity: 'warning',
  object: { kind: 'Service', namespace: 'a', name: 's' },
  message: 'm',
  fix: 'f',
  ...over,
});

const check = (id: string, run: Check['run']): Check => ({
  meta: {
    id,
    hop: 4,
    causes: ['no-endpoints'],
    severity: 'warning',
    summary: `${id} summary`,
    docs: `${id} docs`,
  },
  run,
});

const graph = buildGraph(snapshotFromObjects([]));

describe('runChecks', () => {
  it('records a check that throws instead of aborting, and keeps the others’ findings', () => {
    const r = runChecks(checkInput(graph), [
      check('boom', () => {
        throw new Error('cannot read properties of undefined');
      }),
      check('ok', () => [finding({})]),
    ]);
    assert.deepEqual(
      r.runs.map((x) => [x.id, x.findings, x.error]),
      [
        ['boom', 0, 'cannot read properties of undefined'],
        ['ok', 1, undefined],
      ],
    );
    assert.equal(r.findings.length, 1);
  });

  it('reports the same problem once', () => {
    const r = runChecks(checkInput(graph), [
      check('dup', () => [finding({ check: 'dup' }), finding({ check: 'dup' })]),
    ]);
    assert.equal(r.findings.length, 1);
  });
});

describe('ordering, grouping and exit codes', () => {
  const fs = [
    finding({
      severity: 'info',
      route: 'b.test/',
      object: { kind: 'Ingress', name: 'i', file: 'b.yaml', line: 9 },
    }),
    finding({
      severity: 'error',
      route: 'a.test/',
      hop: 5,
      object: { kind: 'Ingress', name: 'i', file: 'a.yaml', line: 3 },
    }),
    finding({
      severity: 'warning',
      route: 'a.test/',
      hop: 2,
      object: { kind: 'Service', name: 's', file: 'a.yaml', line: 20 },
    }),
    finding({ severity: 'warning', object: { kind: 'Namespace', name: 'a' } }),
  ];

  it('sorts by severity, then file and line', () => {
    assert.deepEqual(
      sortFindings(fs).map((f) => [f.severity, f.object.file, f.object.line]),
      [
        ['error', 'a.yaml', 3],
        ['warning', 'a.yaml', 20],
        ['warning', undefined, undefined],
        ['info', 'b.yaml', 9],
      ],
    );
  });

  it('groups by route (worst first, route-less last), hops in order', () => {
    const groups = groupFindings(sortFindings(fs));
    assert.deepEqual(
      groups.map((g) => [g.route, g.hops.map((h) => h.hop)]),
      [
        ['a.test/', [2, 5]],
        ['b.test/', [4]],
        [undefined, [4]],
      ],
    );
  });

  it('exits 1 only for findings at or above --fail-on', () => {
    const warnOnly = [finding({ severity: 'warning' })];
    assert.equal(auditExitCode({ findings: warnOnly, failOn: 'error' }), 0);
    assert.equal(auditExitCode({ findings: warnOnly, failOn: 'warning' }), 1);
    assert.equal(auditExitCode({ findings: warnOnly, failOn: 'info' }), 1);
    assert.equal(auditExitCode({ findings: warnOnly, failOn: 'never' }), 0);
    assert.equal(auditExitCode({ findings: [], failOn: 'info' }), 0);
  });

  it('renders a failed check in text and JSON so it is not silently missing', () => {
    const report = buildAuditReport({
      graph,
      checks: [
        check('boom', () => {
          throw new Error('bug');
        }),
      ],
      source: { kind: 'files', description: 'files x' },
      version: '0.0.0',
      now: () => new Date('2026-01-02T03:04:05Z'),
    });
    assert.match(renderAuditText(report), /Checks that failed to run[\s\S]*boom: bug/);
    const json = JSON.parse(renderAuditJson(report));
    assert.equal(json.generatedAt, '2026-01-02T03:04:05.000Z');
    assert.deepEqual(json.checks[0], {
      id: 'boom',
      hop: 4,
      causes: ['no-endpoints'],
      severity: 'warning',
      summary: 'boom summary',
      findings: 0,
      error: 'bug',
    });
  });
});
