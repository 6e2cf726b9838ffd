import { checkErrors, runChecks } from '../checks/runner.js';
import type { Finding } from '../checks/types.js';
import type { NarrowKube } from '../cluster/narrow.js';
import type { SourceWarning } from '../cluster/types.js';
import { buildDataPlane } from '../dataplane/build.js';
import { routeLabel } from '../graph/build.js';
import type { Route } from '../graph/types.js';
import type { VantageProvider } from '../vantage/types.js';
import { buildFacts } from './facts.js';
import { readRoute } from './read-plan.js';
import { runDiagnosis } from './run.js';
import type { Target } from './target.js';
import type { Diagnosis, PhaseResult, RouteFacts } from './types.js';

/** One diagnosis end to end: narrow reads → graph → facts + static findings → phases → verdict → Diagnosis. */

export interface DiagnoseOptions {
  kube: NarrowKube;
  target: Target;
  namespace?: string;
  provider: VantageProvider;
  probePods: boolean;
  probePodsOffReason?: string;
  lbAddress?: string;
  version: string;
  onPhase?: (p: PhaseResult) => void;
  onNote?: (text: string) => void;
  /** API requests made by something other than kube and provider (none today). */
  extraRequests?: () => number;
}

/** Static findings about this route: its own, and those about its Service, pods, policies and controller. */
export function findingsForRoute(
  findings: Finding[],
  route: Route | undefined,
  facts: RouteFacts,
  read: { ingressClasses: boolean } = { ingressClasses: true },
): Finding[] {
  const label = route ? routeLabel(route) : undefined;
  const namespaces = new Set([facts.backend?.namespace, facts.controller?.ref.namespace].filter(Boolean));
  const seen = new Set<string>();
  return findings.filter((f) => {
    // The narrow read leaves out what these would need; their findings would be false.
    if (f.check === 'single-replica') return false; // workloads and PDBs are not read
    if (f.check === 'ingress-class' && !read.ingressClasses) return false;
    if (
      f.check === 'service-endpoints' &&
      !(
        f.object.kind === 'Service' &&
        f.object.name === facts.backend?.service &&
        f.object.namespace === facts.backend?.namespace
      )
    ) {
      return false; // only the route's own Service has its EndpointSlices read
    }
    const keep = f.route
      ? f.route === label
      : f.cause === 'mtu-blackhole' || namespaces.has(f.object.namespace);
    const k = `${f.check}|${f.object.kind}|${f.object.namespace}|${f.object.name}|${f.message}`;
    if (!keep || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export async function diagnose(o: DiagnoseOptions): Promise<Diagnosis> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const {
    graph,
    route: named,
    read,
  } = await readRoute(o.kube, o.target, o.namespace !== undefined ? { namespace: o.namespace } : {});
  const readMs = Date.now() - started;
  const dataplane = buildDataPlane(graph);
  const factsInput: Parameters<typeof buildFacts>[0] = { graph, dataplane, target: read.target };
  if (named) factsInput.route = named;
  if (o.lbAddress) factsInput.lbAddress = o.lbAddress;
  factsInput.ingressClassesRead = read.ingressClassesRead;
  const facts = buildFacts(factsInput);
  const route =
    named ?? (read.target.host ? graph.resolve(read.target.host, read.target.path)?.route : undefined);
  const checked = runChecks({ graph, dataplane });
  const findings = findingsForRoute(checked.findings, route, facts, {
    ingressClasses: read.ingressClassesRead,
  });
  if (o.probePods && facts.nodes.length > 0) o.onNote?.('creating probe pods');
  const result = await runDiagnosis({
    facts,
    findings,
    provider: o.provider,
    probePods: o.probePods,
    ...(o.probePodsOffReason ? { probePodsOffReason: o.probePodsOffReason } : {}),
    ...(o.onPhase ? { onPhase: o.onPhase } : {}),
  });
  // Time to verdict: the probe pods' deletion below is not part of it (reported in timings.cleanupMs).
  const verdictMs = Date.now() - started;
  const cleanupStart = Date.now();
  await o.provider.cleanup();
  const cleanupMs = Date.now() - cleanupStart;
  const warnings = read.warnings.map((w: SourceWarning) => w.message);
  // A check that fails is a bug to report, not a reason to hide it: its findings are missing from this report.
  for (const e of checkErrors(checked.runs)) {
    warnings.push(`check ${e.check} failed and its findings are missing: ${e.error}`);
  }
  if (result.vantages.nodesNotCovered?.length) {
    warnings.push(
      `NodePorts and conntrack were checked from ${result.vantages.nodes.join(', ') || 'no node'} only; not from ${result.vantages.nodesNotCovered.join(', ')} (to stay within the API request budget)`,
    );
  }
  const t = read.target;
  const d: Diagnosis = {
    schemaVersion: 1,
    tool: { name: 'ingress-doctor', version: o.version },
    target: {
      input: o.target.input,
      scheme: t.scheme,
      path: t.path,
      port: t.port,
      ...(t.host ? { host: t.host } : {}),
    },
    hops: result.hops,
    phases: result.phases,
    probes: result.probes,
    findings,
    verdict: result.verdict,
    startedAt,
    durationMs: verdictMs,
    apiRequests: o.kube.requestCount + (o.provider.requestCount?.() ?? 0) + (o.extraRequests?.() ?? 0),
    facts,
    signals: result.signals,
    warnings,
    timings: { readMs, vantagesMs: result.timings.vantagesMs, probesMs: result.timings.probesMs, cleanupMs },
  };
  if (facts.route) {
    const r: NonNullable<Diagnosis['route']> = {
      ref: facts.route.ref,
      path: facts.route.path,
      endpoints: facts.endpoints,
    };
    if (facts.route.host) r.host = facts.route.host;
    if (facts.backend) {
      r.service = { kind: 'Service', namespace: facts.backend.namespace, name: facts.backend.service };
      if (facts.backend.servicePort !== undefined) r.servicePort = facts.backend.servicePort;
      if (facts.backend.targetPort !== undefined) r.targetPort = facts.backend.targetPort;
    }
    if (facts.controller) {
      r.controller = facts.controller.ref;
      if (facts.controller.lbAddress) r.loadBalancerAddress = facts.controller.lbAddress;
      if (facts.controller.nodePort !== undefined) r.nodePort = facts.controller.nodePort;
    }
    d.route = r;
  }
  return d;
}
