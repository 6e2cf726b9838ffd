import type { V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { Route, RouteGraph } from '../graph/types.js';
import { distinctByOwner, probePort, resolveTargetPort, servingContainer, targetPortOf } from './pod-spec.js';
import { proxyFamily, routedBackends, routeLabel } from './routed.js';
import { list, str } from './shape.js';
import type { Check, CheckFinding } from './types.js';

/** What the backend port speaks, and how sure we are (explicit appProtocol/name vs a port number guess). */
export interface BackendSpeaks {
  protocol: 'http' | 'https' | 'grpc' | 'grpcs' | 'h2c';
  evidence: string;
  strong: boolean;
}

export function backendSpeaks(
  graph: RouteGraph,
  port: V1ServicePort,
  allPods: readonly V1Pod[],
): BackendSpeaks | undefined {
  // Replicas share a template: one pod per workload is enough evidence, and keeps this cheap for big Deployments.
  const pods = distinctByOwner(graph, allPods);
  const app = str(port.appProtocol)?.toLowerCase();
  if (app) {
    const map: Record<string, BackendSpeaks['protocol']> = {
      http: 'http',
      https: 'https',
      grpc: 'grpc',
      grpcs: 'grpcs',
      h2c: 'h2c',
      'kubernetes.io/h2c': 'h2c',
      'kubernetes.io/ws': 'http',
      'kubernetes.io/wss': 'https',
    };
    const protocol = map[app];
    if (protocol) return { protocol, evidence: `appProtocol ${port.appProtocol}`, strong: true };
  }
  // What the containers show beats the Service port's name: the kubelet probing with scheme HTTPS, or the
  // container port being named https/grpc, is how the app really serves.
  const fromPods = containerEvidence(port, pods);
  if (fromPods) return fromPods;
  const fromName = protocolFromName(str(port.name));
  if (fromName) return { protocol: fromName, evidence: `port name "${port.name}"`, strong: true };
  const target = targetPortOf(port);
  const numbers = new Set<number>();
  if (typeof target === 'number' || /^\d+$/.test(String(target))) {
    numbers.add(Number(target));
  } else {
    for (const pod of pods) {
      const n = resolveTargetPort(pod, target);
      if (n !== undefined) numbers.add(n);
    }
  }
  for (const n of numbers) {
    if (n === 443 || n === 8443) return { protocol: 'https', evidence: `target port ${n}`, strong: false };
  }
  return undefined;
}

/** "https", "grpc-api", "tls" → the protocol a port name announces (Istio-style prefixes). */
function protocolFromName(name: string | undefined): BackendSpeaks['protocol'] | undefined {
  const m = /^(https|grpcs|grpc|h2c|http|tls)(?:-|$)/.exec(name?.toLowerCase() ?? '');
  if (!m) return undefined;
  return m[1] === 'tls' ? 'https' : (m[1] as BackendSpeaks['protocol']);
}

function containerEvidence(port: V1ServicePort, pods: readonly V1Pod[]): BackendSpeaks | undefined {
  for (const pod of pods) {
    const tp = resolveTargetPort(pod, targetPortOf(port));
    if (tp === undefined) continue;
    const container = servingContainer(pod, tp);
    if (!container) continue;
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      if (
        probe?.httpGet &&
        str(probe.httpGet.scheme)?.toUpperCase() === 'HTTPS' &&
        probePort(probe, container) === tp
      ) {
        return {
          protocol: 'https',
          evidence: `the probes of container ${container.name} use scheme HTTPS on port ${tp}`,
          strong: true,
        };
      }
    }
    const declared = list(container.ports).find((p) => p.containerPort === tp);
    const fromName = protocolFromName(str(declared?.name));
    if (fromName && fromName !== 'http') {
      return {
        protocol: fromName,
        evidence: `container port ${tp} is named "${declared?.name}"`,
        strong: true,
      };
    }
  }
  return undefined;
}

interface ProxySpeaks {
  /** cleartext/tls: the version (HTTP/1.1, h2c, gRPC) follows appProtocol, only TLS can disagree. */
  protocol: 'http' | 'https' | 'grpc' | 'grpcs' | 'h2c' | 'auto' | 'cleartext' | 'tls';
  setting: string;
}

function proxySpeaks(graph: RouteGraph, route: Route, service: V1Service, port: V1ServicePort): ProxySpeaks {
  const family = proxyFamily(graph, route);
  const ann = route.annotations;
  if (family === 'gateway-api') {
    const tls = graph.snapshot.backendTLSPolicies.some(
      (p) =>
        p.metadata?.namespace === service.metadata?.namespace &&
        list(p.spec?.targetRefs).some(
          (t) =>
            (t.kind ?? 'Service') === 'Service' &&
            t.name === service.metadata?.name &&
            (t.sectionName === undefined || t.sectionName === port.name),
        ),
    );
    // Conformant implementations follow appProtocol kubernetes.io/h2c (GEP-1911), so only TLS can mismatch.
    if (tls) return { protocol: 'tls', setting: 'a BackendTLSPolicy targets the Service' };
    return { protocol: 'cleartext', setting: `${route.source.kind} without BackendTLSPolicy` };
  }
  if (family === 'aws-alb') {
    const v = ann['alb.ingress.kubernetes.io/backend-protocol']?.toUpperCase() ?? 'HTTP';
    const version = ann['alb.ingress.kubernetes.io/backend-protocol-version']?.toUpperCase();
    const grpc = version === 'GRPC';
    return {
      protocol: v === 'HTTPS' ? (grpc ? 'grpcs' : 'https') : grpc ? 'grpc' : 'http',
      setting: `alb.ingress.kubernetes.io/backend-protocol: ${v}${ann['alb.ingress.kubernetes.io/backend-protocol'] ? '' : ' (default)'}`,
    };
  }
  if (family === 'azure-agic') {
    const v = ann['appgw.ingress.kubernetes.io/backend-protocol']?.toLowerCase() ?? 'http';
    return {
      protocol: v === 'https' ? 'https' : 'http',
      setting: `appgw.ingress.kubernetes.io/backend-protocol: ${v}${ann['appgw.ingress.kubernetes.io/backend-protocol'] ? '' : ' (default)'}`,
    };
  }
  if (family === 'gke') {
    // GKE reads the protocol from the Service (cloud.google.com/app-protocols), so it cannot disagree with it.
    return { protocol: 'auto', setting: 'cloud.google.com/app-protocols' };
  }
  if (family === 'ingress-nginx' || family === 'other') {
    // SSL passthrough hands the client's TLS stream to the backend untouched: no proxy protocol to disagree.
    if (ann['nginx.ingress.kubernetes.io/ssl-passthrough'] === 'true') {
      return { protocol: 'auto', setting: 'nginx.ingress.kubernetes.io/ssl-passthrough' };
    }
    const raw = ann['nginx.ingress.kubernetes.io/backend-protocol'];
    const v = raw?.toUpperCase() ?? 'HTTP';
    const map: Record<string, ProxySpeaks['protocol']> = {
      HTTP: 'http',
      HTTPS: 'https',
      GRPC: 'grpc',
      GRPCS: 'grpcs',
      AUTO_HTTP: 'auto',
      FCGI: 'auto',
    };
    if (family === 'other' && raw === undefined) return { protocol: 'auto', setting: 'unknown controller' };
    return {
      protocol: map[v] ?? 'auto',
      setting: `nginx.ingress.kubernetes.io/backend-protocol: ${raw === undefined ? 'HTTP (default)' : raw}`,
    };
  }
  return { protocol: 'auto', setting: 'unknown' };
}

const TLS = new Set(['https', 'grpcs']);

function compatible(proxy: ProxySpeaks['protocol'], backend: BackendSpeaks['protocol']): boolean {
  if (proxy === 'auto') return true;
  if (proxy === 'cleartext') return !TLS.has(backend);
  if (proxy === 'tls') return TLS.has(backend);
  if (TLS.has(proxy) !== TLS.has(backend)) return false;
  if (proxy === 'http' || proxy === 'https') return backend === 'http' || backend === 'https';
  if (proxy === 'h2c') return backend !== 'http';
  // gRPC proxies need an HTTP/2 backend: grpc(s) or h2c.
  return backend !== 'http' && backend !== 'https';
}

function suggestion(graph: RouteGraph, route: Route, backend: BackendSpeaks['protocol']): string {
  const family = proxyFamily(graph, route);
  const value = { http: 'HTTP', https: 'HTTPS', grpc: 'GRPC', grpcs: 'GRPCS', h2c: 'GRPC' }[backend];
  if (family === 'gateway-api') {
    return TLS.has(backend)
      ? 'attach a BackendTLSPolicy (spec.targetRefs: the Service, spec.validation: CA and hostname) to the Service'
      : 'remove the BackendTLSPolicy or serve TLS on the backend port';
  }
  if (family === 'aws-alb') {
    return `set alb.ingress.kubernetes.io/backend-protocol: ${TLS.has(backend) ? 'HTTPS' : 'HTTP'}${backend.startsWith('grpc') ? ' and alb.ingress.kubernetes.io/backend-protocol-version: GRPC' : ''}`;
  }
  if (family === 'azure-agic') {
    return `set appgw.ingress.kubernetes.io/backend-protocol: "${TLS.has(backend) ? 'https' : 'http'}"`;
  }
  return `set nginx.ingress.kubernetes.io/backend-protocol: "${value}"`;
}

/**
 * What the proxy speaks to the backend (controller annotation or its default; BackendTLSPolicy for Gateway API)
 * against what the Service port says the backend speaks (appProtocol, port name, or target port 443/8443).
 */
export const backendProtocol: Check = {
  meta: {
    id: 'backend-protocol',
    hop: 5,
    causes: ['backend-protocol-mismatch'],
    severity: 'error',
    summary: 'Proxy speaks HTTP to an HTTPS/gRPC backend (or the reverse)',
    docs:
      'Proxy side: nginx.ingress.kubernetes.io/backend-protocol (default HTTP), alb.ingress.kubernetes.io/' +
      'backend-protocol(-version), appgw.ingress.kubernetes.io/backend-protocol, or for HTTPRoute/GRPCRoute ' +
      'whether a BackendTLSPolicy targets the Service. Backend side: Service port appProtocol (https, grpc, ' +
      'h2c, kubernetes.io/h2c); the serving container (probes with scheme HTTPS on the target port, a container ' +
      'port named https/grpc); a Service port named https/grpc/h2c (or prefixed "https-"); or target port ' +
      '443/8443 (a guess, reported as a warning).',
  },
  run({ graph }) {
    const findings: CheckFinding[] = [];
    const seen = new Set<string>();
    for (const { route, resolution } of routedBackends(graph)) {
      const { service, servicePort } = resolution;
      if (!service || !servicePort || resolution.problem === 'external-name') continue;
      const backend = backendSpeaks(graph, servicePort, resolution.pods);
      if (!backend) continue;
      const proxy = proxySpeaks(graph, route, service, servicePort);
      if (compatible(proxy.protocol, backend.protocol)) continue;
      const svc = `${service.metadata?.namespace}/${service.metadata?.name}`;
      const key = `${route.ref.kind}/${route.namespace}/${route.ref.name}|${svc}:${servicePort.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const proxyName =
        proxy.protocol === 'cleartext'
          ? 'cleartext HTTP'
          : proxy.protocol === 'tls'
            ? 'TLS'
            : proxy.protocol.toUpperCase();
      findings.push({
        severity: backend.strong ? 'error' : 'warning',
        object: route.ref,
        route: routeLabel(route),
        message:
          `${route.ref.kind} ${route.namespace}/${route.ref.name} speaks ${proxyName} to Service ${svc} port ` +
          `${servicePort.port} (${proxy.setting}), but the backend expects ${backend.protocol.toUpperCase()} (${backend.evidence})`,
        why: TLS.has(backend.protocol)
          ? 'Plain HTTP to a TLS port fails the handshake: the proxy logs "wrong version number" or "upstream prematurely closed connection" and answers 502.'
          : 'TLS or the wrong HTTP version to this backend fails before a response: 502.',
        fix: `Make both sides agree: ${suggestion(graph, route, backend.protocol)}, or change the Service port appProtocol/name if the backend really speaks ${proxyName}.`,
        related: [graph.ref('Service', service)],
      });
    }
    return findings;
  },
};
