/**
 * The data-plane model over a route graph: built once, each route's model computed on first use and kept.
 *
 *   const dataplane = buildDataPlane(graph);
 *   const dp = dataplane.route(route);            // family, controllers, settings with provenance
 *   dp.settings['read-timeout']                   // { value: 5, from: { kind: 'configmap', … } }
 *
 * Precedence, lowest first: the family's documented defaults, then what its settings reader finds (ingress-nginx:
 * controller ConfigMap, then Ingress annotations), then what Gateway API routes say themselves (HTTPRoute
 * timeouts, BackendTLSPolicy), which every implementation must honour.
 */
import type { V1ConfigMap, V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { BackendTLSPolicy, ObjectRef } from '../cluster/types.js';
import { NsIndex, nsOf } from '../graph/indexes.js';
import type { Route, RouteBackend, RouteGraph } from '../graph/types.js';
import { controllerIndex, familyOfGatewayController, familyOfIngressController } from './controllers.js';
import { FAMILIES, familyDef } from './families/index.js';
import type { FamilyContext, FamilyDef, Layer } from './family.js';
import { defaultSetting, layered } from './family.js';
import { healthCheckSetting, lbHealthChecks, serviceHealthCheck } from './health-checks.js';
import {
  type ConfigUse,
  type DataPlane,
  type DefaultRecord,
  type FamilyId,
  type HealthCheckValue,
  type Provenance,
  type RouteDataPlane,
  SETTING_IDS,
  type Setting,
  type SettingId,
  type Settings,
  type SettingValues,
} from './types.js';
import { parseDuration } from './values.js';

const GWAPI = 'https://gateway-api.sigs.k8s.io';

/** Settings that depend on the route or backend, not only on the route's object: read from the route's model. */
const PER_ROUTE = new Set<SettingId>([
  'route-timeout',
  'backend-request-timeout',
  'lb-health-check',
  'external-traffic-policy',
]);

/** The backend a route sends most of its traffic to (the heaviest weight; the first on a tie). */
export function primaryBackend(route: Route): RouteBackend | undefined {
  let best: RouteBackend | undefined;
  for (const b of route.backends) if (!best || (b.weight ?? 1) > (best.weight ?? 1)) best = b;
  return best;
}

const gatewayDefault = (
  setting: DefaultRecord['setting'],
  value: DefaultRecord['value'],
  url: string,
  note?: string,
): DefaultRecord => ({
  family: 'gateway-api',
  setting,
  value,
  version: null,
  source: { url },
  ...(note ? { note } : {}),
});

const CLEARTEXT = gatewayDefault(
  'backend-protocol',
  'HTTP',
  `${GWAPI}/api-types/backendtlspolicy/`,
  'cleartext without a BackendTLSPolicy; the HTTP version follows the Service port appProtocol',
);

const ETP_DEFAULT: DefaultRecord = {
  family: 'kubernetes',
  setting: 'external-traffic-policy',
  value: 'Cluster',
  version: null,
  source: { url: 'https://kubernetes.io/docs/reference/networking/virtual-ips/#external-traffic-policy' },
  setBy: ['Service spec.externalTrafficPolicy'],
};

/** The BackendTLSPolicy that targets a Service (and port), if any. */
export function backendTlsPolicy(
  graph: RouteGraph,
  service: V1Service,
  port: V1ServicePort,
): BackendTLSPolicy | undefined {
  return graph.snapshot.backendTLSPolicies.find(
    (p) =>
      p.metadata?.namespace === service.metadata?.namespace &&
      (Array.isArray(p.spec?.targetRefs) ? p.spec.targetRefs : []).some(
        (t) =>
          t &&
          (t.kind ?? 'Service') === 'Service' &&
          t.name === service.metadata?.name &&
          (t.sectionName === undefined || t.sectionName === port.name),
      ),
  );
}

/** What a family's settings reader sees of one route (a class: one object per read, no closures). */
class ReadContext implements FamilyContext {
  readonly config: ConfigUse[] = [];
  constructor(
    readonly graph: RouteGraph,
    readonly route: Route,
    readonly controllers: RouteDataPlane['controllers'],
    readonly backend: RouteBackend | undefined,
    private readonly configMaps: NsIndex<V1ConfigMap>,
    private readonly memos: Map<unknown, unknown>,
  ) {}
  annotation(key: string): Layer | undefined {
    const raw = this.route.annotations[key];
    return typeof raw === 'string'
      ? { raw, from: { kind: 'annotation', object: this.route.ref, key, raw } }
      : undefined;
  }
  configMap(namespace: string, name: string): V1ConfigMap | undefined {
    return this.configMaps.get(namespace, name);
  }
  uses(object: ObjectRef, via: Provenance): void {
    const same = this.config.some(
      (c) =>
        c.object.kind === object.kind &&
        c.object.namespace === object.namespace &&
        c.object.name === object.name,
    );
    if (!same) this.config.push({ object, via });
  }
  memo<T>(key: unknown, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const v = compute();
    this.memos.set(key, v);
    return v;
  }
}

export function buildDataPlane(graph: RouteGraph): DataPlane {
  const controllersFor = controllerIndex(graph);
  const configMaps = new NsIndex<V1ConfigMap>();
  for (const cm of graph.snapshot.configMaps) configMaps.set(nsOf(cm), cm.metadata?.name, cm);
  const ingressClasses = new Map(graph.snapshot.ingressClasses.map((c) => [c.metadata?.name ?? '', c]));
  const gatewayClasses = new Map(graph.snapshot.gatewayClasses.map((c) => [c.metadata?.name ?? '', c]));
  // Per family: the families' memo keys are their own business.
  const memo = new Map<FamilyId, Map<unknown, unknown>>();
  function familyMemo(id: FamilyId): Map<unknown, unknown> {
    let m = memo.get(id);
    if (!m) {
      m = new Map();
      memo.set(id, m);
    }
    return m;
  }
  const families = new Map<Route, { family?: FamilyId; evidence?: string }>();
  const models = new Map<Route, RouteDataPlane>();
  const byBackend = new Map<RouteBackend, Map<Route, RouteDataPlane>>();
  const serviceChecks = new Map<V1Service, Setting<HealthCheckValue> | undefined>();
  const trafficPolicies = new Map<V1Service, Setting<string> | undefined>();
  const tlsSettings = new Map<V1Service, Map<V1ServicePort, Setting<string>>>();
  // Family settings per route object (and per backend for backend-scoped families): every path of an Ingress
  // has the same annotations and class, so its settings are read once.
  type Read = { settings: Settings; config: ConfigUse[] };
  const familySettings = new Map<object, Read>();
  const familySettingsByBackend = new Map<object, Map<RouteBackend | undefined, Read>>();

  type Identity = { family?: FamilyId; evidence?: string };
  const NONE: Identity = {};
  // Shared per class name, per route object and per controller: routes of one Ingress, and Ingresses of one
  // class, are identified once.
  const byIngressClass = new Map<string, Identity>();
  const byObject = new Map<object, Identity>();
  const byController = new Map<object, Identity>();

  function ingressIdentity(route: Route): Identity {
    const cls = route.className;
    if (cls !== undefined) {
      let id = byIngressClass.get(cls);
      if (!id) {
        const ctl = ingressClasses.get(cls)?.spec?.controller;
        const fam = ctl ? familyOfIngressController(ctl) : undefined;
        const lower = cls.toLowerCase();
        const hinted = fam ? undefined : FAMILIES.find((f) => f.ingressHints?.className?.(lower));
        id = fam
          ? { family: fam, evidence: `IngressClass ${cls} (controller ${ctl})` }
          : hinted
            ? { family: hinted.id, evidence: `class name ${cls}` }
            : NONE;
        byIngressClass.set(cls, id);
      }
      if (id !== NONE) return id;
    }
    const obj = route.source.obj;
    let id = byObject.get(obj);
    if (!id) {
      id = NONE;
      const keys = Object.keys(route.annotations);
      for (const f of FAMILIES) {
        const prefix = f.ingressHints?.annotationPrefixes?.find((p) => keys.some((k) => k.startsWith(p)));
        if (prefix) {
          id = { family: f.id, evidence: `annotations ${prefix}*` };
          break;
        }
      }
      byObject.set(obj, id);
    }
    return id;
  }

  function identify(route: Route): Identity {
    if (route.source.kind === 'Ingress') {
      const id = ingressIdentity(route);
      if (id !== NONE) return id;
    } else {
      for (const a of route.gateways ?? []) {
        const byClass = a.className ? gatewayClassFamily(a.className) : undefined;
        if (byClass) return byClass;
      }
    }
    const c = controllersFor(route).find((x) => x.family);
    if (!c?.family) return NONE;
    let id = byController.get(c);
    if (!id) {
      const svc = `${c.service.metadata?.namespace}/${c.service.metadata?.name}`;
      id = { family: c.family, evidence: `controller Service ${svc} (${(c.evidence ?? []).join(', ')})` };
      byController.set(c, id);
    }
    return id;
  }

  const byGatewayClass = new Map<string, Identity | undefined>();
  function gatewayClassFamily(cls: string): Identity | undefined {
    if (!byGatewayClass.has(cls)) {
      const name = gatewayClasses.get(cls)?.spec?.controllerName;
      const fam = name ? familyOfGatewayController(name) : undefined;
      byGatewayClass.set(
        cls,
        fam ? { family: fam, evidence: `GatewayClass ${cls} (controllerName ${name})` } : undefined,
      );
    }
    return byGatewayClass.get(cls);
  }

  function familyInfo(route: Route) {
    let f = families.get(route);
    if (!f) {
      f = identify(route);
      families.set(route, f);
    }
    return f;
  }

  function build(route: Route, backend: RouteBackend | undefined): RouteDataPlane {
    const { family, evidence } = familyInfo(route);
    const def: FamilyDef | undefined = family ? familyDef(family) : undefined;
    const controllers = controllersFor(route);
    const { settings: found, config } = familyRead(def, route, controllers, backend);
    const all: Settings = {};
    const set = all as Record<string, Setting | undefined>;
    for (const d of def?.defaults ?? []) {
      if (found[d.setting] === undefined) set[d.setting] = defaultSetting(d);
    }
    Object.assign(all, found);
    const res = backend ? graph.resolveBackend(backend) : undefined;
    if (route.source.kind !== 'Ingress') gatewayApiSettings(route, all, res?.service, res?.servicePort);
    const etp = trafficPolicy(controllers[0]?.service ?? res?.service);
    if (etp) all['external-traffic-policy'] = etp;
    const hc = healthCheck(route, family, controllers, res?.service, res?.servicePort);
    if (hc) all['lb-health-check'] = hc;
    // One key order for every route: the order of SETTING_IDS.
    const settings: Settings = {};
    for (const id of SETTING_IDS)
      if (set[id] !== undefined) (settings as Record<string, Setting>)[id] = set[id] as Setting;
    const model: RouteDataPlane = {
      route,
      api: route.source.kind === 'Ingress' ? 'ingress' : 'gateway',
      controllers,
      config,
      settings,
    };
    if (backend) model.backend = backend;
    if (family) model.family = family;
    if (evidence) model.familyEvidence = evidence;
    return model;
  }

  // Ingress routes of object-scoped families: the family's settings and defaults of the route's object, merged.
  const merged = new Map<object, Settings | null>();
  function objectSettings(route: Route): Settings | undefined {
    const obj = route.source.obj;
    let m = merged.get(obj);
    if (m === undefined) {
      m = null;
      const family = familyInfo(route).family;
      const def = family ? familyDef(family) : undefined;
      if (!def) m = {};
      else if (def.scope !== 'backend') {
        const found = familyRead(def, route, controllersFor(route), undefined).settings;
        m = {};
        const set = m as Record<string, Setting>;
        for (const d of def.defaults) set[d.setting] = defaultSetting(d);
        Object.assign(m, found);
      }
      merged.set(obj, m);
    }
    return m ?? undefined;
  }

  function familyRead(
    def: FamilyDef | undefined,
    route: Route,
    controllers: RouteDataPlane['controllers'],
    backend: RouteBackend | undefined,
  ): Read {
    if (!def?.settings) return { settings: {}, config: [] };
    const obj = route.source.obj;
    let cache: Map<RouteBackend | undefined, Read> | undefined;
    if (def.scope === 'backend') {
      cache = familySettingsByBackend.get(obj);
      if (!cache) {
        cache = new Map();
        familySettingsByBackend.set(obj, cache);
      }
      const hit = cache.get(backend);
      if (hit) return hit;
    } else {
      const hit = familySettings.get(obj);
      if (hit) return hit;
    }
    const ctx = new ReadContext(graph, route, controllers, backend, configMaps, familyMemo(def.id));
    const config = ctx.config;
    const result: Read = { settings: def.settings(ctx), config };
    if (cache) cache.set(backend, result);
    else familySettings.set(obj, result);
    return result;
  }

  /**
   * An HTTPRoute rule's timeouts. The proxy waits for the backend up to backendRequest, else the whole request's
   * timeout; 0 disables a timeout, and the model then keeps the implementation's default read timeout.
   */
  function routeTimeouts(route: Route): {
    request?: Setting<number>;
    backendRequest?: Setting<number>;
    effective?: Setting<number>;
  } {
    if (route.source.kind !== 'HTTPRoute') return {};
    const i = route.ruleIndex ?? 0;
    const rule = Array.isArray(route.source.obj.spec?.rules) ? route.source.obj.spec.rules[i] : undefined;
    const timeouts = rule?.timeouts;
    if (!timeouts || typeof timeouts !== 'object') return {};
    const layer = (key: 'request' | 'backendRequest'): Layer | undefined => {
      const raw = timeouts[key];
      return typeof raw === 'string'
        ? { raw, from: { kind: 'field', object: route.ref, path: `spec.rules[${i}].timeouts.${key}`, raw } }
        : undefined;
    };
    const request = layered([layer('request')], parseDuration);
    const backendRequest = layered([layer('backendRequest')], parseDuration);
    const effective = [backendRequest, request].find((s) => s && s.value > 0);
    return {
      ...(request ? { request } : {}),
      ...(backendRequest ? { backendRequest } : {}),
      ...(effective ? { effective } : {}),
    };
  }

  /** What the route itself says (Gateway API): HTTPRoute timeouts, BackendTLSPolicy. */
  function gatewayApiSettings(route: Route, all: Settings, service?: V1Service, port?: V1ServicePort): void {
    if (route.source.kind === 'HTTPRoute') {
      const { request, backendRequest, effective } = routeTimeouts(route);
      if (request) all['route-timeout'] = request;
      if (backendRequest) all['backend-request-timeout'] = backendRequest;
      if (effective) {
        const before = all['read-timeout'];
        all['read-timeout'] = before
          ? { ...effective, overrides: [{ value: before.value, from: before.from }] }
          : effective;
      }
    }
    if (service && port) all['backend-protocol'] = tlsSetting(service, port);
  }

  /** Gateway API: TLS to the backend when a BackendTLSPolicy targets its Service (port), else cleartext. */
  function tlsSetting(service: V1Service, port: V1ServicePort): Setting<string> {
    let byPort = tlsSettings.get(service);
    if (!byPort) {
      byPort = new Map();
      tlsSettings.set(service, byPort);
    }
    let s = byPort.get(port);
    if (!s) {
      const policy = backendTlsPolicy(graph, service, port);
      s = policy
        ? {
            value: 'TLS',
            from: {
              kind: 'field',
              object: graph.ref('BackendTLSPolicy', policy),
              path: 'spec.targetRefs',
              raw: `Service ${service.metadata?.name}`,
            },
          }
        : (defaultSetting(CLEARTEXT) as Setting<string>);
      byPort.set(port, s);
    }
    return s;
  }

  function trafficPolicy(svc: V1Service | undefined): Setting<string> | undefined {
    if (!svc) return undefined;
    if (!trafficPolicies.has(svc)) trafficPolicies.set(svc, readTrafficPolicy(svc));
    return trafficPolicies.get(svc);
  }

  function readTrafficPolicy(svc: V1Service): Setting<string> | undefined {
    if (svc.spec?.type !== 'LoadBalancer' && svc.spec?.type !== 'NodePort') return undefined;
    const raw = svc.spec?.externalTrafficPolicy;
    const from: Provenance | undefined =
      typeof raw === 'string'
        ? { kind: 'field', object: graph.ref('Service', svc), path: 'spec.externalTrafficPolicy', raw }
        : undefined;
    return from && raw ? { value: raw, from } : (defaultSetting(ETP_DEFAULT) as Setting<string>);
  }

  function serviceCheck(svc: V1Service): Setting<HealthCheckValue> | undefined {
    if (!serviceChecks.has(svc)) serviceChecks.set(svc, serviceHealthCheck(svc, graph));
    return serviceChecks.get(svc);
  }

  function healthCheck(
    route: Route,
    family: FamilyId | undefined,
    controllers: RouteDataPlane['controllers'],
    service: V1Service | undefined,
    port: V1ServicePort | undefined,
  ): Setting<HealthCheckValue> | undefined {
    // Cloud load balancers that send to the backends themselves check each backend Service.
    if (family === 'aws-alb' || family === 'gce' || family === 'azure-agic') {
      const hc = lbHealthChecks(graph, dataplane).find(
        (h) => h.route === route && h.service === service && (!h.servicePort || h.servicePort === port),
      );
      return hc ? healthCheckSetting(hc, graph) : undefined;
    }
    for (const c of controllers) {
      const s = serviceCheck(c.service);
      if (s) return s;
    }
    return undefined;
  }

  const dataplane: DataPlane = {
    controllers: () => controllersFor(),
    controllersFor: (route) => controllersFor(route),
    familyOf: (route) => familyInfo(route).family,
    route(route, backend) {
      // Most routes have one backend: its model is the route's.
      if (backend === undefined || backend === primaryBackend(route)) {
        let m = models.get(route);
        if (!m) {
          m = build(route, primaryBackend(route));
          models.set(route, m);
        }
        return m;
      }
      let perRoute = byBackend.get(backend);
      if (!perRoute) {
        perRoute = new Map();
        byBackend.set(backend, perRoute);
      }
      let m = perRoute.get(route);
      if (!m) {
        m = build(route, backend);
        perRoute.set(route, m);
      }
      return m;
    },
    serviceHealthCheck: serviceCheck,
    setting<K extends SettingId>(route: Route, id: K, backend?: RouteBackend) {
      type S = Setting<SettingValues[K]> | undefined;
      if (route.source.kind === 'Ingress' && !PER_ROUTE.has(id)) {
        const own = objectSettings(route);
        if (own) return own[id] as S;
      }
      if (route.source.kind !== 'Ingress' && id === 'read-timeout') {
        const family = familyInfo(route).family;
        const d = family ? familyDef(family).defaults.find((x) => x.setting === 'read-timeout') : undefined;
        const fallback = d ? (defaultSetting(d) as Setting<number>) : undefined;
        return (routeTimeouts(route).effective ?? fallback) as S;
      }
      if (route.source.kind !== 'Ingress' && id === 'backend-protocol') {
        const b = backend ?? primaryBackend(route);
        const res = b ? graph.resolveBackend(b) : undefined;
        return (res?.service && res.servicePort ? tlsSetting(res.service, res.servicePort) : undefined) as S;
      }
      return dataplane.route(route, backend).settings[id] as S;
    },
  };
  return dataplane;
}
