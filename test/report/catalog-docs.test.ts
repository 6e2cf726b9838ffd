import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CAUSES } from '../../src/causes/catalog.js';
import { CAUSE_IDS } from '../../src/causes/types.js';
import { CHECKS } from '../../src/checks/index.js';
import {
  END_MARKER,
  FIX_COMMAND,
  renderCatalogTable,
  renderCausesDoc,
  replaceBetweenMarkers,
  START_MARKER,
  sectionBetweenMarkers,
} from '../../src/report/catalog-docs.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

test('README.md catalog table is fresh', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = sectionBetweenMarkers(readme);
  assert.notEqual(section, undefined, `README.md lacks the lines ${START_MARKER} and ${END_MARKER}`);
  assert.equal(
    section,
    renderCatalogTable(),
    `README.md catalog table is stale: run \`npm run build && ${FIX_COMMAND}\``,
  );
});

test('docs/causes.md is fresh', () => {
  let doc = '';
  try {
    doc = readFileSync(path.join(ROOT, 'docs', 'causes.md'), 'utf8');
  } catch {}
  assert.equal(
    doc,
    renderCausesDoc(),
    `docs/causes.md is stale or missing: run \`npm run build && ${FIX_COMMAND}\``,
  );
});

test('the table has one row per cause, with its hop, checks and checklist item', () => {
  const table = renderCatalogTable();
  const rows = table.trim().split('\n').slice(2);
  assert.equal(rows.length, CAUSE_IDS.length);
  const row = rows.find((r) => r.includes('`missing-default-deny`'));
  assert.ok(row);
  assert.match(row, /\| 5 \|/);
  assert.match(row, /`default-deny`/);
  assert.match(row, /\| 3 \|$/);
  const hc = rows.find((r) => r.startsWith('| [`health-check-path-mismatch`]'));
  assert.match(hc ?? '', /`health-check-path`, live: /);
});

test('every check appears in the table and the doc; the doc has every field of every cause', () => {
  const table = renderCatalogTable();
  const doc = renderCausesDoc();
  for (const c of CHECKS) {
    assert.ok(table.includes(`\`${c.meta.id}\``), c.meta.id);
    assert.ok(doc.includes(`### check: ${c.meta.id}`), c.meta.id);
  }
  for (const id of CAUSE_IDS) {
    const c = CAUSES[id];
    assert.ok(doc.includes(`### ${id}\n`), id);
    for (const r of c.references) assert.ok(doc.includes(r), `${id} reference`);
    for (const cmd of c.confirm) assert.ok(doc.includes(cmd), `${id} confirm`);
  }
});

test('replaceBetweenMarkers touches only the text between the markers', () => {
  const readme = `# x\nbefore\n${START_MARKER}\nold table\n${END_MARKER}\nafter\n`;
  const out = replaceBetweenMarkers(readme, '| new |\n');
  assert.equal(out, `# x\nbefore\n${START_MARKER}\n| new |\n${END_MARKER}\nafter\n`);
  assert.equal(sectionBetweenMarkers(out ?? ''), '| new |\n');
  assert.equal(replaceBetweenMarkers('no markers', 'x'), undefined);
});
