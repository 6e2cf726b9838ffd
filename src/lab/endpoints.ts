import type {
  DiscoveryV1EndpointPort,
  V1EndpointSlice,
  V1Endpoints,
  V1LabelSelector,
  V1Pod,
  V1Service,
  V1ServicePort,
} from '@kubernetes/client-node';
import type { LabObjects } from './objects.js';
import { UNDERLAY } from './topology.js';

/** matchLabels + matchExpressions, as the API server evaluates a LabelSelector. */
export function selectorMatches(
  selector: V1LabelSelector | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(value as string))) return false;
    if (e.operator === 'NotIn' && has && values.includes(value as string)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A Service's plain map selector (never matches everything when empty: that is a selector-less Service). */
export function serviceSelects(service: V1Service, pod: V1Pod): boolean {
  const sel = service.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return false;
  if (pod.metadata?.namespace !== service.metadata?.namespace) return false;
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(sel).every(([k, v]) => labels[k] === v);
}

export function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** targetPort resolved against one pod: a number stays, a name looks up the container port. */
export function resolveTargetPort(port: V1ServicePort, pod: V1Pod): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  }
  return undefined;
}

/**
 * The endpoint controller: EndpointSlices and Endpoints computed from Services and Pods, the way
 * kube-controller-manager does it (so a wrong selector or targetPort shows in both the API and the packets).
 * The `kubernetes` Service gets the control plane's address.
 */
export function deriveEndpoints(objects: LabObjects): void {
  objects.endpointSlices = [];
  objects.endpoints = [];
  for (const svc of objects.services) {
    const derived = endpointsFor(svc, objects.pods);
    if (!derived) continue;
    objects.endpointSlices.push(derived.slice);
    objects.endpoints.push(derived.endpoints);
  }
}

/**
 * One Service's EndpointSlice and Endpoints from the pods (undefined for a selector-less Service): ready pods
 * are ready, terminating pods stay in the slice as not ready (serving while their probe passes) and leave the
 * Endpoints, like the endpoint controllers do.
 */
export function endpointsFor(
  svc: V1Service,
  pods: readonly V1Pod[],
): { slice: V1EndpointSlice; endpoints: V1Endpoints } | undefined {
  {
    const ns = svc.metadata?.namespace ?? 'default';
    const name = svc.metadata?.name ?? '';
    const ports = svc.spec?.ports ?? [];
    let entries: {
      ip: string;
      ready: boolean;
      serving: boolean;
      terminating: boolean;
      nodeName?: string;
      pod?: V1Pod;
      ports: Map<string, number>;
    }[] = [];
    if (ns === 'default' && name === 'kubernetes') {
      entries = [
        {
          ip: UNDERLAY.controlPlane,
          ready: true,
          serving: true,
          terminating: false,
          ports: new Map(ports.map((p) => [p.name ?? '', UNDERLAY.apiPort])),
        },
      ];
    } else if (svc.spec?.selector && Object.keys(svc.spec.selector).length > 0) {
      for (const pod of pods) {
        if (!serviceSelects(svc, pod) || !pod.status?.podIP) continue;
        if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
        const resolved = new Map<string, number>();
        for (const p of ports) {
          const n = resolveTargetPort(p, pod);
          if (n !== undefined) resolved.set(p.name ?? '', n);
        }
        if (resolved.size === 0) continue;
        const terminating = Boolean(pod.metadata?.deletionTimestamp);
        entries.push({
          ip: pod.status.podIP,
          ready: podReady(pod) && !terminating,
          serving: podReady(pod),
          terminating,
          nodeName: pod.spec?.nodeName,
          pod,
          ports: resolved,
        });
      }
    } else {
      return undefined;
    }
    const slicePorts: DiscoveryV1EndpointPort[] = ports
      .filter((p) => entries.some((e) => e.ports.has(p.name ?? '')) || entries.length === 0)
      .map((p) => ({
        name: p.name ?? '',
        protocol: p.protocol ?? 'TCP',
        port: entries.find((e) => e.ports.has(p.name ?? ''))?.ports.get(p.name ?? ''),
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
      }));
    const slice: V1EndpointSlice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: `${name}-${sliceSuffix(`${ns}/${name}`)}`,
        namespace: ns,
        creationTimestamp: svc.metadata?.creationTimestamp,
        labels: {
          'kubernetes.io/service-name': name,
          'endpointslice.kubernetes.io/managed-by':
            name === 'kubernetes' && ns === 'default'
              ? 'endpointslice-mirroring-controller.k8s.io'
              : 'endpointslice-controller.k8s.io',
        },
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            name,
            uid: svc.metadata?.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      addressType: 'IPv4',
      endpoints: entries.map((e) => ({
        addresses: [e.ip],
        conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
        ...(e.nodeName ? { nodeName: e.nodeName } : {}),
        ...(e.pod
          ? {
              targetRef: {
                kind: 'Pod',
                namespace: ns,
                name: e.pod.metadata?.name,
                uid: e.pod.metadata?.uid,
              },
            }
          : {}),
      })),
      ports: entries.length === 0 ? [] : slicePorts,
    };
    const ready = entries.filter((e) => e.ready);
    const notReady = entries.filter((e) => !e.ready && !e.terminating);
    const address = (e: (typeof entries)[number]) => ({
      ip: e.ip,
      ...(e.nodeName ? { nodeName: e.nodeName } : {}),
      ...(e.pod
        ? { targetRef: { kind: 'Pod', namespace: ns, name: e.pod.metadata?.name, uid: e.pod.metadata?.uid } }
        : {}),
    });
    const endpoints: V1Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name,
        namespace: ns,
        creationTimestamp: svc.metadata?.creationTimestamp,
        labels: { ...(svc.metadata?.labels ?? {}) },
      },
      subsets:
        entries.length === 0
          ? undefined
          : [
              {
                ...(ready.length ? { addresses: ready.map(address) } : {}),
                ...(notReady.length ? { notReadyAddresses: notReady.map(address) } : {}),
                ports: slicePorts.map((p) => ({ name: p.name, port: p.port ?? 0, protocol: p.protocol })),
              },
            ],
    };
    return { slice, endpoints };
  }
}

function sliceSuffix(seed: string): string {
  let h = 5381;
  for (let i = 0; i < seed.length; i++) h = (Math.imul(h, 33) + seed.charCodeAt(i)) >>> 0;
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += alphabet[h % alphabet.length];
    h = Math.floor(h / alphabet.length) + i * 7919;
  }
  return out;
}

/** The ready endpoint addresses (ip:port) of a Service port, as kube-proxy and the ingress controller see them. */
export function readyEndpoints(
  objects: LabObjects,
  namespace: string,
  service: string,
  portName: string,
): { ip: string; port: number; nodeName?: string }[] {
  const out: { ip: string; port: number; nodeName?: string }[] = [];
  for (const slice of objects.endpointSlices) {
    if (
      slice.metadata?.namespace !== namespace ||
      slice.metadata?.labels?.['kubernetes.io/service-name'] !== service
    )
      continue;
    const port = slice.ports?.find((p) => (p.name ?? '') === portName)?.port;
    if (port === undefined) continue;
    for (const e of slice.endpoints) {
      if (e.conditions?.ready === false) continue;
      for (const ip of e.addresses) out.push({ ip, port, nodeName: e.nodeName });
    }
  }
  return out;
}
