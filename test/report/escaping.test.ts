import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnosis } from '../../src/protocol/types.js';
import { escapeHtml, renderDiagnosisHtml } from '../../src/report/diagnose-html.js';
import { code, mdText, renderDiagnosisMarkdown } from '../../src/report/diagnose-markdown.js';
import { renderDiagnosisText } from '../../src/report/diagnose-text.js';
import { loadDiagnosis, SCENARIOS } from './golden.js';

const EVIL = `<script>alert("x")</script> | **bold** [link](http://evil.test) \`tick\` & <img src=x onerror=alert(1)>`;

/** A diagnosis whose every free-text field carries markup, as hostile cluster data could. */
function hostile(): Diagnosis {
  const d = loadDiagnosis('mtu-blackhole');
  d.target.input = `http://app.example.test/${EVIL}`;
  d.verdict.summary = EVIL;
  d.verdict.fix = EVIL;
  d.verdict.confirm = [`echo '${EVIL}'`, 'printf "a`b``c"'];
  d.verdict.unproven = [EVIL];
  d.verdict.also = [{ cause: 'no-endpoints', hop: 4, summary: EVIL }];
  d.hops[0]!.note = EVIL;
  d.phases[0]!.summary = EVIL;
  d.probes[0]!.summary = EVIL;
  d.probes[0]!.command = `curl -H 'X: ${EVIL}' http://x`;
  d.probes[0]!.id = `p"><b>${EVIL}`;
  d.phases[0]!.probeIds[0] = d.probes[0]!.id;
  d.findings[0]!.message = EVIL;
  if (d.route) d.route.controller = { kind: 'Service', namespace: 'ns', name: EVIL };
  return d;
}

describe('HTML escaping', () => {
  it('escapeHtml covers text and attributes', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('no model value becomes markup', () => {
    const html = renderDiagnosisHtml(hostile());
    assert.ok(!html.includes('<script>alert'), 'no injected script element');
    assert.ok(!html.includes('<img'), 'no injected img element');
    assert.ok(!html.includes('<b>'), 'no injected b element');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    // Exactly one script element: ours.
    assert.equal(html.match(/<script/g)?.length, 1);
  });

  for (const name of SCENARIOS) {
    it(`${name}: self-contained (CSP, no external resources)`, () => {
      const html = renderDiagnosisHtml(loadDiagnosis(name));
      assert.match(html, /^<!doctype html>/);
      assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
      assert.doesNotMatch(html, /<link\b|<iframe\b|<object\b|@import|url\(|\bsrc=/i);
      assert.doesNotMatch(html, /<script[^>]+src/i);
      assert.doesNotMatch(html, /href="(?!#)/, 'only in-page links');
    });
  }
});

describe('Markdown escaping', () => {
  it('mdText neutralises markup and keeps intra-word underscores', () => {
    assert.equal(
      mdText('<none> a|b *x* nf_conntrack_max _y_'),
      '&lt;none&gt; a\\|b \\*x\\* nf_conntrack_max \\_y\\_',
    );
  });

  it('code spans survive backticks and pipes', () => {
    assert.equal(code('a`b'), '`` a`b ``');
    assert.equal(code('a|b'), '`a\\|b`');
    assert.equal(code('a|b', false), '`a|b`');
  });

  it('hostile values keep every table row intact and add no HTML', () => {
    const md = renderDiagnosisMarkdown(hostile());
    // Code fences and code spans show their content literally; everything else must be escaped.
    const outsideFences = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
    assert.ok(!outsideFences.includes('<script'), 'no raw script tag outside code fences');
    assert.ok(!outsideFences.includes('<img'), 'no raw img tag outside code fences');
    const lines = md.split('\n');
    const hopRows = lines.filter((l) => /^\| (\*\*)?\d(\*\*)? \|/.test(l));
    assert.equal(hopRows.length, 5, 'five hop rows');
    // Every row of every table has its header's number of cells (an unescaped "|" would add one).
    const cells = (row: string) => row.split(/(?<!\\)\|/).length;
    let header: string | undefined;
    let tables = 0;
    for (const line of lines) {
      if (!line.startsWith('|')) {
        header = undefined;
        continue;
      }
      if (header === undefined) {
        header = line;
        tables++;
      } else assert.equal(cells(line), cells(header), `row keeps its column count: ${line.slice(0, 100)}`);
    }
    assert.ok(tables >= 4, 'hops, phases, probes and findings tables');
  });

  it('confirm commands stay verbatim inside a longer fence', () => {
    const md = renderDiagnosisMarkdown(hostile());
    assert.ok(md.includes('```sh\n'), 'fenced');
    assert.ok(md.includes(`echo '${EVIL}'`), 'the command is verbatim in the fence');
  });
});

describe('text output', () => {
  it('hostile values cannot inject terminal escape codes', () => {
    const d = hostile();
    d.verdict.summary = 'evil \x1b[2J\x1b]0;title\x07 done';
    const text = renderDiagnosisText(d, { color: false, width: 80, explain: false });
    assert.ok(!text.includes('\x1b'), 'control characters are not passed through');
  });
});
