/**
 * `audit -o json`: the report model as documented in docs/json-schema-audit.md (schemaVersion 1).
 * Pure: report in, string out. Field order is stable so diffs of two runs stay readable.
 */

import type { Finding } from '../checks/types.js';
import type { ObjectRef } from '../cluster/types.js';
import type { AuditReport } from './audit-model.js';

function ref(r: ObjectRef): ObjectRef {
  return {
    kind: r.kind,
    ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
    name: r.name,
    ...(r.file !== undefined ? { file: r.file } : {}),
    ...(r.line !== undefined ? { line: r.line } : {}),
  };
}

function finding(f: Finding) {
  return {
    check: f.check,
    cause: f.cause,
    hop: f.hop,
    severity: f.severity,
    object: ref(f.object),
    ...(f.route !== undefined ? { route: f.route } : {}),
    message: f.message,
    ...(f.why !== undefined ? { why: f.why } : {}),
    fix: f.fix,
    ...(f.related && f.related.length > 0 ? { related: f.related.map(ref) } : {}),
    ...(f.settings && f.settings.length > 0 ? { settings: f.settings } : {}),
  };
}

export function auditJson(report: AuditReport) {
  return {
    schemaVersion: report.schemaVersion,
    tool: report.tool,
    generatedAt: report.generatedAt,
    source: report.source,
    failOn: report.failOn,
    counts: report.counts,
    unknownKinds: report.unknownKinds,
    warnings: report.warnings,
    checks: report.checks.map((c) => ({
      id: c.id,
      hop: c.hop,
      causes: c.causes,
      severity: c.severity,
      summary: c.summary,
      findings: c.findings,
      ...(c.error !== undefined ? { error: c.error } : {}),
    })),
    findings: report.findings.map(finding),
  };
}

export function renderAuditJson(report: AuditReport): string {
  return `${JSON.stringify(auditJson(report), null, 2)}\n`;
}
