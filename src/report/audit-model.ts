/**
 * The audit report: one model, rendered as text, JSON, SARIF, Markdown and HTML. Pure data; building it
 * runs the checks (each isolated: a check that throws becomes a report entry, not a crash).
 *
 * JSON schema: docs/json-schema-audit.md (schemaVersion 1). Only add optional fields within version 1.
 */
import { HOP_NAMES, type Hop } from '../causes/types.js';
import { type CheckRun, checkInput, runChecks } from '../checks/runner.js';
import type { Check, Finding, Severity } from '../checks/types.js';
import type { ClusterSnapshot, ObjectRef, SourceWarning } from '../cluster/types.js';
import type { RouteGraph } from '../graph/types.js';

export const AUDIT_SCHEMA_VERSION = 1;

export type FailOn = Severity | 'never';
export const FAIL_ON_VALUES: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export interface AuditSource {
  kind: 'files' | 'live';
  /** Human description, e.g. "context kind-prod (https://…)" or "files k8s/". */
  description: string;
  /** Files read (file inputs). */
  files?: string[];
  context?: string;
  /** The namespace audited; undefined = all namespaces. */
  namespace?: string;
  allNamespaces?: boolean;
  /** API requests made (live). */
  requests?: number;
}

/** How one check ran (the runner's record). */
export type AuditCheckRun = CheckRun;

export interface AuditCounts {
  /** Objects read, by kind (template pods are not counted). */
  objects: Record<string, number>;
  routes: number;
  findings: Record<Severity, number>;
}

export interface AuditReport {
  schemaVersion: typeof AUDIT_SCHEMA_VERSION;
  tool: { name: 'ingress-doctor'; version: string };
  /** ISO 8601. */
  generatedAt: string;
  source: AuditSource;
  failOn: FailOn;
  counts: AuditCounts;
  /** kind → count of objects of kinds audit does not read. */
  unknownKinds: Record<string, number>;
  /** Inputs that could not be read and reads that were skipped (403s, parse errors, invalid objects). */
  warnings: SourceWarning[];
  checks: AuditCheckRun[];
  /** Sorted: severity (error first), then file:line / object, then check. */
  findings: Finding[];
}

function cmp(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      cmp(a.object.file, b.object.file) ||
      cmp(a.object.line, b.object.line) ||
      cmp(a.object.namespace, b.object.namespace) ||
      cmp(a.object.kind, b.object.kind) ||
      cmp(a.object.name, b.object.name) ||
      a.hop - b.hop ||
      cmp(a.check, b.check) ||
      cmp(a.message, b.message),
  );
}

function objectCounts(snapshot: ClusterSnapshot): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (kind: string, n: number) => {
    if (n > 0) counts[kind] = (counts[kind] ?? 0) + n;
  };
  add('Namespace', snapshot.namespaces.length);
  add('Node', snapshot.nodes.length);
  add('Pod', snapshot.pods.length);
  for (const w of snapshot.workloads) add(w.kind, 1);
  add('Service', snapshot.services.length);
  add('Endpoints', snapshot.endpoints.length);
  add('EndpointSlice', snapshot.endpointSlices.length);
  add('Ingress', snapshot.ingresses.length);
  add('IngressClass', snapshot.ingressClasses.length);
  add('NetworkPolicy', snapshot.networkPolicies.length);
  add('ConfigMap', snapshot.configMaps.length);
  add('PodDisruptionBudget', snapshot.podDisruptionBudgets.length);
  add('BackendConfig', snapshot.backendConfigs.length);
  add('Gateway', snapshot.gateways.length);
  add('GatewayClass', snapshot.gatewayClasses.length);
  add('HTTPRoute', snapshot.httpRoutes.length);
  add('GRPCRoute', snapshot.grpcRoutes.length);
  add('BackendTLSPolicy', snapshot.backendTLSPolicies.length);
  return counts;
}

export interface BuildAuditInput {
  graph: RouteGraph;
  checks: readonly Check[];
  source: AuditSource;
  failOn?: FailOn;
  version: string;
  /** Extra warnings beyond the snapshot's (e.g. from the CLI). */
  warnings?: SourceWarning[];
  now?: () => Date;
}

export function buildAuditReport(input: BuildAuditInput): AuditReport {
  const { graph } = input;
  const { findings, runs } = runChecks(checkInput(graph), input.checks);
  const sorted = sortFindings(findings);
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of sorted) bySeverity[f.severity]++;
  return {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    tool: { name: 'ingress-doctor', version: input.version },
    generatedAt: (input.now?.() ?? new Date()).toISOString(),
    source: input.source,
    failOn: input.failOn ?? 'error',
    counts: { objects: objectCounts(graph.snapshot), routes: graph.routes.length, findings: bySeverity },
    unknownKinds: { ...graph.snapshot.unknownKinds },
    warnings: [...graph.snapshot.warnings, ...(input.warnings ?? [])],
    checks: runs,
    findings: sorted,
  };
}

/** 0 when no finding is at or above failOn, else 1 (design.md exit codes). */
export function auditExitCode(report: Pick<AuditReport, 'findings' | 'failOn'>): 0 | 1 {
  if (report.failOn === 'never') return 0;
  const threshold = SEVERITY_RANK[report.failOn];
  return report.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? 1 : 0;
}

/** "shop/web" or "web" for cluster-scoped objects. */
export function objectName(ref: ObjectRef): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/** "Ingress shop/web (k8s/web.yaml:12)". */
export function describeObject(ref: ObjectRef): string {
  const where = ref.file ? ` (${ref.file}${ref.line ? `:${ref.line}` : ''})` : '';
  return `${ref.kind} ${objectName(ref)}${where}`;
}

export function hopName(hop: Hop): string {
  return `hop ${hop}: ${HOP_NAMES[hop]}`;
}

export interface FindingGroup {
  /** "host/path", or undefined for findings about no particular route (namespace, workload…). */
  route?: string;
  hops: { hop: Hop; findings: Finding[] }[];
}

/** Findings grouped by route, then hop (hop order), routes in order of their worst finding. */
export function groupFindings(findings: Finding[]): FindingGroup[] {
  const byRoute = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = f.route ?? '';
    const l = byRoute.get(k);
    if (l) l.push(f);
    else byRoute.set(k, [f]);
  }
  const groups: FindingGroup[] = [];
  for (const [route, list] of byRoute) {
    const hops = new Map<Hop, Finding[]>();
    for (const f of list) {
      const l = hops.get(f.hop);
      if (l) l.push(f);
      else hops.set(f.hop, [f]);
    }
    groups.push({
      ...(route ? { route } : {}),
      hops: [...hops.entries()].sort(([a], [b]) => a - b).map(([hop, fs]) => ({ hop, findings: fs })),
    });
  }
  const worst = (g: FindingGroup) =>
    Math.max(...g.hops.flatMap((h) => h.findings.map((f) => SEVERITY_RANK[f.severity])));
  // Route groups first (worst first, then by name); the route-less group last.
  return groups.sort(
    (a, b) =>
      (a.route === undefined ? 1 : 0) - (b.route === undefined ? 1 : 0) ||
      worst(b) - worst(a) ||
      cmp(a.route, b.route),
  );
}
