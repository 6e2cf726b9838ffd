/**
 * Where a cloud load balancer's health check is configured, and what it probes: for routed Services (ALB/AGIC/GKE
 * Ingress backends) and for LoadBalancer Services (NLB/Azure LB annotations, typically the ingress controller's
 * own Service). Services with externalTrafficPolicy Local are skipped for Service-level annotations in the list:
 * cloud providers then probe kube-proxy's healthCheckNodePort instead.
 */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { ObjectRef } from '../cluster/types.js';
import { arr } from '../graph/indexes.js';
import { routedServices } from '../graph/routed.js';
import type { Route, RouteGraph } from '../graph/types.js';
import { ALB_PREFIX } from './families/aws-alb.js';
import { AGIC_PREFIX } from './families/azure-agic.js';
import { backendConfigFor } from './families/gce.js';
import type { DataPlane, HealthCheckValue, Provenance, Setting } from './types.js';

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
  /** Where the path comes from. */
  from: Provenance;
  protocol?: string;
  intervalS?: number;
  /** Where the protocol and interval come from. */
  parts?: HealthCheckValue['parts'];
}

const ALB_PATH = `${ALB_PREFIX}healthcheck-path`;
const ALB_PORT = `${ALB_PREFIX}healthcheck-port`;
const ALB_PROTOCOL = `${ALB_PREFIX}healthcheck-protocol`;
const ALB_INTERVAL = `${ALB_PREFIX}healthcheck-interval-seconds`;
const NLB_PATH = 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path';
const NLB_PORT = 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port';
const AGIC_PATH = `${AGIC_PREFIX}health-probe-path`;
const AGIC_PORT = `${AGIC_PREFIX}health-probe-port`;
const AZ_PATH = 'service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path';
const ALB_HEALTH_DOC =
  'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#health-check';
const GKE_HEALTH_DOC = 'https://cloud.google.com/kubernetes-engine/docs/concepts/ingress#health_checks';

function portValue(raw: string | undefined): number | 'traffic-port' {
  if (raw && /^\d+$/.test(raw)) return Number(raw);
  return 'traffic-port';
}

function annotation(object: ObjectRef, key: string, raw: string): Provenance {
  return { kind: 'annotation', object, key, raw };
}

const cache = new WeakMap<RouteGraph, LbHealthCheck[]>();

/** Every LB health check the input configures (or implies, for ALB's default "/" and GKE's inference). */
export function lbHealthChecks(graph: RouteGraph, dataplane: DataPlane): LbHealthCheck[] {
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
      const family = dataplane.familyOf(route);
      if (family === 'aws-alb') {
        // The Service annotation overrides the Ingress one (AWS Load Balancer Controller precedence).
        const onService = svcAnn[ALB_PATH] !== undefined;
        const path = svcAnn[ALB_PATH] ?? route.annotations[ALB_PATH];
        // gRPC target groups default to the gRPC health check "/AWS.ALB/healthcheck": not an HTTP path to compare.
        const grpc =
          (route.annotations[`${ALB_PREFIX}backend-protocol-version`] ?? '').toUpperCase() === 'GRPC';
        if (path === undefined && grpc) continue;
        const object = onService ? graph.ref('Service', svc) : route.ref;
        push({
          ...albExtras(graph, svc, route),
          provider: 'aws-alb',
          service: svc,
          path: path ?? '/',
          port: portValue(svcAnn[ALB_PORT] ?? route.annotations[ALB_PORT]),
          explicit: path !== undefined,
          setting: path === undefined ? `${ALB_PATH} (not set: ALB default "/")` : ALB_PATH,
          object,
          route,
          from:
            path === undefined
              ? {
                  kind: 'default',
                  default: {
                    family: 'aws-alb',
                    setting: 'lb-health-check',
                    value: '/',
                    version: null,
                    source: { url: ALB_HEALTH_DOC },
                    setBy: [`annotation ${ALB_PATH} (Ingress or Service)`],
                  },
                }
              : annotation(object, ALB_PATH, path),
        });
      } else if (family === 'azure-agic' && route.annotations[AGIC_PATH] !== undefined) {
        const path = route.annotations[AGIC_PATH] as string;
        push({
          provider: 'azure-agic',
          service: svc,
          path,
          port: portValue(route.annotations[AGIC_PORT]),
          explicit: true,
          setting: AGIC_PATH,
          object: route.ref,
          route,
          from: annotation(route.ref, AGIC_PATH, path),
        });
      } else if (family === 'gce') {
        for (const sp of routed.ports) push(gkeHealthCheck(graph, svc, sp, route));
      }
    }
  }

  for (const svc of graph.snapshot.services) {
    if (svc.spec?.externalTrafficPolicy === 'Local') continue;
    const ann = svc.metadata?.annotations ?? {};
    const ref = graph.ref('Service', svc);
    if (ann[NLB_PATH] !== undefined) {
      push({
        provider: 'aws-nlb',
        service: svc,
        path: ann[NLB_PATH],
        port: portValue(ann[NLB_PORT]),
        explicit: true,
        setting: NLB_PATH,
        object: ref,
        from: annotation(ref, NLB_PATH, ann[NLB_PATH]),
      });
    }
    for (const sp of arr<V1ServicePort>(svc.spec?.ports)) {
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
        object: ref,
        from: annotation(ref, key, ann[key] as string),
      });
    }
  }
  cache.set(graph, out);
  return out;
}

/** ALB health-check protocol and interval (Service annotation over Ingress annotation), with provenance. */
function albExtras(
  graph: RouteGraph,
  svc: V1Service,
  route: Route,
): Pick<LbHealthCheck, 'protocol' | 'intervalS' | 'parts'> {
  const svcAnn = svc.metadata?.annotations ?? {};
  const pick = (key: string): { raw: string; from: Provenance } | undefined => {
    const onSvc = svcAnn[key];
    if (onSvc !== undefined) return { raw: onSvc, from: annotation(graph.ref('Service', svc), key, onSvc) };
    const onRoute = route.annotations[key];
    return onRoute !== undefined ? { raw: onRoute, from: annotation(route.ref, key, onRoute) } : undefined;
  };
  const out: Pick<LbHealthCheck, 'protocol' | 'intervalS' | 'parts'> = {};
  const parts: NonNullable<LbHealthCheck['parts']> = {};
  const proto = pick(ALB_PROTOCOL);
  if (proto) {
    out.protocol = proto.raw.toUpperCase();
    parts.protocol = proto.from;
  }
  const interval = pick(ALB_INTERVAL);
  const n = Number(interval?.raw);
  if (interval && Number.isFinite(n) && n > 0) {
    out.intervalS = n;
    parts.interval = interval.from;
  }
  if (parts.protocol || parts.interval) out.parts = parts;
  return out;
}

function gkeHealthCheck(graph: RouteGraph, svc: V1Service, sp: V1ServicePort, route: Route): LbHealthCheck {
  const found = backendConfigFor({ graph }, svc, sp);
  const requestPath = found?.bc.spec?.healthCheck?.requestPath;
  const ns = svc.metadata?.namespace ?? 'default';
  if (found && requestPath) {
    const object = graph.ref('BackendConfig', found.bc);
    const hc = found.bc.spec?.healthCheck;
    const extras: Pick<LbHealthCheck, 'protocol' | 'intervalS' | 'parts'> = {};
    const parts: NonNullable<LbHealthCheck['parts']> = {};
    if (typeof hc?.type === 'string') {
      extras.protocol = hc.type.toUpperCase();
      parts.protocol = { kind: 'field', object, path: 'spec.healthCheck.type', raw: hc.type };
    }
    if (typeof hc?.checkIntervalSec === 'number') {
      extras.intervalS = hc.checkIntervalSec;
      parts.interval = {
        kind: 'field',
        object,
        path: 'spec.healthCheck.checkIntervalSec',
        raw: String(hc.checkIntervalSec),
      };
    }
    if (typeof hc?.port === 'number')
      parts.port = { kind: 'field', object, path: 'spec.healthCheck.port', raw: String(hc.port) };
    if (parts.protocol || parts.interval || parts.port) extras.parts = parts;
    return {
      ...extras,
      provider: 'gke',
      service: svc,
      servicePort: sp,
      path: requestPath,
      port: found.bc.spec?.healthCheck?.port ?? 'traffic-port',
      explicit: true,
      setting: `BackendConfig ${ns}/${found.name} spec.healthCheck.requestPath`,
      object,
      route,
      from: { kind: 'field', object, path: 'spec.healthCheck.requestPath', raw: requestPath },
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
    from: {
      kind: 'default',
      default: {
        family: 'gce',
        setting: 'lb-health-check',
        value: 'inferred from the readinessProbe on the serving port, else GET /',
        version: null,
        source: { url: GKE_HEALTH_DOC },
        setBy: [
          'BackendConfig spec.healthCheck, named by the Service annotation cloud.google.com/backend-config',
        ],
      },
    },
  };
}

/** The LB health check as a setting of the model. */
export function healthCheckSetting(hc: LbHealthCheck, graph: RouteGraph): Setting<HealthCheckValue> {
  const value: HealthCheckValue = {
    provider: hc.provider,
    port: hc.port,
    service: graph.ref('Service', hc.service),
  };
  if (hc.path !== undefined) value.path = hc.path;
  if (hc.protocol !== undefined) value.protocol = hc.protocol;
  if (hc.intervalS !== undefined) value.intervalS = hc.intervalS;
  if (hc.parts) value.parts = hc.parts;
  return { value, from: hc.from };
}

/**
 * A Service's own LB health check, as the cloud configures it from its annotations (NLB, Azure LB, ALB on the
 * Service), or kube-proxy's healthCheckNodePort with externalTrafficPolicy Local.
 */
export function serviceHealthCheck(svc: V1Service, graph: RouteGraph): Setting<HealthCheckValue> | undefined {
  const a = svc.metadata?.annotations ?? {};
  const ref = graph.ref('Service', svc);
  for (const k of [NLB_PATH, AZ_PATH, ALB_PATH]) {
    const path = a[k];
    if (!path) continue;
    const portText = a[NLB_PORT];
    const port = portText && /^\d+$/.test(portText) ? Number(portText) : 'traffic-port';
    const provider = k === NLB_PATH ? 'aws-nlb' : k === AZ_PATH ? 'azure-lb' : 'aws-alb';
    const value: HealthCheckValue = { provider, path, port, service: ref };
    if (port !== 'traffic-port') value.parts = { port: annotation(ref, NLB_PORT, portText as string) };
    return { value, from: annotation(ref, k, path) };
  }
  if (svc.spec?.externalTrafficPolicy === 'Local' && svc.spec.healthCheckNodePort) {
    const port = svc.spec.healthCheckNodePort;
    return {
      value: { provider: 'kube-proxy', path: '/healthz', port, protocol: 'HTTP', service: ref },
      from: {
        kind: 'field',
        object: ref,
        path: 'spec.healthCheckNodePort (externalTrafficPolicy: Local)',
        raw: String(port),
      },
    };
  }
  return undefined;
}
