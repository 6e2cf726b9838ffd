import type { V1Pod, V1ServicePort } from '@kubernetes/client-node';
import { healthCheckSetting, type LbHealthCheck, lbHealthChecks } from '../dataplane/health-checks.js';
import { settingEvidence } from '../dataplane/provenance.js';
import type { DataPlane } from '../dataplane/types.js';
import { routeLabel } from '../graph/routed.js';
import type { RouteGraph } from '../graph/types.js';
import {
  distinctByOwner,
  httpProbe,
  podOwnerName,
  podRef,
  resolveTargetPort,
  servicePods,
  servingContainer,
  targetPortOf,
} from './pod-spec.js';
import { list } from './shape.js';
import type { Check, CheckFinding } from './types.js';

const PROVIDER_NAMES: Record<LbHealthCheck['provider'], string> = {
  'aws-alb': 'AWS ALB',
  'aws-nlb': 'AWS NLB',
  gke: 'GKE load balancer',
  'azure-agic': 'Azure Application Gateway',
  'azure-lb': 'Azure Load Balancer',
};

const ANNOTATION_TO_SET: Record<LbHealthCheck['provider'], string> = {
  'aws-alb': 'alb.ingress.kubernetes.io/healthcheck-path',
  'aws-nlb': 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path',
  gke: 'BackendConfig spec.healthCheck.requestPath',
  'azure-agic': 'appgw.ingress.kubernetes.io/health-probe-path',
  'azure-lb': 'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path',
};

function bare(path: string): string {
  const q = path.search(/[?#]/);
  return q >= 0 ? path.slice(0, q) : path;
}

/**
 * The cloud LB's health check against the readinessProbe of the pods it really checks: an app Service's LB
 * check against the app's probes, the ingress controller Service's against the controller pods' probes (the
 * Service's own selector gives exactly those pods).
 */
export const healthCheckPath: Check = {
  meta: {
    id: 'health-check-path',
    hop: 2,
    causes: ['health-check-path-mismatch'],
    severity: 'error',
    summary: 'Load balancer health-check path/port differs from the readinessProbe',
    docs:
      'Reads the LB health check from AWS ALB (alb.ingress.kubernetes.io/healthcheck-path on the Ingress or ' +
      'Service, default "/"), AWS NLB (service.beta.kubernetes.io/aws-load-balancer-healthcheck-path), GKE ' +
      '(BackendConfig spec.healthCheck.requestPath via cloud.google.com/backend-config, or the readinessProbe ' +
      'GKE infers from), Azure AGIC (appgw.ingress.kubernetes.io/health-probe-path) and Azure LB ' +
      '(service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path), and compares path and port ' +
      "with the readinessProbe of the containers serving the Service's targetPort. An explicit mismatch is an " +
      'error; a provider default that differs is a warning (the app may still answer 200 there).',
  },
  run({ graph, dataplane }) {
    const findings: CheckFinding[] = [];
    for (const hc of lbHealthChecks(graph, dataplane)) findings.push(...compare(graph, dataplane, hc));
    return findings;
  },
};

function compare(graph: RouteGraph, dataplane: DataPlane, hc: LbHealthCheck): CheckFinding[] {
  const svc = hc.service;
  const svcName = `${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name ?? '?'}`;
  const ports: V1ServicePort[] = hc.servicePort ? [hc.servicePort] : list(svc.spec?.ports);
  const findings: CheckFinding[] = [];
  const seen = new Set<string>();
  const lb = PROVIDER_NAMES[hc.provider];
  const nodePorts = new Set<number>(list(svc.spec?.ports).flatMap((p) => (p.nodePort ? [p.nodePort] : [])));
  if (svc.spec?.healthCheckNodePort) nodePorts.add(svc.spec.healthCheckNodePort);

  const nginxServesHealthz = dataplane
    .controllers()
    .some((c) => c.service === svc && c.family === 'ingress-nginx');
  for (const pod of distinctByOwner(graph, servicePods(graph, svc))) {
    for (const port of ports) {
      const tp = resolveTargetPort(pod, targetPortOf(port));
      const container = servingContainer(pod, tp);
      if (!container) continue;
      const key = `${podOwnerName(graph, pod)}|${container.name}`;
      if (seen.has(key)) continue;
      const readiness = httpProbe(container, 'readiness');
      if (!readiness) continue;
      seen.add(key);
      // Message parts are built only for a finding: most (pod, port) pairs have none.
      const where = () =>
        `the readinessProbe of container ${container.name} in ${podOwnerName(graph, pod)} checks ${readiness.path}${readiness.port !== undefined ? ` on port ${readiness.port}` : ''}`;
      const base = () => makeBase(graph, hc, pod);

      if (hc.path === undefined) {
        // GKE infers the check from an HTTP readinessProbe on the serving port; otherwise it probes "/".
        if (readiness.port === undefined || tp === undefined || readiness.port === tp) continue;
        if (bare(readiness.path) === '/') continue;
        findings.push({
          ...base(),
          severity: 'warning',
          message: `${lb} for Service ${svcName} cannot infer its health check from the readinessProbe (port ${readiness.port} is not the serving port ${tp}): it checks GET / on port ${tp}, while ${where()}`,
          why: 'GKE only copies a readinessProbe on the serving port; otherwise "/" must answer 200 or every backend is UNHEALTHY (502).',
          fix: `Add a BackendConfig with spec.healthCheck.requestPath: ${readiness.path} (and port ${readiness.port}) and reference it with the Service annotation cloud.google.com/backend-config: '{"default":"<name>"}'.`,
        });
        continue;
      }

      if (bare(hc.path) !== bare(readiness.path)) {
        findings.push({
          ...base(),
          severity: hc.explicit ? 'error' : 'warning',
          message: `${lb} health check for Service ${svcName} requests ${hc.path} (${hc.setting}), but ${where()}`,
          why:
            'The load balancer and Kubernetes judge health at different endpoints: if the LB path does not answer ' +
            '200 the LB marks every node/pod unhealthy and answers 502/503 while the pods are Ready.',
          fix: `Set ${ANNOTATION_TO_SET[hc.provider]} to ${readiness.path} (on ${hc.object.kind} ${hc.object.namespace ? `${hc.object.namespace}/` : ''}${hc.object.name}), or make the readinessProbe check ${hc.path}.`,
        });
        continue;
      }

      if (readiness.port === undefined) continue;
      const lbPort = hc.port === 'traffic-port' ? tp : hc.port;
      if (lbPort === undefined || lbPort === readiness.port) continue;
      if (hc.port !== 'traffic-port' && nodePorts.has(hc.port)) continue;
      // ingress-nginx's default server answers /healthz on every traffic port (the setup its AKS docs recommend).
      if (nginxServesHealthz && bare(hc.path) === '/healthz') continue;
      findings.push({
        ...base(),
        severity: 'warning',
        message: `${lb} health check for Service ${svcName} requests ${hc.path} on ${hc.port === 'traffic-port' ? `the traffic port (${lbPort})` : `port ${lbPort}`}, but ${where()}`,
        why: 'Same path, different port: the port the LB probes may not serve the health endpoint at all.',
        fix: `Point the LB health-check port at ${readiness.port} (e.g. ${hc.provider === 'aws-alb' ? 'alb.ingress.kubernetes.io/healthcheck-port' : hc.provider === 'aws-nlb' ? 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port' : 'the health-probe port setting'}), or serve ${hc.path} on port ${lbPort}.`,
      });
    }
  }
  return findings;
}

function makeBase(graph: RouteGraph, hc: LbHealthCheck, pod: V1Pod) {
  return {
    object: hc.object,
    ...(hc.route ? { route: routeLabel(hc.route) } : {}),
    related: [graph.ref('Service', hc.service), podRef(graph, pod)],
    settings: [settingEvidence('lb-health-check', healthCheckSetting(hc, graph))],
  };
}
