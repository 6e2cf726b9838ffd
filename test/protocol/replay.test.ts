import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CAUSES } from '../../src/causes/catalog.js';
import { CAUSE_IDS, type CauseId } from '../../src/causes/types.js';
import { judgeAll, vantagesOf } from '../../src/protocol/run.js';
import type { Diagnosis } from '../../src/protocol/types.js';

/**
 * Recorded evidence: diagnoses captured from the lab (one per fault, by its file name) replayed through
 * today's phases and verdict, with no network. Regenerate with
 * INGRESS_DOCTOR_RECORD_DIR=test/fixtures/diagnose/recorded node --test dist/test/diagnose/
 */
const dir = path.resolve(import.meta.dirname, '../../../test/fixtures/diagnose/recorded');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('there is a recording for every scenario of the matrix', () => {
  assert.ok(files.length >= 18, files.join(', '));
});

for (const file of files) {
  test(`replay ${file}`, () => {
    const d = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Diagnosis;
    assert.ok(d.facts, 'recording has facts');
    const faults = file.replace(/_.*$/, '').split('+');
    // "kube-proxy-down-all-nodes" is the fault kube-proxy-down with a variant: the longest cause id prefix.
    const causeOf = (fault: string): CauseId | undefined =>
      CAUSE_IDS.filter((c) => fault === c || fault.startsWith(`${c}-`)).sort(
        (a, b) => b.length - a.length,
      )[0];
    const first = faults[0] === 'healthy' ? undefined : causeOf(faults[0] ?? '');
    assert.ok(faults[0] === 'healthy' || first, `file ${file} names a cause`);
    const res = judgeAll({
      facts: d.facts,
      probes: d.probes,
      vantages: vantagesOf(d.probes),
      findings: d.findings,
    });
    const v = res.verdict;
    if (!first) {
      assert.equal(v.status, 'healthy', v.summary);
      const app = /_status_500/.test(file) ? 500 : file === 'healthy_.json' ? 404 : undefined;
      assert.equal(v.applicationAnswer?.status, app);
      return;
    }
    assert.equal(v.status, 'broken', v.summary);
    assert.equal(v.cause, first, v.summary);
    assert.equal(v.hop, CAUSES[first].hop);
    assert.equal(v.confidence, d.verdict.confidence);
    for (const other of faults.slice(1))
      assert.ok(
        v.also.some((a) => a.cause === other),
        `also ${other}`,
      );
    // The same verdict the live run printed.
    assert.deepEqual(
      { status: v.status, cause: v.cause, hop: v.hop },
      { status: d.verdict.status, cause: d.verdict.cause, hop: d.verdict.hop },
    );
  });
}
