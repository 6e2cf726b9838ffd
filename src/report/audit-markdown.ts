import { HOP_NAMES } from '../causes/types.js';
import type { Finding, Severity } from '../checks/types.js';
import { evidenceLine } from '../dataplane/provenance.js';
import { type AuditReport, auditExitCode, describeObject, groupFindings } from './audit-model.js';
import { code, mdText } from './diagnose-markdown.js';

/**
 * The audit as a pull-request / ticket comment (GitHub-flavoured Markdown): a summary line, then the findings
 * grouped by route, one table per route, then warnings and the checks that ran folded away. Pure.
 */
export function renderAuditMarkdown(report: AuditReport): string {
  const out: string[] = [];
  const c = report.counts.findings;
  const total = c.error + c.warning + c.info;
  const fails = auditExitCode(report) === 1;
  const mark = total === 0 ? '✅' : fails ? '❌' : '⚠️';
  out.push(
    `### ${mark} ingress-doctor audit: ${total === 0 ? 'no findings' : `${countWord(c.error, 'error')}, ${countWord(c.warning, 'warning')}, ${c.info} info`}`,
  );
  out.push('');
  const objects = Object.values(report.counts.objects).reduce((a, b) => a + b, 0);
  out.push(
    `**Source:** ${mdText(report.source.description)} · ${objects} objects · ${countWord(report.counts.routes, 'route')} · ` +
      `fail on ${code(report.failOn, false)}: ${fails ? '**fails**' : 'passes'}`,
  );
  out.push('');
  for (const group of groupFindings(report.findings)) {
    const findings = group.hops.flatMap((h) => h.findings);
    out.push(group.route ? `#### Route ${code(group.route, false)}` : '#### Not tied to one route');
    out.push('');
    out.push('| Severity | Hop | Cause | Object | Problem | Fix |');
    out.push('|---|---|---|---|---|---|');
    for (const f of findings) out.push(findingRow(f));
    out.push('');
  }
  if (report.warnings.length > 0) {
    out.push(`<details><summary>Input warnings (${report.warnings.length})</summary>`);
    out.push('');
    for (const w of report.warnings) {
      const where = w.file ? `${w.file}${w.line ? `:${w.line}` : ''}: ` : '';
      out.push(`- ${code(w.code, false)} ${mdText(`${where}${w.message}`)}`);
    }
    out.push('');
    out.push('</details>');
    out.push('');
  }
  const unknown = Object.entries(report.unknownKinds);
  if (unknown.length > 0) {
    out.push(`Kinds not audited: ${unknown.map(([k, n]) => `${mdText(k)} (${n})`).join(', ')}`);
    out.push('');
  }
  if (report.checks.length > 0) {
    out.push(`<details><summary>Checks run (${report.checks.length})</summary>`);
    out.push('');
    out.push('| Check | Hop | Findings | Summary |');
    out.push('|---|---:|---:|---|');
    for (const ch of report.checks) {
      const summary = ch.error ? `${ch.summary} — failed: ${ch.error}` : ch.summary;
      out.push(`| ${code(ch.id)} | ${ch.hop} | ${ch.findings} | ${mdText(summary)} |`);
    }
    out.push('');
    out.push('</details>');
    out.push('');
  }
  out.push(`<sub>${mdText(`${report.tool.name} ${report.tool.version} · ${report.generatedAt}`)}</sub>`);
  return `${out.join('\n')}\n`;
}

const SEVERITY_MARK: Record<Severity, string> = { error: '❌ error', warning: '⚠️ warning', info: 'ℹ️ info' };

function findingRow(f: Finding): string {
  const why = `${f.why ? `<br>${mdText(f.why)}` : ''}${(f.settings ?? []).map((s) => `<br>${mdText(evidenceLine(s))}`).join('')}`;
  return `| ${SEVERITY_MARK[f.severity]} | ${f.hop} ${mdText(HOP_NAMES[f.hop])} | ${code(f.cause)} | ${mdText(
    describeObject(f.object),
  )} | ${mdText(f.message)}${why} | ${mdText(f.fix)} |`;
}

function countWord(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
