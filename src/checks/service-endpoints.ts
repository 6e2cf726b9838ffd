import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { routedServices, routeLabel } from '../graph/routed.js';
import { formatLabels } from '../graph/selector.js';
import type { BackendResolution, Route } from '../graph/types.js';
import { list } from './shape.js';
import type { Check, CheckFinding } from './types.js';

/** Kinds outside the snapshot that create pods a Service may select. */
const POD_OWNING_KINDS = new Set([
  'Rollout',
  'Job',
  'CronJob',
  'CloneSet',
  'DeploymentConfig',
  'Workflow',
  'Revision',
  'KafkaNodePool',
]);

/**
 * Services that route traffic nowhere: a selector that matches no pod, endpoints that are all unready (live,
 * with the reason), or no selector and no endpoints at all. Routed Services are errors; the others warnings.
 */
export const serviceEndpoints: Check = {
  meta: {
    id: 'service-endpoints',
    hop: 4,
    causes: ['no-endpoints'],
    severity: 'error',
    summary: 'Service selector matches no pods, or no endpoint is ready',
    docs:
      'For every Service: a selector must match pods (live pods, or the pod templates of workloads in ' +
      'manifests); when live, at least one endpoint must be ready, and the finding names why pods are not ' +
      '(failing readiness probe, CrashLoopBackOff, Pending). A Service without selector needs EndpointSlices ' +
      'or Endpoints someone manages. Routed Services are errors, unrouted ones warnings.',
  },
  run({ graph }) {
    const routedBy = new Map<V1Service, Route[]>();
    for (const r of routedServices(graph)) routedBy.set(r.service, r.routes);
    const namespacesWithPods = new Set<string>();
    for (const p of graph.snapshot.pods) namespacesWithPods.add(p.metadata?.namespace ?? 'default');
    for (const w of graph.snapshot.workloads) namespacesWithPods.add(w.metadata?.namespace ?? 'default');

    // Manifests may create pods through kinds we do not read (Argo Rollouts, Jobs…): then "no pod" is a guess.
    const unreadOwners = graph.snapshot.live
      ? []
      : Object.keys(graph.snapshot.unknownKinds).filter((k) => POD_OWNING_KINDS.has(k));
    const endpointsRead = graph.snapshot.endpointSlices.length > 0 || graph.snapshot.endpoints.length > 0;
    const findings: CheckFinding[] = [];
    for (const service of graph.snapshot.services) {
      const type = service.spec?.type ?? 'ClusterIP';
      if (type === 'ExternalName') continue;
      const ns = service.metadata?.namespace ?? 'default';
      const name = service.metadata?.name ?? '?';
      const routes = routedBy.get(service) ?? [];
      // Built only for findings: most Services are fine, and refs/labels cost at 10,000 Services.
      const base = () => ({
        severity: routes.length > 0 ? ('error' as const) : ('warning' as const),
        object: graph.ref('Service', service),
        ...(routes.length > 0 ? { route: routeLabel(routes[0]) } : {}),
      });
      // Resolved only when needed: from manifests, the pods a selector matches are all most Services need, and a
      // full resolution per Service (endpoints, nodes, target ports; kept by the graph) was most of this check.
      let resolved: BackendResolution | undefined;
      const resolution = () => {
        resolved ??= graph.resolveBackend({ namespace: ns, serviceName: name });
        return resolved;
      };
      const selector = service.spec?.selector ?? {};

      if (Object.keys(selector).length === 0) {
        const hasEndpoints = resolution().addresses.length > 0;
        if (hasEndpoints || (!graph.snapshot.live && routes.length === 0)) continue;
        // Live, but no endpoint data at all (not listed, or forbidden): absence proves nothing.
        if (graph.snapshot.live && !endpointsRead) continue;
        findings.push({
          ...base(),
          message: `Service ${ns}/${name} has no selector and no Endpoints/EndpointSlices`,
          why: 'Without a selector Kubernetes creates no endpoints; traffic to it has nowhere to go (503).',
          fix:
            `Add spec.selector matching the backend pods' labels, or create an EndpointSlice labelled ` +
            `kubernetes.io/service-name=${name} listing the backend addresses.`,
        });
        continue;
      }

      // The same pods the resolution would give (its Service is this one, its selector a label map).
      const pods =
        graph.service(ns, name) === service && typeof selector === 'object' && !Array.isArray(selector)
          ? graph.podsMatching(ns, selector)
          : resolution().pods;
      if (pods.length === 0) {
        const partialInput = !graph.snapshot.live && !namespacesWithPods.has(ns);
        if (partialInput && routes.length === 0) continue;
        const unsure = partialInput || unreadOwners.length > 0;
        findings.push({
          ...base(),
          ...(unsure ? { severity: 'warning' as const } : {}),
          message:
            `Service ${ns}/${name} selects ${formatLabels(selector)} but no pod` +
            (graph.snapshot.live ? '' : ' or workload pod template') +
            ` in namespace ${ns} has these labels` +
            (partialInput ? ' (the input has no pods or workloads in this namespace)' : '') +
            (unreadOwners.length > 0
              ? ` (the input also has ${unreadOwners.join(', ')} objects, whose pods are not read)`
              : ''),
          why: 'A selector that matches nothing leaves the Service without endpoints: the controller answers 503.',
          fix: `Make spec.selector of Service ${ns}/${name} equal to labels the backend pods carry (kubectl get pods -n ${ns} --show-labels), or fix the pod template labels.`,
        });
        continue;
      }

      if (!graph.snapshot.live) continue;
      const anyReady = resolution().addresses.some((a) => a.ready);
      if (anyReady) continue;
      // Ready pods without ready addresses means endpoint data is missing or lagging, not a broken Service.
      if (pods.some(podIsReady)) continue;
      const reasons = unreadyReasons(pods);
      findings.push({
        ...base(),
        message:
          `Service ${ns}/${name} has no ready endpoint: ${pods.length} pod(s) match ` +
          `${formatLabels(selector)}, none ready` +
          (reasons.length > 0 ? ` (${reasons.join('; ')})` : ''),
        why: 'Only ready pods receive traffic; with none, the controller answers 503 "no healthy upstream".',
        fix:
          'Fix why the pods are not ready: kubectl describe pod / kubectl logs on one of them; a failing ' +
          'readinessProbe needs the app to answer its path with 2xx/3xx on the probed port.',
      });
    }
    return findings;
  },
};

/** Why pods are not ready, from status (deduplicated, at most 3 distinct reasons). */
export function unreadyReasons(pods: readonly V1Pod[]): string[] {
  const reasons: string[] = [];
  const seen = new Set<string>();
  for (const pod of pods) {
    const reason = podUnreadyReason(pod);
    if (!reason || seen.has(reason)) continue;
    seen.add(reason);
    reasons.push(`pod ${pod.metadata?.name ?? '?'}: ${reason}`);
    if (reasons.length >= 3) break;
  }
  return reasons;
}

/** The pod's Ready condition is True (live pods only; templates have no status). */
export function podIsReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** One pod's reason for not being ready, in the words kubectl uses. */
export function podUnreadyReason(pod: V1Pod): string | undefined {
  const status = pod.status;
  if (!status) return undefined;
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  for (const cs of [...list(status.initContainerStatuses), ...list(status.containerStatuses)]) {
    const waiting = cs.state?.waiting;
    if (waiting?.reason && waiting.reason !== 'PodInitializing' && waiting.reason !== 'ContainerCreating') {
      const last = cs.lastState?.terminated?.reason;
      return `container ${cs.name} ${waiting.reason}${last ? ` (last exit: ${last})` : ''}`;
    }
  }
  if (status.phase === 'Pending') {
    const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False')
      return `Pending: ${scheduled.reason ?? 'not scheduled'}${scheduled.message ? ` (${scheduled.message})` : ''}`;
    return 'Pending';
  }
  if (status.phase === 'Failed' || status.phase === 'Succeeded') return status.phase;
  for (const cs of list(status.containerStatuses)) {
    if (cs.state?.running && !cs.ready) {
      const container = pod.spec?.containers?.find((c) => c.name === cs.name);
      const probe = container?.readinessProbe?.httpGet;
      return `container ${cs.name} running but not ready: readiness probe failing${probe ? ` (GET ${probe.path ?? '/'} on port ${probe.port})` : ''}`;
    }
  }
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'False') return `Ready=False${ready.reason ? ` (${ready.reason})` : ''}`;
  return undefined;
}
