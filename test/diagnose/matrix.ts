import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { CAUSES } from '../../src/causes/catalog.js';
import type { CauseId } from '../../src/causes/types.js';
import type { Diagnosis } from '../../src/protocol/types.js';
import { probePods, withLab } from '../helpers/lab.js';

/**
 * The acceptance matrix on the lab: `ingress-doctor lab run --name N -- ingress-doctor diagnose URL -o json`,
 * exactly as a user runs it, and the verdict each lab state must get. Set INGRESS_DOCTOR_RECORD_DIR to keep
 * every diagnosis as JSON (the replay fixtures in test/fixtures/diagnose/recorded/ come from there).
 */

export interface Expectation {
  path: string;
  status: Diagnosis['verdict']['status'];
  cause?: CauseId;
  also?: CauseId[];
  applicationAnswer?: number;
  /** Substrings the verdict's summary must contain (e.g. where a setting was read). */
  summaryIncludes?: string[];
}

export interface Scenario {
  /** Lab name: 1–9 of [a-z0-9], distinct per scenario. */
  name: string;
  faults: string[];
  expect: Expectation[];
}

/** A fault diagnosed as its own cause, at the hop where that cause lives. */
export function faultScenario(name: string, fault: string, paths = ['/healthz']): Scenario {
  const cause = fault.split('=')[0] as CauseId;
  return { name, faults: [fault], expect: paths.map((p) => ({ path: p, status: 'broken', cause })) };
}

export async function runScenario(t: TestContext, s: Scenario): Promise<void> {
  const lab = await withLab(t, { name: s.name, faults: s.faults });
  for (const e of s.expect) {
    const url = `http://app.example.test${e.path}`;
    const r = await lab.run(['ingress-doctor', 'diagnose', url, '-o', 'json'], { timeoutMs: 60_000 });
    let d: Diagnosis;
    try {
      d = JSON.parse(r.stdout) as Diagnosis;
    } catch {
      assert.fail(
        `diagnose ${url} on lab ${s.name} printed no JSON (exit ${r.code}): ${r.stderr.slice(-800)}`,
      );
    }
    const dir = process.env.INGRESS_DOCTOR_RECORD_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      const file = `${[...s.faults.map((f) => f.replace('=', '-')), ...(s.faults.length ? [] : ['healthy'])].join('+')}${e.path.replace(/\//g, '_')}.json`;
      writeFileSync(path.join(dir, file), `${JSON.stringify(d, null, 2)}\n`);
    }
    const v = d.verdict;
    const why = `lab ${s.name} [${s.faults.join(', ') || 'healthy'}] ${e.path}: ${v.status} ${v.cause ?? ''} hop ${v.hop ?? ''} — ${v.summary}\n${d.phases
      .map((p) => `  phase ${p.number} ${p.status}: ${p.summary}`)
      .join('\n')}`;
    assert.equal(v.status, e.status, why);
    assert.equal(r.code, e.status === 'healthy' ? 0 : e.status === 'broken' ? 1 : 3, `exit code: ${why}`);
    if (e.cause) {
      assert.equal(v.cause, e.cause, why);
      assert.equal(v.hop, CAUSES[e.cause].hop, why);
      assert.ok(v.evidence.length > 0, why);
    } else {
      assert.equal(v.cause, undefined, why);
    }
    for (const a of e.also ?? [])
      assert.ok(
        v.also.some((x) => x.cause === a),
        `also ${a}: ${why}`,
      );
    // Nothing misattributed: a single fault names no other cause.
    if (!e.also) assert.deepEqual(v.also, [], `unexpected also[]: ${why}`);
    for (const text of e.summaryIncludes ?? []) assert.ok(v.summary.includes(text), `"${text}": ${why}`);
    if (e.applicationAnswer) assert.equal(v.applicationAnswer?.status, e.applicationAnswer, why);
    else assert.equal(v.applicationAnswer, undefined, why);
    // The tool mutates nothing but its own probe pods, and deletes them.
    assert.ok(d.apiRequests <= 20, `at most 20 API requests, got ${d.apiRequests}`);
    const left = await probePods(lab);
    assert.equal(left, '', `probe pods left behind: ${left}`);
  }
}
