import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PHASES } from '../../src/protocol/phases/index.js';

const SRC = path.resolve(import.meta.dirname, '../../../src');

test('the phases, in order: numbers 1–5, and every hop cleared by exactly one phase', () => {
  assert.deepEqual(
    PHASES.map((p) => [p.number, p.id]),
    [
      [1, 'cluster'],
      [2, 'service'],
      [3, 'nodeport'],
      [4, 'loadbalancer'],
      [5, 'internet'],
    ],
  );
  assert.deepEqual(PHASES.flatMap((p) => p.clears).sort(), [1, 2, 3, 4, 5]);
  for (const p of PHASES) {
    for (const k of ['does', 'ifPass', 'ifFail', 'ifSkipped'] as const)
      assert.ok(p.explain[k].length > 20, `${p.id} ${k}`);
  }
});

test("no module reads another phase's probes by id: only the phase that plans a probe names it", () => {
  const own: Record<string, string> = {
    p1: 'cluster',
    p2: 'service',
    p3: 'nodeport',
    p4: 'loadbalancer',
    p5: 'internet',
  };
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'lab') walk(p);
      } else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(SRC);
  const offenders: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/['`"](p[1-5])\./g)) {
      const owner = own[m[1] as string];
      if (!f.endsWith(path.join('protocol', 'phases', `${owner}.ts`)))
        offenders.push(`${path.relative(SRC, f)}: ${m[0]}`);
    }
  }
  assert.deepEqual(offenders, []);
});
