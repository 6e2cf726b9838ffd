/**
 * Small builders of Kubernetes objects for check tests. Defaults describe a healthy, hardened app "web" in
 * namespace "shop" behind ingress-nginx; each test changes only what it is about.
 */

type Obj = Record<string, unknown>;

export interface DeployOpts {
  ns?: string;
  labels?: Record<string, string>;
  replicas?: number;
  kind?: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  ports?: { name?: string; containerPort: number }[];
  readiness?: { path: string; port: number | string; scheme?: string } | null;
  liveness?: { path: string; port: number | string } | null;
  preStop?: Obj | null;
  grace?: number;
  env?: { name: string; value: string }[];
  command?: string[];
  args?: string[];
  image?: string;
  containerName?: string;
}

export function deploy(name: string, o: DeployOpts = {}): Obj {
  const labels = o.labels ?? { app: name };
  const container: Obj = {
    name: o.containerName ?? name,
    image: o.image ?? 'registry.example/web:1.0',
    ports: o.ports ?? [{ name: 'http', containerPort: 8080 }],
  };
  const readiness = o.readiness === undefined ? { path: '/healthz', port: 'http' } : o.readiness;
  const liveness = o.liveness === undefined ? { path: '/healthz', port: 'http' } : o.liveness;
  if (readiness) container.readinessProbe = { httpGet: readiness };
  if (liveness) container.livenessProbe = { httpGet: liveness };
  const preStop = o.preStop === undefined ? { exec: { command: ['sleep', '10'] } } : o.preStop;
  if (preStop) container.lifecycle = { preStop };
  if (o.env) container.env = o.env;
  if (o.command) container.command = o.command;
  if (o.args) container.args = o.args;
  const spec: Obj = {
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [container],
        ...(o.grace !== undefined ? { terminationGracePeriodSeconds: o.grace } : {}),
      },
    },
  };
  if ((o.kind ?? 'Deployment') !== 'DaemonSet') spec.replicas = o.replicas ?? 2;
  return {
    apiVersion: 'apps/v1',
    kind: o.kind ?? 'Deployment',
    metadata: { name, namespace: o.ns ?? 'shop' },
    spec,
  };
}

export interface SvcOpts {
  ns?: string;
  selector?: Record<string, string> | null;
  ports?: Obj[];
  type?: string;
  annotations?: Record<string, string>;
  externalName?: string;
  externalTrafficPolicy?: string;
}

export function svc(name: string, o: SvcOpts = {}): Obj {
  const spec: Obj = {
    type: o.type ?? 'ClusterIP',
    ports: o.ports ?? [{ name: 'http', port: 80, targetPort: 'http' }],
  };
  const selector = o.selector === undefined ? { app: name } : o.selector;
  if (selector) spec.selector = selector;
  if (o.externalName) spec.externalName = o.externalName;
  if (o.externalTrafficPolicy) spec.externalTrafficPolicy = o.externalTrafficPolicy;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.ns ?? 'shop', ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec,
  };
}

export const TIMEOUTS = {
  'nginx.ingress.kubernetes.io/proxy-read-timeout': '60',
  'nginx.ingress.kubernetes.io/proxy-send-timeout': '60',
};

export interface IngressOpts {
  ns?: string;
  host?: string | null;
  path?: string;
  pathType?: string;
  service?: string;
  port?: number | string;
  className?: string | null;
  annotations?: Record<string, string>;
  paths?: { path: string; service: string; port: number | string }[];
}

export function ingress(name: string, o: IngressOpts = {}): Obj {
  const backend = (service: string, port: number | string) => ({
    service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } },
  });
  const paths = (o.paths ?? [{ path: o.path ?? '/', service: o.service ?? name, port: o.port ?? 80 }]).map(
    (p) => ({
      path: p.path,
      pathType: o.pathType ?? 'Prefix',
      backend: backend(p.service, p.port),
    }),
  );
  const rule: Obj = { http: { paths } };
  const host = o.host === undefined ? 'shop.example.com' : o.host;
  if (host) rule.host = host;
  const spec: Obj = { rules: [rule] };
  const className = o.className === undefined ? 'nginx' : o.className;
  if (className) spec.ingressClassName = className;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: o.ns ?? 'shop', annotations: o.annotations ?? { ...TIMEOUTS } },
    spec,
  };
}

export function ingressClass(name: string, isDefault = false, controller = 'k8s.io/ingress-nginx'): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    spec: { controller },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function netpol(name: string, ns: string, spec: Obj): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec,
  };
}

export function defaultDenyPolicy(ns = 'shop'): Obj {
  return netpol('default-deny', ns, { podSelector: {}, policyTypes: ['Ingress'] });
}

export function pdb(name: string, ns: string, matchLabels: Record<string, string>): Obj {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: ns },
    spec: { minAvailable: 1, selector: { matchLabels } },
  };
}

export function configMap(name: string, ns: string, data: Record<string, string>): Obj {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

export const CONTROLLER_LABELS = {
  'app.kubernetes.io/name': 'ingress-nginx',
  'app.kubernetes.io/component': 'controller',
};

/** The ingress-nginx controller: namespace, Deployment, LoadBalancer Service, IngressClass "nginx". */
export function nginxController(
  o: { serviceAnnotations?: Record<string, string>; readinessPath?: string } = {},
): Obj[] {
  const dep = deploy('ingress-nginx-controller', {
    ns: 'ingress-nginx',
    labels: CONTROLLER_LABELS,
    image: 'registry.k8s.io/ingress-nginx/controller:v1.11.2',
    args: ['/nginx-ingress-controller', '--configmap=$(POD_NAMESPACE)/ingress-nginx-controller'],
    ports: [
      { name: 'http', containerPort: 80 },
      { name: 'https', containerPort: 443 },
      { name: 'healthz', containerPort: 10254 },
    ],
    readiness: { path: o.readinessPath ?? '/healthz', port: 10254 },
    liveness: { path: o.readinessPath ?? '/healthz', port: 10254 },
    containerName: 'controller',
  });
  return [
    namespace('ingress-nginx'),
    dep,
    svc('ingress-nginx-controller', {
      ns: 'ingress-nginx',
      type: 'LoadBalancer',
      selector: CONTROLLER_LABELS,
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'https', port: 443, targetPort: 'https' },
      ],
      annotations: o.serviceAnnotations,
    }),
    ingressClass('nginx'),
  ];
}

/** The app without a route: Namespace, Deployment and Service "web" in "shop". */
export function appOnly(o: { deploy?: DeployOpts; svc?: SvcOpts } = {}): Obj[] {
  return [namespace('shop'), deploy('web', o.deploy), svc('web', o.svc)];
}

/** A healthy app: Deployment + Service + Ingress "web" in "shop". */
export function webApp(o: { deploy?: DeployOpts; svc?: SvcOpts; ingress?: IngressOpts } = {}): Obj[] {
  return [namespace('shop'), deploy('web', o.deploy), svc('web', o.svc), ingress('web', o.ingress)];
}

export function gatewayClass(
  name: string,
  controllerName = 'gateway.envoyproxy.io/gatewayclass-controller',
): Obj {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name },
    spec: { controllerName },
  };
}

export function gateway(name: string, ns: string, className: string): Obj {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: ns },
    spec: {
      gatewayClassName: className,
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
      ],
    },
  };
}

export function httpRoute(
  name: string,
  o: {
    ns?: string;
    parents?: { name: string; namespace?: string }[];
    hostnames?: string[];
    rules?: Obj[];
  } = {},
): Obj {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: o.ns ?? 'shop' },
    spec: {
      parentRefs: o.parents ?? [{ name: 'public', namespace: 'infra' }],
      hostnames: o.hostnames ?? ['shop.example.com'],
      rules: o.rules ?? [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ name: 'web', port: 80 }],
          timeouts: { request: '30s' },
        },
      ],
    },
  };
}
