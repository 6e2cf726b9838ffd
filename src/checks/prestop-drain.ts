import type { V1Pod } from '@kubernetes/client-node';
import { routedBackends, routeLabel } from '../graph/routed.js';
import type { Route } from '../graph/types.js';
import {
  distinctByOwner,
  podOwnerName,
  podRef,
  resolveTargetPort,
  type ServedPod,
  servingContainersOnce,
  targetPortOf,
} from './pod-spec.js';
import { strings } from './shape.js';
import type { Check, CheckFinding } from './types.js';

/** Seconds a preStop hook waits, when it is a plain sleep (exec sleep N, or the sleep action). */
export function preStopSleepSeconds(pod: V1Pod, containerName: string): number | undefined {
  const c = pod.spec?.containers?.find((x) => x.name === containerName);
  const preStop = c?.lifecycle?.preStop as
    | { exec?: { command?: string[] }; sleep?: { seconds?: number } }
    | undefined;
  if (preStop?.sleep?.seconds !== undefined) return preStop.sleep.seconds;
  const cmd = strings(preStop?.exec?.command).join(' ');
  const m = /\bsleep\s+(\d+)/.exec(cmd);
  return m ? Number(m[1]) : undefined;
}

/**
 * Pods behind a load balancer (routed backends, and the ingress controller pods the cloud LB sends to) need a
 * preStop pause so endpoint removal and LB deregistration finish before the process stops; and the pause must
 * fit inside terminationGracePeriodSeconds.
 */
export const prestopDrain: Check = {
  meta: {
    id: 'prestop-drain',
    hop: 5,
    causes: ['no-prestop-drain'],
    severity: 'warning',
    summary: 'Pods behind a load balancer have no preStop drain',
    docs:
      'Flags the serving container of routed backend pods and of ingress controller pods without ' +
      'lifecycle.preStop, and preStop sleeps not shorter than terminationGracePeriodSeconds (default 30).',
  },
  run({ graph, dataplane }) {
    const targets: (ServedPod & { route?: Route; role: string })[] = [];
    for (const { route, resolution } of routedBackends(graph)) {
      if (!resolution.servicePort) continue;
      for (const pod of distinctByOwner(graph, resolution.pods)) {
        targets.push({
          pod,
          port: resolveTargetPort(pod, targetPortOf(resolution.servicePort)),
          route,
          role: 'routed backend',
        });
      }
    }
    for (const controller of dataplane.controllers()) {
      for (const pod of distinctByOwner(graph, controller.pods))
        targets.push({ pod, role: 'ingress controller' });
    }
    const findings: CheckFinding[] = [];
    for (const [{ pod, route, role }, container] of servingContainersOnce(graph, targets)) {
      const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
      // Built only for a finding: most serving containers have a fitting preStop.
      const base = () => ({
        severity: 'warning' as const,
        object: podRef(graph, pod),
        ...(route ? { route: routeLabel(route) } : {}),
      });
      if (!container.lifecycle?.preStop) {
        findings.push({
          ...base(),
          message: `Container ${container.name} in ${podOwnerName(graph, pod)} (${role}) has no preStop hook`,
          why: 'On rollout or scale-down the process stops while the controller and the LB still send it requests: 502s and resets on every deploy.',
          fix: `Add lifecycle.preStop to container ${container.name}: exec {command: ["sleep", "15"]} (or sleep {seconds: 15}), keeping terminationGracePeriodSeconds (${grace}) above the sleep plus shutdown time.`,
        });
        continue;
      }
      const sleep = preStopSleepSeconds(pod, container.name);
      if (sleep !== undefined && sleep >= grace) {
        findings.push({
          ...base(),
          message: `Container ${container.name} in ${podOwnerName(graph, pod)}: preStop sleeps ${sleep} s, not less than terminationGracePeriodSeconds ${grace}`,
          why: 'The kubelet kills the container when the grace period ends, before the app can finish in-flight requests.',
          fix: `Set terminationGracePeriodSeconds above ${sleep} plus the app's shutdown time (e.g. ${sleep + 15}), or shorten the preStop sleep.`,
        });
      }
    }
    return findings;
  },
};
