import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Diagnosis } from '../../src/protocol/types.js';

/** Golden files live in the source tree (test/golden/report), fixtures in test/fixtures/report. */
export const GOLDEN_DIR = path.resolve(import.meta.dirname, '../../../test/golden/report');
export const FIXTURE_DIR = path.resolve(import.meta.dirname, '../../../test/fixtures/report');

export const SCENARIOS = [
  'healthy',
  'mtu-blackhole',
  'health-check-path-mismatch',
  'no-endpoints',
  'combined',
] as const;

export function loadDiagnosis(name: string): Diagnosis {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, `${name}.json`), 'utf8')) as Diagnosis;
}

/**
 * Compare `actual` with the golden file; with UPDATE_GOLDEN=1 (re)write it instead. A missing golden file is
 * a failure, not a silent pass: run once with UPDATE_GOLDEN=1 and review the diff.
 */
export function assertGolden(file: string, actual: string): void {
  const target = path.join(GOLDEN_DIR, file);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, actual);
    return;
  }
  assert.ok(existsSync(target), `golden file ${target} is missing: run the tests with UPDATE_GOLDEN=1`);
  const expected = readFileSync(target, 'utf8');
  assert.equal(
    actual,
    expected,
    `output differs from ${target} (UPDATE_GOLDEN=1 rewrites it; review the diff)`,
  );
}
