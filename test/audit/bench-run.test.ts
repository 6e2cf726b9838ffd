import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeSections, splitSections } from '../../bench/run.js';

describe('bench/run: docs/benchmarks.md sections', () => {
  const doc =
    '# Benchmarks\n\nintro\n\n## audit\n\nMachine: old\n\nold audit table\n\n## mtu\n\nMachine: m\n\nmtu table\n';

  it('splits a document into its "## " sections', () => {
    const { sections } = splitSections(doc);
    assert.deepEqual(
      sections.map((s) => s.heading),
      ['## audit', '## mtu'],
    );
  });

  it('replaces the matching section, keeps the others, appends new ones', () => {
    const merged = mergeSections(
      doc,
      ['## audit\n\nnew audit table\n', '## lab\n\nlab table\n'],
      'Machine: new',
    );
    const { sections } = splitSections(merged);
    assert.deepEqual(
      sections.map((s) => s.heading),
      ['## audit', '## mtu', '## lab'],
    );
    assert.match(sections[0].body, /^## audit\n\nMachine: new\n\nnew audit table\n$/);
    assert.doesNotMatch(merged, /old audit table/);
    assert.match(sections[1].body, /mtu table/);
    assert.match(merged, /^# Benchmarks\n/);
  });
});
