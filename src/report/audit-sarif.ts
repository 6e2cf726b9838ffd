/**
 * `audit -o sarif`: SARIF 2.1.0 for code-scanning UIs. One rule per check; results point at file:line
 * (physicalLocation) for manifests, and at Kind/namespace/name (logicalLocations) for live objects.
 * Pure: report in, string out; the caller passes the working directory relative paths are based on.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CAUSES } from '../causes/catalog.js';
import { type CauseId, HOP_NAMES } from '../causes/types.js';
import type { Finding, Severity } from '../checks/types.js';
import type { AuditCheckRun, AuditReport } from './audit-model.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/ingress-doctor/ingress-doctor';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

export interface SarifOptions {
  /** Base for relative file paths (SRCROOT). Default: process.cwd() is NOT read here; pass it. */
  cwd?: string;
}

function causeOf(id: string) {
  return (CAUSES as Record<string, (typeof CAUSES)[CauseId] | undefined>)[id];
}

function rule(c: AuditCheckRun) {
  const causes = c.causes.map(causeOf).filter((x) => x !== undefined);
  const helpLines = [c.docs || c.summary, ...causes.map((k) => `${k.id}: ${k.fix}`)];
  const helpUri = causes.flatMap((k) => k.references)[0];
  return {
    id: c.id,
    name: c.id.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
    shortDescription: { text: c.summary },
    fullDescription: { text: c.docs || c.summary },
    help: {
      text: helpLines.join('\n\n'),
      markdown: [c.docs || c.summary, ...causes.map((k) => `**${k.id}** (${k.title}): ${k.fix}`)].join(
        '\n\n',
      ),
    },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: {
      hop: c.hop,
      hopName: HOP_NAMES[c.hop],
      causes: c.causes,
      tags: ['kubernetes', 'ingress', ...c.causes],
    },
  };
}

function artifact(file: string, cwd: string | undefined): { uri: string; uriBaseId?: string } {
  if (file === '<stdin>') return { uri: 'stdin' };
  if (path.isAbsolute(file)) {
    if (cwd && file.startsWith(cwd + path.sep)) {
      return {
        uri: path.relative(cwd, file).split(path.sep).map(encodeURIComponent).join('/'),
        uriBaseId: 'SRCROOT',
      };
    }
    return { uri: pathToFileURL(file).href };
  }
  const rel = path.normalize(file).split(path.sep).map(encodeURIComponent).join('/');
  return { uri: rel.replace(/^(\.\/)+/, ''), uriBaseId: 'SRCROOT' };
}

function result(f: Finding, ruleIndex: number, cwd: string | undefined) {
  const o = f.object;
  const fqn = `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
  const logical = { name: o.name, fullyQualifiedName: fqn, kind: 'resource' };
  const location = o.file
    ? {
        physicalLocation: {
          artifactLocation: artifact(o.file, cwd),
          region: { startLine: Math.max(1, o.line ?? 1) },
        },
        logicalLocations: [logical],
      }
    : { logicalLocations: [logical] };
  const text = `${f.message}${f.why ? ` ${f.why}` : ''} Fix: ${f.fix}`;
  return {
    ruleId: f.check,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text },
    locations: [location],
    // Stable across runs and line moves: code-scanning UIs use it to track a result.
    partialFingerprints: { 'ingressDoctor/v1': `${f.check}:${f.cause}:${fqn}:${f.route ?? ''}` },
    properties: {
      cause: f.cause,
      hop: f.hop,
      ...(f.route ? { route: f.route } : {}),
      fix: f.fix,
      ...(f.settings && f.settings.length > 0 ? { settings: f.settings } : {}),
    },
  };
}

export function auditSarif(report: AuditReport, options: SarifOptions = {}) {
  const rules = report.checks.map(rule);
  const index = new Map(report.checks.map((c, i) => [c.id, i]));
  // Findings of a check the report does not list (should not happen) still get a rule.
  for (const f of report.findings) {
    if (index.has(f.check)) continue;
    index.set(f.check, rules.length);
    rules.push(
      rule({
        id: f.check,
        hop: f.hop,
        causes: [f.cause],
        severity: f.severity,
        summary: f.check,
        docs: '',
        findings: 0,
        ms: 0,
      }),
    );
  }
  const notifications = [
    ...report.warnings.map((w) => ({
      level: w.code === 'forbidden' || w.code === 'invalid-object' ? 'warning' : 'error',
      message: { text: w.message },
      ...(w.file
        ? {
            locations: [
              {
                physicalLocation: {
                  artifactLocation: artifact(w.file, options.cwd),
                  ...(w.line ? { region: { startLine: w.line } } : {}),
                },
              },
            ],
          }
        : {}),
      properties: { code: w.code },
    })),
    ...report.checks
      .filter((c) => c.error !== undefined)
      .map((c) => ({ level: 'error', message: { text: `check ${c.id} failed: ${c.error}` } })),
  ];
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ingress-doctor',
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        ...(options.cwd
          ? { originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(options.cwd + path.sep).href } } }
          : {}),
        invocations: [
          {
            executionSuccessful: report.checks.every((c) => c.error === undefined),
            toolExecutionNotifications: notifications,
          },
        ],
        results: report.findings.map((f) => result(f, index.get(f.check) as number, options.cwd)),
        properties: { source: report.source.description, schemaVersion: report.schemaVersion },
      },
    ],
  };
}

export function renderAuditSarif(report: AuditReport, options: SarifOptions = {}): string {
  return `${JSON.stringify(auditSarif(report, options), null, 2)}\n`;
}
