/**
 * Recognising ingress controllers and Gateway data planes from the objects that run them: known implementations
 * by the labels, images and controller names their family files declare (families/); anything else from
 * IngressClass.spec.controller / GatewayClass.spec.controllerName and container args.
 */
import type { V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { arr, isStringMap, nsOf } from '../graph/indexes.js';
import type { Route, RouteGraph } from '../graph/types.js';
import { FAMILIES } from './families/index.js';
import type { ControllerInfo, FamilyId } from './types.js';

const NAME_LABELS = ['app.kubernetes.io/name', 'app', 'app.kubernetes.io/instance', 'k8s-app', 'name'];

export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
/** Envoy Gateway labels its proxies with the owning Gateway instead. */
const OWNING_GATEWAY_NAME = 'gateway.envoyproxy.io/owning-gateway-name';
const OWNING_GATEWAY_NAMESPACE = 'gateway.envoyproxy.io/owning-gateway-namespace';

export interface ControllerSignals {
  family?: FamilyId;
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
      const fam = FAMILIES.find((f) => f.identity.names.includes(v));
      if (fam && !s.family) {
        s.family = fam.id;
        s.evidence.push(`label ${key}=${v}`);
      }
    }
  }
  for (const p of pods.slice(0, 3)) {
    for (const c of containersOf(p)) {
      const image = typeof c.image === 'string' ? c.image : '';
      if (!s.family) {
        const fam = FAMILIES.find((f) => f.identity.images.some((i) => image.includes(i)));
        if (fam) {
          s.family = fam.id;
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

/** The family that implements an IngressClass spec.controller. */
export function familyOfIngressController(controller: string): FamilyId | undefined {
  return FAMILIES.find((f) => f.identity.ingressControllers.includes(controller))?.id;
}

/** The family that implements a GatewayClass controllerName (prefix match). */
export function familyOfGatewayController(controllerName: string): FamilyId | undefined {
  return FAMILIES.find((f) => f.identity.gatewayControllers.some((p) => controllerName.startsWith(p)))?.id;
}

/** Every label value that names a known in-cluster implementation (for a label selector of the narrow reads). */
export function controllerNames(): string[] {
  return [...new Set(FAMILIES.flatMap((f) => f.identity.names))];
}

/** The ingress controller / Gateway data plane Services of a snapshot, and which of them carry a route. */
export function controllerIndex(graph: RouteGraph): (route?: Route) => ControllerInfo[] {
  const snapshot = graph.snapshot;
  let controllers: ControllerInfo[] | undefined;
  function findControllers(): ControllerInfo[] {
    const out: ControllerInfo[] = [];
    for (const svc of snapshot.services) {
      const type = svc.spec?.type;
      if (type !== 'LoadBalancer' && type !== 'NodePort') continue;
      const selector = svc.spec?.selector;
      const svcPods =
        isStringMap(selector) && Object.keys(selector).length > 0
          ? graph.podsMatching(nsOf(svc), selector)
          : [];
      const sig = controllerSignals(svc, svcPods);
      if (!isController(sig)) continue;
      const classes = new Set<string>();
      for (const c of snapshot.ingressClasses) {
        const ctl = c.spec?.controller;
        if (!ctl || !c.metadata?.name) continue;
        if (
          sig.controllerClassArgs.includes(ctl) ||
          (sig.family && familyOfIngressController(ctl) === sig.family)
        ) {
          classes.add(c.metadata.name);
        }
      }
      for (const c of sig.ingressClassArgs) classes.add(c);
      for (const gc of snapshot.gatewayClasses) {
        const name = gc.metadata?.name;
        if (
          name &&
          typeof gc.spec?.controllerName === 'string' &&
          sig.family &&
          familyOfGatewayController(gc.spec.controllerName) === sig.family
        ) {
          classes.add(name);
        }
      }
      for (const g of sig.gateways) {
        const slash = g.indexOf('/');
        const cls = graph.gateway(g.slice(0, slash), g.slice(slash + 1))?.spec?.gatewayClassName;
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
