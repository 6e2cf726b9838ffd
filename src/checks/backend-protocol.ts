import type { V1Pod, V1ServicePort } from '@kubernetes/client-node';
import { settingEvidence } from '../dataplane/provenance.js';
import type { FamilyId, Setting } from '../dataplane/types.js';
import { routedBackends, routeLabel } from '../graph/routed.js';
import type { RouteGraph } from '../graph/types.js';
import { distinctByOwner, probePort, resolveTargetPort, servingContainer, targetPortOf } from './pod-spec.js';
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

/** What the proxy speaks to this backend, from the data-plane model (annotation, default or BackendTLSPolicy). */
function proxySpeaks(dp: ProxySide): ProxySpeaks {
  const s = dp.setting;
  const annotated = s?.from.kind === 'annotation' ? s.from : undefined;
  if (dp.api === 'gateway') {
    // Conformant implementations follow appProtocol kubernetes.io/h2c (GEP-1911), so only TLS can mismatch.
    if (s?.value === 'TLS') return { protocol: 'tls', setting: 'a BackendTLSPolicy targets the Service' };
    return { protocol: 'cleartext', setting: `${dp.routeKind} without BackendTLSPolicy` };
  }
  if (dp.family === 'aws-alb') {
    const v = annotated ? annotated.raw.toUpperCase() : 'HTTP';
    const map: Record<string, ProxySpeaks['protocol']> = { HTTPS: 'https', GRPC: 'grpc', GRPCS: 'grpcs' };
    return {
      protocol: map[s?.value ?? ''] ?? 'http',
      setting: `alb.ingress.kubernetes.io/backend-protocol: ${v}${annotated ? '' : ' (default)'}`,
    };
  }
  if (dp.family === 'azure-agic') {
    const v = annotated ? annotated.raw.toLowerCase() : 'http';
    return {
      protocol: s?.value === 'HTTPS' ? 'https' : 'http',
      setting: `appgw.ingress.kubernetes.io/backend-protocol: ${v}${annotated ? '' : ' (default)'}`,
    };
  }
  if (dp.family === 'gce') {
    // GKE reads the protocol from the Service (cloud.google.com/app-protocols), so it cannot disagree with it.
    return { protocol: 'auto', setting: 'cloud.google.com/app-protocols' };
  }
  if (dp.family === 'ingress-nginx') {
    // SSL passthrough hands the client's TLS stream to the backend untouched: no proxy protocol to disagree.
    if (s?.value === 'PASSTHROUGH')
      return { protocol: 'auto', setting: 'nginx.ingress.kubernetes.io/ssl-passthrough' };
    const map: Record<string, ProxySpeaks['protocol']> = {
      HTTP: 'http',
      HTTPS: 'https',
      GRPC: 'grpc',
      GRPCS: 'grpcs',
      AUTO_HTTP: 'auto',
      FCGI: 'auto',
    };
    return {
      protocol: map[s?.value ?? 'HTTP'] ?? 'auto',
      setting: `nginx.ingress.kubernetes.io/backend-protocol: ${annotated ? annotated.raw : 'HTTP (default)'}`,
    };
  }
  return { protocol: 'auto', setting: 'unknown controller' };
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

/** The proxy's side of one route backend, from the data-plane model. */
interface ProxySide {
  api: 'ingress' | 'gateway';
  routeKind: string;
  family?: FamilyId;
  setting?: Setting<string>;
}

function suggestion(dp: ProxySide, backend: BackendSpeaks['protocol']): string {
  const family = dp.family;
  const value = { http: 'HTTP', https: 'HTTPS', grpc: 'GRPC', grpcs: 'GRPCS', h2c: 'GRPC' }[backend];
  if (dp.api === 'gateway') {
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
  run({ graph, dataplane }) {
    const findings: CheckFinding[] = [];
    const seen = new Set<string>();
    for (const { route, backend: routeBackend, resolution } of routedBackends(graph)) {
      const { service, servicePort } = resolution;
      if (!service || !servicePort || resolution.problem === 'external-name') continue;
      const backend = backendSpeaks(graph, servicePort, resolution.pods);
      if (!backend) continue;
      const family = dataplane.familyOf(route);
      const dp: ProxySide = {
        api: route.source.kind === 'Ingress' ? 'ingress' : 'gateway',
        routeKind: route.source.kind,
        ...(family ? { family } : {}),
        ...((s) => (s ? { setting: s } : {}))(dataplane.setting(route, 'backend-protocol', routeBackend)),
      };
      const proxy = proxySpeaks(dp);
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
        fix: `Make both sides agree: ${suggestion(dp, backend.protocol)}, or change the Service port appProtocol/name if the backend really speaks ${proxyName}.`,
        related: [graph.ref('Service', service)],
        ...(dp.setting ? { settings: [settingEvidence('backend-protocol', dp.setting)] } : {}),
      });
    }
    return findings;
  },
};
