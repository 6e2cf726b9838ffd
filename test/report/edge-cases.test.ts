import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnosis } from '../../src/protocol/types.js';
import { renderDiagnosisHtml } from '../../src/report/diagnose-html.js';
import { renderDiagnosisMarkdown } from '../../src/report/diagnose-markdown.js';
import { renderDiagnosisText } from '../../src/report/diagnose-text.js';
import { visibleWidth } from '../../src/report/terminal.js';
import { loadDiagnosis } from './golden.js';

/** The least a producer can give: no route resolved, nothing measured, an inconclusive verdict. */
function minimal(): Diagnosis {
  return {
    schemaVersion: 1,
    tool: { name: 'ingress-doctor', version: '0.1.0' },
    target: { input: 'shop.example.test', scheme: 'http', host: 'shop.example.test', path: '/' },
    hops: [],
    phases: [],
    probes: [],
    findings: [],
    verdict: {
      status: 'inconclusive',
      summary: 'No route matches shop.example.test/ and the load balancer could not be reached from here.',
      confirm: [],
      evidence: [],
      also: [],
      unproven: ['every hop: nothing could be measured'],
    },
    startedAt: '2026-11-26T04:00:00.000Z',
    durationMs: 12,
    apiRequests: 2,
  };
}

describe('renderers on thin or unusual models', () => {
  it('a minimal inconclusive diagnosis renders everywhere, every hop "not tested"', () => {
    const d = minimal();
    const text = renderDiagnosisText(d, { color: false, width: 80, explain: true });
    assert.equal((text.match(/· not tested/g) ?? []).length, 5);
    assert.match(text, /VERDICT {2}\? inconclusive/);
    assert.match(text, /route {3}not resolved/);
    assert.equal(text.trimEnd().split('\n').at(-1), '→ inconclusive: see UNPROVEN above');
    for (const line of text.split('\n')) assert.ok(visibleWidth(line) <= 80);
    const md = renderDiagnosisMarkdown(d);
    assert.match(md, /^### ❔ ingress-doctor: inconclusive/);
    assert.equal((md.match(/➖ not tested/g) ?? []).length, 5);
    const html = renderDiagnosisHtml(d);
    assert.equal(
      (html.match(/data-status="not-tested"/g) ?? []).length,
      10,
      'five hops in the diagram and the table',
    );
    assert.ok(!html.includes('data-failing'));
  });

  it("the application's own answer through a healthy path is shown as the app's, not as a fault", () => {
    const d = loadDiagnosis('healthy');
    d.target.input = 'http://app.example.test/status/500';
    d.verdict.applicationAnswer = {
      status: 500,
      summary: 'the app answers 500 the same directly and through the LB',
    };
    const text = renderDiagnosisText(d, { color: false, width: 80, explain: false });
    assert.match(text, /VERDICT {2}✓ healthy/);
    assert.match(text, /The application itself answered HTTP 500/);
    assert.equal(text.trimEnd().split('\n').at(-1), '→ healthy (the application answered 500)');
    assert.match(renderDiagnosisMarkdown(d), /\*\*The application itself answered HTTP 500:\*\*/);
    assert.match(renderDiagnosisHtml(d), /id="application-answer">The application itself answered HTTP 500/);
  });

  it('a cause id this version does not know is shown as is', () => {
    const d = loadDiagnosis('mtu-blackhole');
    (d.verdict as { cause: string }).cause = 'future-cause';
    const text = renderDiagnosisText(d, { color: false, width: 80, explain: false });
    assert.match(text, /\n {2}future-cause \(high confidence\)\n/);
    assert.match(renderDiagnosisHtml(d), /data-cause="future-cause"/);
  });

  it('probes no phase lists still appear in the evidence', () => {
    const d = loadDiagnosis('healthy');
    d.phases[0]!.probeIds = [];
    d.probes.push({ ...d.probes[0]!, id: 'p9-extra', phase: 'cluster' });
    const text = renderDiagnosisText(d, { color: false, width: 80, explain: false });
    assert.ok(text.includes('p1-service'));
    assert.ok(text.includes('p9-extra'));
    assert.ok(renderDiagnosisHtml(d).includes('data-probe="p9-extra"'));
    assert.ok(renderDiagnosisMarkdown(d).includes('`p9-extra`'));
  });

  it('a very long target and notes are cut or wrapped, never overflow', () => {
    const d = loadDiagnosis('mtu-blackhole');
    d.target.input = `http://app.example.test/${'x'.repeat(200)}`;
    d.hops[4]!.note = 'y'.repeat(300);
    d.route!.controller = { kind: 'Service', namespace: 'ingress-nginx', name: 'z'.repeat(120) };
    for (const width of [60, 80, 120]) {
      const text = renderDiagnosisText(d, { color: true, width, explain: true });
      for (const line of text.split('\n')) assert.ok(visibleWidth(line) <= width, `${width}: ${line}`);
    }
  });
});
