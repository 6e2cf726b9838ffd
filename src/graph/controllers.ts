/**
 * Recognising ingress controllers and Gateway data planes from the objects that run them.
 * Known implementations by their well-known labels, images and controller names; anything else is
 * recognised from IngressClass.spec.controller / GatewayClass.spec.controllerName and container args.
 */
import type { V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { ClusterSnapshot, Gateway } from '../cluster/types.js';
import { arr, isStringMap, type NsIndex, nsOf, type PodIndex } from './indexes.js';
import type { ControllerInfo, Route } from './types.js';

export interface ControllerFamily {
  family: string;
  /** Values of app.kubernetes.io/name, app, app.kubernetes.io/instance or k8s-app that identify it. */
  names: string[];
  /** Substrings of container images that identify it. */
  images: string[];
  /** IngressClass spec.controller values it implements. */
  ingressControllers: string[];
  /** GatewayClass spec.controllerName values (prefix match) it implements. */
  gatewayControllers: string[];
}

export const CONTROLLER_FAMILIES: readonly ControllerFamily[] = [
  {
    family: 'ingress-nginx',
    names: [
      'ingress-nginx',
      'nginx-ingress',
      'nginx-ingress-controller',
      'rke2-ingress-nginx',
      'ingress-nginx-controller',
    ],
    images: ['ingress-nginx/controller', 'nginx-ingress-controller', 'nginx/nginx-ingress'],
    ingressControllers: ['k8s.io/ingress-nginx', 'nginx.org/ingress-controller'],
    gatewayControllers: ['gateway.nginx.org/'],
  },
  {
    family: 'traefik',
    names: ['traefik'],
    images: ['traefik'],
    ingressControllers: ['traefik.io/ingress-controller'],
    gatewayControllers: ['traefik.io/gateway-controller'],
  },
  {
    family: 'haproxy',
    names: ['haproxy-ingress', 'kubernetes-ingress', 'haproxy-ingress-controller'],
    images: ['haproxy-ingress', 'haproxytech/kubernetes-ingress'],
    ingressControllers: ['haproxy-ingress.github.io/controller', 'haproxy.org/ingress-controller'],
    gatewayControllers: ['haproxy.org/gateway-controller'],
  },
  {
    family: 'contour',
    names: ['contour'],
    images: ['projectcontour/contour'],
    ingressControllers: ['projectcontour.io/contour', 'projectcontour.io/ingress-controller'],
    gatewayControllers: ['projectcontour.io/'],
  },
  {
    family: 'envoy-gateway',
    names: ['envoy-gateway', 'envoy'],
    images: ['envoyproxy/envoy', 'envoyproxy/gateway'],
    ingressControllers: [],
    gatewayControllers: ['gateway.envoyproxy.io/'],
  },
  {
    family: 'istio',
    names: ['istio-ingressgateway', 'istio-ingress'],
    images: ['istio/proxyv2'],
    ingressControllers: ['istio.io/ingress-controller'],
    gatewayControllers: ['istio.io/'],
  },
  {
    family: 'kong',
    names: ['kong', 'ingress-kong', 'kong-gateway'],
    images: ['kong/kubernetes-ingress-controller', 'kong:', 'kong/kong-gateway'],
    ingressControllers: ['ingress-controllers.konghq.com/kong'],
    gatewayControllers: ['konghq.com/'],
  },
  {
    family: 'cilium',
    names: ['cilium-ingress', 'cilium-gateway'],
    images: [],
    ingressControllers: ['cilium.io/ingress-controller'],
    gatewayControllers: ['io.cilium/'],
  },
];

const NAME_LABELS = ['app.kubernetes.io/name', 'app', 'app.kubernetes.io/instance', 'k8s-app', 'name'];

export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
/** Envoy Gateway labels its proxies with the owning Gateway instead. */
const OWNING_GATEWAY_NAME = 'gateway.envoyproxy.io/owning-gateway-name';
const OWNING_GATEWAY_NAMESPACE = 'gateway.envoyproxy.io/owning-gateway-namespace';

export interface ControllerSignals {
  family?: string;
  evidence: string[];
  /** Gateways ("namespace/name") named by labels. */
  gateways: string[];
  /** --ingress-class=X (legacy class names) and --controller-class=Y (IngressClass controllers) from args. */
  ingressClassArgs: string[];
  controllerClassArgs: string[];
}

/** A label map as written: an object (not null, not a list); manifests are not schema-checked. */
function labelMap(v: unknown): Record<string, string> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, string>) : undefined;
}

function labelSets(service: V1Service, pods: V1Pod[]): Record<string, string>[] {
  const sets: Record<string, string>[] = [];
  const selector = labelMap(service.spec?.selector);
  if (selector) sets.push(selector);
  const labels = labelMap(service.metadata?.labels);
  if (labels) sets.push(labels);
  // A few pods are enough: they share the template's labels.
  for (const p of pods.slice(0, 3)) {
    const l = labelMap(p?.metadata?.labels);
    if (l) sets.push(l);
  }
  return sets;
}

type Container = NonNullable<V1Pod['spec']>['containers'][number];

/** The containers of a pod that are objects: a null entry or a non-list field reads as nothing. */
function containersOf(pod: V1Pod | null | undefined): Container[] {
  const list: unknown = pod?.spec?.containers;
  if (!Array.isArray(list)) return [];
  return list.filter((c): c is Container => typeof c === 'object' && c !== null && !Array.isArray(c));
}

/** What the Service and its pods say about being an ingress controller / Gateway data plane. */
export function controllerSignals(service: V1Service, pods: V1Pod[]): ControllerSignals {
  const s: ControllerSignals = { evidence: [], gateways: [], ingressClassArgs: [], controllerClassArgs: [] };
  const ns = service.metadata?.namespace ?? 'default';
  const sets = labelSets(service, pods);
  for (const labels of sets) {
    const gw = labels[GATEWAY_NAME_LABEL];
    if (typeof gw === 'string' && gw && !s.gateways.includes(`${ns}/${gw}`)) {
      s.gateways.push(`${ns}/${gw}`);
      s.evidence.push(`label ${GATEWAY_NAME_LABEL}=${gw}`);
    }
    const owning = labels[OWNING_GATEWAY_NAME];
    if (typeof owning === 'string' && owning) {
      const owningNs = labels[OWNING_GATEWAY_NAMESPACE];
      const key = `${typeof owningNs === 'string' ? owningNs : ns}/${owning}`;
      if (!s.gateways.includes(key)) {
        s.gateways.push(key);
        s.evidence.push(`label ${OWNING_GATEWAY_NAME}=${owning}`);
      }
      s.family ??= 'envoy-gateway';
    }
    if (labels.istio === 'ingressgateway') {
      s.family ??= 'istio';
      s.evidence.push('label istio=ingressgateway');
    }
    for (const key of NAME_LABELS) {
      const v = labels[key];
      if (typeof v !== 'string' || !v) continue;
      const fam = CONTROLLER_FAMILIES.find((f) => f.names.includes(v));
      if (fam && !s.family) {
        s.family = fam.family;
        s.evidence.push(`label ${key}=${v}`);
      }
    }
  }
  for (const p of pods.slice(0, 3)) {
    for (const c of containersOf(p)) {
      const image = typeof c.image === 'string' ? c.image : '';
      if (!s.family) {
        const fam = CONTROLLER_FAMILIES.find((f) => f.images.some((i) => image.includes(i)));
        if (fam) {
          s.family = fam.family;
          s.evidence.push(`image ${image}`);
        }
      }
      for (const arg of [
        ...(Array.isArray(c.args) ? c.args : []),
        ...(Array.isArray(c.command) ? c.command : []),
      ]) {
        if (typeof arg !== 'string') continue;
        const ic = /^--ingress-class=(.+)$/.exec(arg);
        if (ic && !s.ingressClassArgs.includes(ic[1])) s.ingressClassArgs.push(ic[1]);
        const cc = /^--controller-class=(.+)$/.exec(arg);
        if (cc && !s.controllerClassArgs.includes(cc[1])) s.controllerClassArgs.push(cc[1]);
      }
    }
  }
  if (!s.family && s.gateways.length === 0) {
    // The generic chart convention: a Service of the "controller" component in front of something named *ingress*/*gateway*.
    const generic = sets.some(
      (l) =>
        l['app.kubernetes.io/component'] === 'controller' &&
        /ingress|gateway|proxy/.test(
          `${l['app.kubernetes.io/name'] ?? ''} ${l['app.kubernetes.io/part-of'] ?? ''}`,
        ),
    );
    if (generic) s.evidence.push('label app.kubernetes.io/component=controller');
  }
  if (s.ingressClassArgs.length > 0 || s.controllerClassArgs.length > 0) s.evidence.push('controller args');
  return s;
}

export function isController(s: ControllerSignals): boolean {
  return s.family !== undefined || s.gateways.length > 0 || s.evidence.length > 0;
}

export function familyImplementsIngressController(family: string | undefined, controller: string): boolean {
  const f = CONTROLLER_FAMILIES.find((x) => x.family === family);
  return f?.ingressControllers.includes(controller) ?? false;
}

export function familyImplementsGatewayController(
  family: string | undefined,
  controllerName: string,
): boolean {
  const f = CONTROLLER_FAMILIES.find((x) => x.family === family);
  return f?.gatewayControllers.some((prefix) => controllerName.startsWith(prefix)) ?? false;
}

/** The ingress controller / Gateway data plane Services of a snapshot, and which of them carry a route. */
export function controllerIndex(
  snapshot: ClusterSnapshot,
  pods: PodIndex,
  gateways: NsIndex<Gateway>,
): (route?: Route) => ControllerInfo[] {
  let controllers: ControllerInfo[] | undefined;
  function findControllers(): ControllerInfo[] {
    const out: ControllerInfo[] = [];
    for (const svc of snapshot.services) {
      const type = svc.spec?.type;
      if (type !== 'LoadBalancer' && type !== 'NodePort') continue;
      const selector = svc.spec?.selector;
      const svcPods =
        isStringMap(selector) && Object.keys(selector).length > 0 ? pods.matching(nsOf(svc), selector) : [];
      const sig = controllerSignals(svc, svcPods);
      if (!isController(sig)) continue;
      const classes = new Set<string>();
      for (const c of snapshot.ingressClasses) {
        const ctl = c.spec?.controller;
        if (!ctl || !c.metadata?.name) continue;
        if (sig.controllerClassArgs.includes(ctl) || familyImplementsIngressController(sig.family, ctl)) {
          classes.add(c.metadata.name);
        }
      }
      for (const c of sig.ingressClassArgs) classes.add(c);
      for (const gc of snapshot.gatewayClasses) {
        const name = gc.metadata?.name;
        if (
          name &&
          typeof gc.spec?.controllerName === 'string' &&
          familyImplementsGatewayController(sig.family, gc.spec.controllerName)
        ) {
          classes.add(name);
        }
      }
      for (const g of sig.gateways) {
        const slash = g.indexOf('/');
        const cls = gateways.get(g.slice(0, slash), g.slice(slash + 1))?.spec?.gatewayClassName;
        if (cls) classes.add(cls);
      }
      const lb = arr<{ ip?: string; hostname?: string }>(svc.status?.loadBalancer?.ingress)[0];
      out.push({
        service: svc,
        pods: svcPods,
        classes: [...classes].sort(),
        loadBalancerAddress: lb?.ip ?? lb?.hostname,
        nodePorts: arr<V1ServicePort>(svc.spec?.ports).map((p) => ({
          name: p.name,
          port: p.port,
          nodePort: p.nodePort,
          protocol: p.protocol,
        })),
        family: sig.family,
        gateways: sig.gateways,
        evidence: sig.evidence,
      });
    }
    return out;
  }

  function controllersForRoute(all: ControllerInfo[], route: Route): ControllerInfo[] {
    if (route.gateways && route.gateways.length > 0) {
      const gwKeys = new Set(route.gateways.map((g) => `${g.namespace}/${g.name}`));
      const byGateway = all.filter((c) => c.gateways?.some((g) => gwKeys.has(g)));
      if (byGateway.length > 0) return byGateway;
      const classes = new Set(route.gateways.map((g) => g.className).filter((c): c is string => !!c));
      return all.filter((c) => c.classes.some((x) => classes.has(x)));
    }
    if (route.className) {
      const byClass = all.filter((c) => c.classes.includes(route.className as string));
      if (byClass.length > 0) return byClass;
    }
    // Class unknown to every controller (or none): the controllers we could not tie to a class.
    return all.filter((c) => c.classes.length === 0);
  }

  // Per route: checks ask for every route, several times each.
  const byRoute = new Map<Route, ControllerInfo[]>();
  return (route) => {
    controllers ??= findControllers();
    if (!route) return controllers;
    let found = byRoute.get(route);
    if (!found) {
      found = controllersForRoute(controllers, route);
      byRoute.set(route, found);
    }
    return found;
  };
}
