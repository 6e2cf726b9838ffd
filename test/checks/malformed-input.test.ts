import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { checkInput, runChecks } from '../../src/checks/runner.js';
import { parseManifests, snapshotFromObjects } from '../../src/cluster/parse.js';
import { buildGraph } from '../../src/graph/build.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/checks');
const GARBAGE: unknown[] = ['x', 7, null, true, {}, [], [1], ['x'], { a: 1 }];

type Json = Record<string, unknown>;

function fieldPaths(o: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      const p = [...prefix, k];
      // kind/apiVersion/name decide which objects exist at all; the parser reports those, not the checks.
      if (p.length === 1 && (k === 'kind' || k === 'apiVersion')) continue;
      if (p.length === 2 && p[0] === 'metadata' && (k === 'name' || k === 'namespace')) continue;
      out.push(p);
      fieldPaths(v, p, out);
    }
  }
  return out;
}

/**
 * Manifests are not schema-checked before the checks run: a field of the wrong type (`ports: 80`, `- null`,
 * `policyTypes: Ingress`) must not make a check throw. Deterministic pseudo-random mutations of the fixtures.
 */
test('checks never throw on fields of the wrong type (400 mutated inputs)', () => {
  const base = ['broken.yaml', 'hardened.yaml'].flatMap(
    (f) => parseManifests(readFileSync(path.join(FIXTURES, f), 'utf8'), f).objects as Json[],
  );
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const ownFailures: string[] = [];
  for (let i = 0; i < 400; i++) {
    const objects = structuredClone(base);
    for (let m = 0; m < 3; m++) {
      const target = objects[Math.floor(rnd() * objects.length)];
      const paths = fieldPaths(target);
      const p = paths[Math.floor(rnd() * paths.length)];
      if (!p) continue;
      let parent: Json = target;
      for (const k of p.slice(0, -1)) parent = parent[k] as Json;
      parent[p[p.length - 1]] = structuredClone(GARBAGE[Math.floor(rnd() * GARBAGE.length)]);
    }
    const { runs } = runChecks(checkInput(buildGraph(snapshotFromObjects(objects))));
    for (const r of runs) {
      if (r.error === undefined) continue;
      // Only the checks' own code is under test here; the graph's robustness is tested with the graph.
      const stack = r.stack ?? r.error;
      const top = stack.split('\n').find((l) => l.includes('file://')) ?? '';
      if (top.includes('/src/checks/'))
        ownFailures.push(`${r.id}: ${stack.split('\n').slice(0, 2).join(' ')}`);
    }
  }
  assert.deepEqual([...new Set(ownFailures)], []);
});
