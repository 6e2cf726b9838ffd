/**
 * The audit for a person at a terminal: findings grouped by route (host/path) and hop, each with the object
 * (file:line), the cause, why it matters and the fix; then what could not be read; a summary line last.
 * Pure: the report in, a string out.
 */

import type { Finding, Severity } from '../checks/types.js';
import { evidenceLine } from '../dataplane/provenance.js';
import {
  type AuditReport,
  auditExitCode,
  describeObject,
  type FindingGroup,
  groupFindings,
  hopName,
} from './audit-model.js';
import { type Paint, painter, type Tone, wrap } from './terminal.js';

export interface AuditTextOptions {
  color?: boolean;
  /** Columns to wrap at (default 100). */
  width?: number;
}

const MARK: Record<Severity, { glyph: string; tone: Tone }> = {
  error: { glyph: '✗', tone: 'fail' },
  warning: { glyph: '!', tone: 'warn' },
  info: { glyph: 'i', tone: 'accent' },
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function renderFinding(f: Finding, paint: Paint, width: number): string[] {
  const m = MARK[f.severity];
  const lines: string[] = [];
  const head = `${paint(m.tone, `${m.glyph} ${f.severity}`)}  ${paint('strong', f.cause)}  ${paint('muted', `[${f.check}]`)}`;
  lines.push(`    ${head}`);
  lines.push(...wrap(describeObject(f.object), width, '      ', '      '));
  lines.push(...wrap(f.message, width, '      ', '      '));
  if (f.why) lines.push(...wrap(f.why, width, `      ${paint('muted', 'why:')} `, '           '));
  lines.push(...wrap(f.fix, width, `      ${paint('accent', 'fix:')} `, '           '));
  for (const s of f.settings ?? [])
    lines.push(...wrap(evidenceLine(s), width, `      ${paint('muted', 'set:')} `, '           '));
  for (const r of f.related ?? [])
    lines.push(...wrap(describeObject(r), width, '      see: ', '           '));
  return lines;
}

function renderGroup(g: FindingGroup, paint: Paint, width: number): string[] {
  const lines: string[] = [];
  lines.push(paint('strong', g.route ?? 'Not tied to a route'));
  for (const h of g.hops) {
    lines.push(`  ${paint('muted', hopName(h.hop))}`);
    for (const f of h.findings) lines.push(...renderFinding(f, paint, width));
  }
  return lines;
}

export function renderAuditText(report: AuditReport, options: AuditTextOptions = {}): string {
  const paint = painter(options.color ?? false);
  const width = options.width ?? 100;
  const out: string[] = [];
  const objects = Object.values(report.counts.objects).reduce((a, b) => a + b, 0);
  out.push(
    `${paint('strong', 'ingress-doctor audit')} of ${report.source.description}: ${plural(objects, 'object')}, ${plural(
      report.counts.routes,
      'route',
    )}, ${plural(report.checks.length, 'check')}`,
  );
  out.push('');
  if (report.findings.length === 0) {
    out.push(paint('pass', '✓ No problems found.'));
    out.push('');
  } else {
    for (const g of groupFindings(report.findings)) {
      out.push(...renderGroup(g, paint, width));
      out.push('');
    }
  }
  const failed = report.checks.filter((c) => c.error !== undefined);
  if (failed.length > 0) {
    out.push(paint('warn', 'Checks that failed to run (their findings are missing; please report this):'));
    for (const c of failed) out.push(...wrap(`${c.id}: ${c.error}`, width, '  ! ', '    '));
    out.push('');
  }
  if (report.warnings.length > 0) {
    out.push(paint('warn', 'Not read:'));
    for (const w of report.warnings) out.push(...wrap(w.message, width, '  ! ', '    '));
    out.push('');
  }
  const unknown = Object.entries(report.unknownKinds).sort(([a], [b]) => (a < b ? -1 : 1));
  if (unknown.length > 0) {
    out.push(
      ...wrap(
        `Ignored kinds audit does not read: ${unknown.map(([k, n]) => `${k} ×${n}`).join(', ')}`,
        width,
        paint('muted', ''),
        '  ',
      ),
    );
    out.push('');
  }
  const c = report.counts.findings;
  const code = auditExitCode(report);
  const summary = `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${c.info} info (fail-on ${report.failOn})`;
  out.push(
    code === 0
      ? paint(c.error + c.warning + c.info === 0 ? 'pass' : 'plain', summary)
      : paint('fail', summary),
  );
  return `${out.join('\n')}\n`;
}
