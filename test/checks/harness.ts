/**
 * Table tests for checks, in the spirit of ESLint's RuleTester: each case is a set of objects (or YAML), the
 * check runs on the real graph (parse → snapshot → buildGraph), and the findings must equal the expected list
 * exactly (count, check, cause, severity, object, route, message substrings).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkInput, runChecks } from '../../src/checks/runner.js';
import type { Check, Finding } from '../../src/checks/types.js';
import { parseManifests, snapshotFromObjects } from '../../src/cluster/parse.js';
import { buildGraph } from '../../src/graph/build.js';
import type { RouteGraph } from '../../src/graph/types.js';
import { assertReadsKept, recordReads } from '../helpers/reduction.js';

export interface Case {
  name: string;
  /** Plain objects, or YAML text (multi-document) when file:line matters. */
  objects: unknown[] | string;
  /** Treat the snapshot as read from a live cluster (pods have status, endpoints are real). */
  live?: boolean;
}

export interface Expected {
  check?: string;
  cause: string;
  severity: string;
  object: { kind: string; name: string; namespace?: string; line?: number };
  route?: string;
  /** Substrings the message must contain. */
  message?: string[];
  /** Substrings the fix must contain. */
  fix?: string[];
}

export interface InvalidCase extends Case {
  findings: Expected[];
}

/** The snapshot of a case; `reduce`: as audit's readers keep it (src/cluster/reduce.ts). */
function snapshotOf(objects: unknown[] | string, live: boolean, reduce: boolean) {
  let snapshot: ReturnType<typeof snapshotFromObjects>;
  if (typeof objects === 'string') {
    const parsed = parseManifests(objects, 'fixture.yaml');
    assert.deepEqual(parsed.warnings, [], 'fixture YAML must parse cleanly');
    snapshot = snapshotFromObjects(parsed.objects, parsed.origins, { reduce });
  } else {
    // Sorting into a snapshot (and reducing) changes objects: the case's own stay as they are written.
    snapshot = snapshotFromObjects(reduce ? structuredClone(objects) : objects, undefined, { reduce });
  }
  snapshot.live = live;
  return snapshot;
}

export function graphOf(objects: unknown[] | string, live = false): RouteGraph {
  return buildGraph(snapshotOf(objects, live, false));
}

/** One check through the runner audit and diagnose use; a check that fails fails the test with its stack. */
export function runCheck(check: Check, c: Case): Finding[] {
  const run = (graph: RouteGraph): Finding[] => {
    const { findings, runs } = runChecks(checkInput(graph), [check]);
    for (const r of runs) assert.equal(r.error, undefined, `check ${r.id} failed: ${r.stack ?? r.error}`);
    return findings;
  };
  const findings = run(graphOf(c.objects, c.live));
  // audit reads the same input reduced to what the checks read: same findings, and no read of a dropped member.
  assert.deepEqual(
    run(buildGraph(snapshotOf(c.objects, c.live ?? false, true))),
    findings,
    'the input as audit keeps it (src/cluster/reduce.ts) gives other findings',
  );
  const { snapshot, reads } = recordReads(snapshotOf(c.objects, c.live ?? false, false));
  run(buildGraph(snapshot));
  assertReadsKept(reads, `${check.meta.id}: `);
  for (const f of findings) {
    assert.equal(typeof f.message, 'string');
    assert.ok(f.fix.length > 0, 'every finding has a fix');
  }
  return findings;
}

function describe(f: Finding): string {
  return `${f.check} ${f.cause} ${f.severity} ${f.object.kind} ${f.object.namespace ?? ''}/${f.object.name} route=${f.route ?? '-'}: ${f.message}`;
}

export function assertFindings(actual: Finding[], expected: Expected[], check: Check): void {
  assert.equal(
    actual.length,
    expected.length,
    `expected ${expected.length} finding(s), got ${actual.length}:\n${actual.map(describe).join('\n')}`,
  );
  expected.forEach((e, i) => {
    const a = actual[i];
    const ctx = `finding ${i}: ${describe(a)}`;
    assert.equal(a.check, e.check ?? check.meta.id, ctx);
    assert.equal(a.cause, e.cause, ctx);
    assert.equal(a.severity, e.severity, ctx);
    assert.equal(a.hop, check.meta.hop, ctx);
    assert.equal(a.object.kind, e.object.kind, ctx);
    assert.equal(a.object.name, e.object.name, ctx);
    if (e.object.namespace !== undefined) assert.equal(a.object.namespace, e.object.namespace, ctx);
    if (e.object.line !== undefined) assert.equal(a.object.line, e.object.line, ctx);
    if (e.route !== undefined) assert.equal(a.route, e.route, ctx);
    for (const s of e.message ?? []) assert.ok(a.message.includes(s), `${ctx}\n  message lacks "${s}"`);
    for (const s of e.fix ?? []) assert.ok(a.fix.includes(s), `${ctx}\n  fix lacks "${s}"`);
  });
}

/** Register one node:test test per case. */
export function tableTest(check: Check, cases: { valid: Case[]; invalid: InvalidCase[] }): void {
  for (const c of cases.valid) {
    test(`${check.meta.id} valid: ${c.name}`, () => assertFindings(runCheck(check, c), [], check));
  }
  for (const c of cases.invalid) {
    test(`${check.meta.id} invalid: ${c.name}`, () => assertFindings(runCheck(check, c), c.findings, check));
  }
}
