/**
 * The effective data plane of a route: which proxy carries it and what that proxy will do (timeouts, keep-alive,
 * retries, limits, backend protocol, the load balancer's health check), every value with where it came from.
 * Built once on the route graph (build.ts); checks, diagnose and `route` read it, nothing else parses controller
 * configuration.
 */
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { ObjectRef } from '../cluster/types.js';
import type { Route, RouteBackend } from '../graph/types.js';

/** The proxy implementations the model knows, one file each in families/. */
export const FAMILY_IDS = [
  'ingress-nginx',
  'nginx-gateway-fabric',
  'envoy-gateway',
  'istio',
  'contour',
  'kgateway',
  'traefik',
  'haproxy',
  'kong',
  'cilium',
  'aws-alb',
  'gce',
  'azure-agic',
] as const;
export type FamilyId = (typeof FAMILY_IDS)[number];

/** Where a documented default is written down: a page, or a file in a repository. */
export type DefaultSource =
  | { url: string }
  | { repo: string; path: string }
  /** Carried over without a source; say from where, so it can be found and checked (issue 19). */
  | { unsourced: string };

/** A documented default of one family, as a data record. */
export interface DefaultRecord<T = SettingValue> {
  /** Whose default: a proxy family, Kubernetes itself, or the Gateway API specification. */
  family: FamilyId | 'kubernetes' | 'gateway-api';
  setting: SettingId;
  value: T;
  /** The version of the implementation the default holds for; null when not recorded. */
  version: string | null;
  source: DefaultSource;
  /** Where a user changes it, e.g. ["annotation nginx.ingress.kubernetes.io/proxy-read-timeout", "ConfigMap key proxy-read-timeout"]. */
  setBy?: string[];
  note?: string;
}

/** Where a value came from. */
export type Provenance =
  | { kind: 'annotation'; object: ObjectRef; key: string; raw: string }
  | { kind: 'configmap'; object: ObjectRef; key: string; raw: string }
  /** A container argument of the controller, as written and as the kubelet expands it. */
  | { kind: 'argument'; object: ObjectRef; container: string; arg: string; expanded: string }
  /** A field of an object: HTTPRoute timeouts, BackendConfig healthCheck, Service spec. */
  | { kind: 'field'; object: ObjectRef; path: string; raw: string }
  | { kind: 'default'; default: DefaultRecord }
  /** Found by a naming convention, not by anything that names it (e.g. the chart's ConfigMap name). */
  | { kind: 'convention'; text: string };

/** The settings that decide a 502/504, by id. */
export const SETTING_IDS = [
  'connect-timeout',
  'read-timeout',
  'send-timeout',
  'route-timeout',
  'backend-request-timeout',
  'client-keepalive-timeout',
  'upstream-keepalive-timeout',
  'upstream-keepalive-connections',
  'retry-on',
  'retry-tries',
  'buffer-size',
  'body-limit',
  'backend-protocol',
  'lb-health-check',
  'external-traffic-policy',
] as const;
export type SettingId = (typeof SETTING_IDS)[number];

/** The load balancer's health check of the route's first hop into the cluster. */
export interface HealthCheckValue {
  provider: 'aws-alb' | 'aws-nlb' | 'gke' | 'azure-agic' | 'azure-lb' | 'kube-proxy';
  /** Path probed; undefined when the provider infers it (GKE from the readinessProbe) or checks TCP only. */
  path?: string;
  /** 'traffic-port' = the port traffic goes to (the targetPort behind the NodePort). */
  port: number | 'traffic-port';
  protocol?: string;
  intervalS?: number;
  /** The Service it checks. */
  service: ObjectRef;
  /** Where each part is configured, when not where the path is. */
  parts?: { port?: Provenance; protocol?: Provenance; interval?: Provenance };
}

export type SettingValue = number | string | HealthCheckValue;

/** Value types per setting: seconds, bytes, counts, words. */
export interface SettingValues {
  'connect-timeout': number;
  'read-timeout': number;
  'send-timeout': number;
  'route-timeout': number;
  'backend-request-timeout': number;
  'client-keepalive-timeout': number;
  'upstream-keepalive-timeout': number;
  'upstream-keepalive-connections': number;
  'retry-on': string;
  'retry-tries': number;
  'buffer-size': number;
  'body-limit': number;
  'backend-protocol': string;
  'lb-health-check': HealthCheckValue;
  'external-traffic-policy': string;
}

/** One effective setting: the value that wins, where it is set, and what it overrides. */
export interface Setting<T = SettingValue> {
  value: T;
  from: Provenance;
  /** Lower-precedence values this one overrides (e.g. the ConfigMap key an annotation beats). */
  overrides?: { value: T; from: Provenance }[];
  /** Set when the raw text could not be read as a value; the setting then takes the next layer's. */
  unreadable?: { raw: string; from: Provenance }[];
  /** Other places that shaped the value (e.g. ALB's backend-protocol-version next to backend-protocol). */
  also?: Provenance[];
}

export type Settings = { [K in SettingId]?: Setting<SettingValues[K]> };

/** The ingress controller / Gateway data plane Service that receives traffic from the LB. */
export interface ControllerInfo {
  service: V1Service;
  /** Pods behind the controller Service. */
  pods: V1Pod[];
  /** Which classes it serves, when known (IngressClass controller, GatewayClass). */
  classes: string[];
  /** LB address from status.loadBalancer.ingress (ip or hostname), if any. */
  loadBalancerAddress?: string;
  nodePorts: { name?: string; port: number; nodePort?: number; protocol?: string }[];
  /** The implementation when recognised. */
  family?: FamilyId;
  /** Gateways ("namespace/name") this Service is the data plane of (Gateway API `gateway-name` labels). */
  gateways?: string[];
  /** Why we think it is a controller, for messages: e.g. 'label app.kubernetes.io/name=ingress-nginx'. */
  evidence?: string[];
}

/** The data plane of one route. */
export interface RouteDataPlane {
  route: Route;
  /** Which API configures the proxy: Ingress (annotations, controller ConfigMap) or Gateway API (route fields). */
  api: 'ingress' | 'gateway';
  /** The proxy that carries the route, when known. */
  family?: FamilyId;
  /** Why we think so, e.g. "IngressClass nginx (controller k8s.io/ingress-nginx)". */
  familyEvidence?: string;
  /** The backend the settings are for: per-backend settings (protocol, LB health check, GKE timeout) differ. */
  backend?: RouteBackend;
  /** The controller / Gateway data plane Services that carry the route (by class or Gateway). */
  controllers: ControllerInfo[];
  /** Configuration objects read for this route (the controller ConfigMap, a BackendConfig…) and how each was found. */
  config: ConfigUse[];
  settings: Settings;
}

/** A configuration object a route's settings were read from, and what names it. */
export interface ConfigUse {
  object: ObjectRef;
  via: Provenance;
}

/** The model over one graph; built once, queried per route (memoised). */
export interface DataPlane {
  /** Every controller / Gateway data plane Service. */
  controllers(): ControllerInfo[];
  /** The ones that could carry this route (by class or Gateway), or the unclaimed ones. */
  controllersFor(route: Route): ControllerInfo[];
  /** The proxy family of a route (cheap: no settings read). */
  familyOf(route: Route): FamilyId | undefined;
  /**
   * One setting of a route, without building the route's whole model where it does not need it (checks ask for
   * one or two settings of every route): the same value and provenance as `route(route, backend).settings[id]`.
   */
  setting<K extends SettingId>(
    route: Route,
    id: K,
    backend?: RouteBackend,
  ): Setting<SettingValues[K]> | undefined;
  /** The full model of one route, for its primary backend (the heaviest weight) or the one given. */
  route(route: Route, backend?: RouteBackend): RouteDataPlane;
  /** A Service's own load balancer health check (NLB / Azure LB annotations, externalTrafficPolicy Local). */
  serviceHealthCheck(service: V1Service): Setting<HealthCheckValue> | undefined;
}

/** A setting as reports show it next to a finding: "read timeout 5 s — ConfigMap ns/name key proxy-read-timeout". */
export interface SettingEvidence {
  setting: SettingId;
  label: string;
  value: string;
  from: string;
}
