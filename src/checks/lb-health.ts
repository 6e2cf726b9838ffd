import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { ObjectRef } from '../cluster/types.js';
import type { Route, RouteGraph } from '../graph/types.js';
import { proxyFamily, routedServices } from './routed.js';
import { list } from './shape.js';

/** Where a cloud load balancer's health check for a Service is configured, and what it probes. */
export interface LbHealthCheck {
  provider: 'aws-alb' | 'aws-nlb' | 'gke' | 'azure-agic' | 'azure-lb';
  service: V1Service;
  /** The Service port the check concerns, when one (GKE per-port BackendConfig, Azure per-port annotation). */
  servicePort?: V1ServicePort;
  /** Path probed; undefined for GKE without BackendConfig (inferred from the readinessProbe). */
  path?: string;
  /** 'traffic-port' = the port traffic goes to (the targetPort behind the NodePort). */
  port: number | 'traffic-port';
  /** false when the path is the provider's default, not written anywhere. */
  explicit: boolean;
  /** The setting, in the user's words: annotation name or "BackendConfig ns/name spec.healthCheck.requestPath". */
  setting: string;
  /** Object that carries the setting (Ingress, Service or BackendConfig). */
  object: ObjectRef;
  route?: Route;
}

const ALB_PATH = 'alb.ingress.kubernetes.io/healthcheck-path';
const ALB_PORT = 'alb.ingress.kubernetes.io/healthcheck-port';
const NLB_PATH = 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path';
const NLB_PORT = 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port';
const AGIC_PATH = 'appgw.ingress.kubernetes.io/health-probe-path';
const AGIC_PORT = 'appgw.ingress.kubernetes.io/health-probe-port';
const AZ_PATH = 'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path';
const GKE_BC = 'cloud.google.com/backend-config';
const GKE_BC_BETA = 'beta.cloud.google.com/backend-config';

function portValue(raw: string | undefined): number | 'traffic-port' {
  if (raw && /^\d+$/.test(raw)) return Number(raw);
  return 'traffic-port';
}

/**
 * Every LB health check the manifests configure (or imply, for ALB's default "/" and GKE's inference), for
 * routed Services (ALB/AGIC/GKE Ingress backends) and for LoadBalancer Services (NLB/Azure LB annotations,
 * typically the ingress controller's own Service). Services with externalTrafficPolicy Local are skipped for
 * Service-level annotations: cloud providers then probe kube-proxy's healthCheckNodePort instead.
 */
const cache = new WeakMap<RouteGraph, LbHealthCheck[]>();

export function lbHealthChecks(graph: RouteGraph): LbHealthCheck[] {
  const cached = cache.get(graph);
  if (cached) return cached;
  const out: LbHealthCheck[] = [];
  const seen = new Set<string>();
  const push = (hc: LbHealthCheck) => {
    const key = `${hc.provider}|${hc.service.metadata?.namespace}/${hc.service.metadata?.name}|${hc.servicePort?.port ?? ''}|${hc.path}|${hc.object.kind}/${hc.object.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(hc);
  };

  for (const routed of routedServices(graph)) {
    const svc = routed.service;
    const svcAnn = svc.metadata?.annotations ?? {};
    for (const route of routed.routes) {
      const family = proxyFamily(graph, route);
      if (family === 'aws-alb') {
        // The Service annotation overrides the Ingress one (AWS Load Balancer Controller precedence).
        const onService = svcAnn[ALB_PATH] !== undefined;
        const path = svcAnn[ALB_PATH] ?? route.annotations[ALB_PATH];
        // gRPC target groups default to the gRPC health check "/AWS.ALB/healthcheck": not an HTTP path to compare.
        const grpc =
          (route.annotations['alb.ingress.kubernetes.io/backend-protocol-version'] ?? '').toUpperCase() ===
          'GRPC';
        if (path === undefined && grpc) continue;
        push({
          provider: 'aws-alb',
          service: svc,
          path: path ?? '/',
          port: portValue(svcAnn[ALB_PORT] ?? route.annotations[ALB_PORT]),
          explicit: path !== undefined,
          setting: path === undefined ? `${ALB_PATH} (not set: ALB default "/")` : ALB_PATH,
          object: onService ? graph.ref('Service', svc) : route.ref,
          route,
        });
      } else if (family === 'azure-agic' && route.annotations[AGIC_PATH] !== undefined) {
        push({
          provider: 'azure-agic',
          service: svc,
          path: route.annotations[AGIC_PATH],
          port: portValue(route.annotations[AGIC_PORT]),
          explicit: true,
          setting: AGIC_PATH,
          object: route.ref,
          route,
        });
      } else if (family === 'gke') {
        for (const sp of routed.ports) push(gkeHealthCheck(graph, svc, sp, route));
      }
    }
  }

  for (const svc of graph.snapshot.services) {
    if (svc.spec?.externalTrafficPolicy === 'Local') continue;
    const ann = svc.metadata?.annotations ?? {};
    if (ann[NLB_PATH] !== undefined) {
      push({
        provider: 'aws-nlb',
        service: svc,
        path: ann[NLB_PATH],
        port: portValue(ann[NLB_PORT]),
        explicit: true,
        setting: NLB_PATH,
        object: graph.ref('Service', svc),
      });
    }
    for (const sp of list(svc.spec?.ports)) {
      const perPort = `service.beta.kubernetes.io/port_${sp.port}_health-probe_request-path`;
      const key = ann[perPort] !== undefined ? perPort : ann[AZ_PATH] !== undefined ? AZ_PATH : undefined;
      if (!key) continue;
      push({
        provider: 'azure-lb',
        service: svc,
        servicePort: sp,
        path: ann[key],
        port: 'traffic-port',
        explicit: true,
        setting: key,
        object: graph.ref('Service', svc),
      });
    }
  }
  cache.set(graph, out);
  return out;
}

function gkeHealthCheck(graph: RouteGraph, svc: V1Service, sp: V1ServicePort, route: Route): LbHealthCheck {
  const ann = svc.metadata?.annotations ?? {};
  const raw = ann[GKE_BC] ?? ann[GKE_BC_BETA];
  const bcName = raw ? backendConfigName(raw, sp) : undefined;
  const ns = svc.metadata?.namespace ?? 'default';
  const bc = bcName
    ? graph.snapshot.backendConfigs.find((b) => b.metadata?.namespace === ns && b.metadata?.name === bcName)
    : undefined;
  const requestPath = bc?.spec?.healthCheck?.requestPath;
  if (bc && requestPath) {
    return {
      provider: 'gke',
      service: svc,
      servicePort: sp,
      path: requestPath,
      port: bc.spec?.healthCheck?.port ?? 'traffic-port',
      explicit: true,
      setting: `BackendConfig ${ns}/${bcName} spec.healthCheck.requestPath`,
      object: graph.ref('BackendConfig', bc),
      route,
    };
  }
  return {
    provider: 'gke',
    service: svc,
    servicePort: sp,
    port: 'traffic-port',
    explicit: false,
    setting: 'GKE health check inferred from the readinessProbe (no BackendConfig healthCheck)',
    object: graph.ref('Service', svc),
    route,
  };
}

/** `{"default":"bc"}` or `{"ports":{"80":"bc","http":"bc2"}}` → the BackendConfig name for this port. */
export function backendConfigName(raw: string, sp: V1ServicePort): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const obj = parsed as { default?: unknown; ports?: Record<string, unknown> };
  const ports = obj.ports && typeof obj.ports === 'object' ? obj.ports : {};
  const byPort = ports[String(sp.port)] ?? (sp.name ? ports[sp.name] : undefined);
  const name = byPort ?? obj.default;
  return typeof name === 'string' ? name : undefined;
}
