import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseManifests, snapshotFromObjects } from '../../src/cluster/parse.js';
import type { ClusterSnapshot } from '../../src/cluster/types.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/graph');

/** A snapshot from a fixture file; fails the test on any parse warning (fixtures are meant to be clean). */
export function loadFixture(name: string, options: { live?: boolean } = {}): ClusterSnapshot {
  const file = path.join(FIXTURES, name);
  const parsed = parseManifests(readFileSync(file, 'utf8'), name);
  const snapshot = snapshotFromObjects(parsed.objects, parsed.origins, options);
  const warnings = [...parsed.warnings, ...snapshot.warnings];
  if (warnings.length > 0) throw new Error(`fixture ${name}: ${warnings.map((w) => w.message).join('; ')}`);
  return snapshot;
}
