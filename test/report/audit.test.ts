import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { renderAuditHtml } from '../../src/report/audit-html.js';
import { renderAuditMarkdown } from '../../src/report/audit-markdown.js';
import type { AuditReport } from '../../src/report/audit-model.js';
import { captureIO } from '../helpers/io.js';
import { assertGolden, FIXTURE_DIR } from './golden.js';

function loadAudit(): AuditReport {
  return JSON.parse(readFileSync(path.join(FIXTURE_DIR, 'audit.json'), 'utf8')) as AuditReport;
}

describe('audit Markdown', () => {
  it('matches its golden file', () => assertGolden('audit.md', renderAuditMarkdown(loadAudit())));

  it('groups findings by route, one table each, every finding once', () => {
    const report = loadAudit();
    const md = renderAuditMarkdown(report);
    const routes = new Set(report.findings.map((f) => f.route).filter((r): r is string => !!r));
    for (const r of routes) assert.ok(md.includes(`#### Route \`${r}\``), r);
    assert.ok(md.includes('#### Not tied to one route'));
    const rows = md.split('\n').filter((l) => /^\| (❌ error|⚠️ warning|ℹ️ info) \|/.test(l));
    assert.equal(rows.length, report.findings.length);
  });

  it('says clearly when there is nothing to fix', () => {
    const report = loadAudit();
    report.findings = [];
    report.counts.findings = { error: 0, warning: 0, info: 0 };
    const md = renderAuditMarkdown(report);
    assert.match(md, /^### ✅ ingress-doctor audit: no findings/);
    assert.match(md, /passes/);
  });
});

describe('audit HTML (string level; behaviour is in browser.test.ts)', () => {
  it('one row per finding with the filter attributes, the hop counts in the diagram', () => {
    const report = loadAudit();
    const html = renderAuditHtml(report);
    assert.equal(html.match(/<tr id="finding-\d+"/g)?.length, report.findings.length);
    for (const hop of [1, 2, 3, 4, 5]) {
      const n = report.findings.filter((f) => f.hop === hop).length;
      assert.ok(html.includes(`id="hop-${hop}" data-hop="${hop}" data-status="`), `hop ${hop} drawn`);
      assert.match(
        html,
        new RegExp(`id="hop-${hop}" data-hop="${hop}" data-status="\\w+" data-count="${n}"`),
      );
    }
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.doesNotMatch(html, /<link\b|\bsrc=|url\(/i);
  });

  it('escapes finding text', () => {
    const report = loadAudit();
    report.findings[0]!.message = '<script>alert(1)</script>';
    report.findings[0]!.route = '"><img src=x>';
    const html = renderAuditHtml(report);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.ok(!html.includes('<img'));
  });
});

describe('audit -o markdown / -o html through the CLI', () => {
  const input = path.join(FIXTURE_DIR, 'audit-input.yaml');

  it('-o markdown renders the findings of the files', async () => {
    const io = captureIO();
    const code = await main(['audit', '-f', input, '-o', 'markdown'], io);
    assert.equal(code, 1, io.err());
    const md = io.out();
    assert.match(md, /^### ❌ ingress-doctor audit: /);
    assert.ok(md.includes('`service-not-found`'), 'the missing cart Service');
    assert.ok(md.includes('`target-port-mismatch`'), 'targetPort 8080 vs containerPort 3000');
    assert.ok(md.includes('audit-input.yaml:'), 'file:line of the objects');
  });

  it('-o html renders one self-contained page', async () => {
    const io = captureIO();
    const code = await main(['audit', '-f', input, '-o', 'html'], io);
    assert.equal(code, 1, io.err());
    const html = io.out();
    assert.match(html, /^<!doctype html>/);
    assert.ok(html.includes('data-cause="service-not-found"'));
    assert.ok(html.includes('data-cause="target-port-mismatch"'));
    assert.ok(html.trimEnd().endsWith('</html>'));
  });
});
