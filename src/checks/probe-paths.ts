import { lbHealthChecks } from '../dataplane/health-checks.js';
import { routedServices, routeLabel } from '../graph/routed.js';
import type { Route } from '../graph/types.js';
import {
  distinctByOwner,
  httpProbe,
  podOwnerName,
  podRef,
  resolveTargetPort,
  type ServedPod,
  servingContainersOnce,
  targetPortOf,
} from './pod-spec.js';
import type { Check, CheckFinding } from './types.js';

/**
 * Seed checklist 2: liveness, readiness and the LB health check should all point at the same endpoint.
 * LB-vs-readiness differences are health-check-path's errors; this check reports liveness ≠ readiness (naming
 * the LB path when one is configured) for the containers serving routed Services and the controller pods.
 */
export const probePaths: Check = {
  meta: {
    id: 'probe-paths',
    hop: 2,
    causes: ['probe-paths-diverge'],
    severity: 'warning',
    summary: 'livenessProbe and readinessProbe check different paths',
    docs:
      'For each container serving a routed Service (and each ingress controller container), compares the ' +
      'httpGet paths of livenessProbe and readinessProbe and, when configured, the LB health-check path. ' +
      'Seed checklist item 2: three different health endpoints are three independent ways to fail silently.',
  },
  run({ graph, dataplane }) {
    const lbPathBySvc = new Map<string, string>();
    for (const hc of lbHealthChecks(graph, dataplane)) {
      if (hc.path) lbPathBySvc.set(`${hc.service.metadata?.namespace}/${hc.service.metadata?.name}`, hc.path);
    }
    const targets: (ServedPod & { route?: Route; svcKey?: string })[] = [];
    for (const routed of routedServices(graph)) {
      const svcKey = `${routed.service.metadata?.namespace}/${routed.service.metadata?.name}`;
      for (const res of routed.resolutions) {
        for (const pod of distinctByOwner(graph, res.pods)) {
          const port = res.servicePort ? resolveTargetPort(pod, targetPortOf(res.servicePort)) : undefined;
          targets.push({ pod, port, route: routed.routes[0], svcKey });
        }
      }
    }
    for (const controller of dataplane.controllers()) {
      const svcKey = `${controller.service.metadata?.namespace}/${controller.service.metadata?.name}`;
      for (const pod of distinctByOwner(graph, controller.pods)) targets.push({ pod, svcKey });
    }

    const findings: CheckFinding[] = [];
    for (const [{ pod, route, svcKey }, container] of servingContainersOnce(graph, targets)) {
      const liveness = httpProbe(container, 'liveness');
      const readiness = httpProbe(container, 'readiness');
      if (!liveness || !readiness || liveness.path === readiness.path) continue;
      const lbPath = svcKey ? lbPathBySvc.get(svcKey) : undefined;
      findings.push({
        severity: 'warning',
        object: podRef(graph, pod),
        ...(route ? { route: routeLabel(route) } : {}),
        message:
          `Container ${container.name} in ${podOwnerName(graph, pod)}: livenessProbe checks ${liveness.path}, ` +
          `readinessProbe checks ${readiness.path}` +
          (lbPath ? `, the load balancer checks ${lbPath}` : ''),
        why:
          'Different health endpoints disagree under failure: the kubelet restarts a pod the LB still sends ' +
          'traffic to, or the LB drops a pod Kubernetes calls Ready (seed checklist 2).',
        fix: `Point livenessProbe.httpGet.path and readinessProbe.httpGet.path of container ${container.name} (and the LB health check) at one endpoint that returns a consistent 200, e.g. ${readiness.path}.`,
      });
    }
    return findings;
  },
};
