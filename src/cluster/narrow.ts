/**
 * Narrow reads for one route (≤ ~12 API requests, independent of how many unrelated objects the cluster holds):
 * the routes to find the one for the target, then only that route's Service, EndpointSlices (by label), pods (by
 * the Service selector), the Nodes, the backend namespace's NetworkPolicies, the controller Service(s) by label and
 * their pods, the kube-system ConfigMaps (CNI) and the controller's own configuration objects by name.
 *
 * The reader makes the requests; what the objects mean (which route the target resolves to, which objects are
 * controllers, which ConfigMap a controller reads) is the caller's `NarrowPlan`, so this source knows nothing of
 * the route graph or the data-plane model built on top of it.
 */
import type { V1Ingress, V1Namespace, V1Pod, V1Service } from '@kubernetes/client-node';
import type { Kube } from './kube.js';
import { addObject } from './parse.js';
import { type ClusterSnapshot, emptySnapshot, type HTTPRoute, type SourceWarning } from './types.js';

export type NarrowKube = Pick<Kube, 'list' | 'get' | 'namespace' | 'warnings' | 'requestCount'>;

/** What to read: a URL's host and path, or a route by name (the TARGET forms of diagnose and route). */
export type RouteQuery =
  | { kind: 'url'; scheme: 'http' | 'https'; host: string; port: number; path: string }
  | { kind: 'ingress' | 'httproute'; namespace?: string; name: string };

/** The request a diagnosis sends: from the URL, or derived from a route named by kind/name. */
export interface RouteTarget {
  scheme: 'http' | 'https';
  host?: string;
  path: string;
  port: number;
}

export interface NamedRoute {
  kind: 'Ingress' | 'HTTPRoute';
  namespace: string;
  name: string;
}

/** A configuration object a controller reads, by name (e.g. ingress-nginx's --configmap). */
export interface ConfigObjectRef {
  resource: 'configmaps';
  namespace: string;
  name: string;
}

/** The decisions between reads, made by the caller over the objects read so far. */
export interface NarrowPlan {
  /** Do these Ingresses route host+path? If not, HTTPRoutes are read too. */
  ingressesRoute(ingresses: V1Ingress[], host: string, path: string): boolean;
  /** Over the objects read so far: whether the target's route is an Ingress, and the backend to follow. */
  locate(
    objects: unknown[],
    target: RouteTarget,
    named: NamedRoute | undefined,
  ): { ingressRoute: boolean; backend?: { namespace: string; serviceName: string } };
  /** The label selector that finds controller Services (the Gateways' data planes when Gateways are named). */
  controllerSelector(gatewayNames: string[]): string;
  /** A label selector for controller Services when the first finds none. */
  fallbackControllerSelector: string;
  /** Configuration objects the controller reads, from its Service and pods. */
  configObjects(controller: V1Service, pods: V1Pod[]): ConfigObjectRef[];
}

export interface NarrowRead {
  snapshot: ClusterSnapshot;
  target: RouteTarget;
  /** Set when the query named the route (ingress/NAME, httproute/NAME). */
  named?: NamedRoute;
  warnings: SourceWarning[];
  /** IngressClasses were listed (not forbidden): a missing class is then a fact, not a gap in what we read. */
  ingressClassesRead: boolean;
}

export class RouteNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteNotFound';
  }
}

const LB_TYPES = new Set(['LoadBalancer', 'NodePort']);
/** At most this many controller Services, and parent Gateways read by name. */
const MAX_CONTROLLERS = 2;
const MAX_GATEWAYS = 3;

function selectorString(sel: Record<string, string>): string {
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The request for an Ingress named by the user: its first rule with a host, over HTTPS when TLS covers that host. */
function ingressTarget(ing: V1Ingress): RouteTarget {
  const rule = ing.spec?.rules?.find((r) => r.host) ?? ing.spec?.rules?.[0];
  const host = rule?.host;
  const path = rule?.http?.paths?.[0]?.path ?? '/';
  const tls = !!host && (ing.spec?.tls ?? []).some((t) => (t.hosts ?? []).includes(host));
  const scheme = tls ? 'https' : 'http';
  const t: RouteTarget = { scheme, path, port: tls ? 443 : 80 };
  if (host) t.host = host;
  return t;
}

function httpRouteTarget(r: HTTPRoute): RouteTarget {
  const host = r.spec.hostnames?.[0];
  const path = r.spec.rules?.[0]?.matches?.[0]?.path?.value ?? '/';
  const t: RouteTarget = { scheme: 'http', path, port: 80 };
  if (host) t.host = host;
  return t;
}

export async function readRouteObjects(
  kube: NarrowKube,
  query: RouteQuery,
  plan: NarrowPlan,
  opts: { namespace?: string } = {},
): Promise<NarrowRead> {
  const objects: unknown[] = [];
  const add = (items: unknown[]) => objects.push(...items);
  let t: RouteTarget;
  let named: NamedRoute | undefined;
  let httpRoutes: HTTPRoute[] = [];

  if (query.kind === 'url') {
    t = { scheme: query.scheme, host: query.host, path: query.path, port: query.port };
    const ingresses = await kube.list('ingresses', { namespace: opts.namespace });
    add(ingresses);
    if (!plan.ingressesRoute(ingresses, query.host, query.path)) {
      httpRoutes = await kube.list('httproutes', { namespace: opts.namespace });
      add(httpRoutes);
    }
  } else if (query.kind === 'ingress') {
    const ns = query.namespace ?? opts.namespace ?? kube.namespace;
    const ing = await kube.get('ingresses', ns, query.name);
    if (!ing) throw new RouteNotFound(`ingress ${ns}/${query.name} not found (kubectl get ingress -n ${ns})`);
    add([ing]);
    t = ingressTarget(ing);
    named = { kind: 'Ingress', namespace: ns, name: query.name };
  } else {
    const ns = query.namespace ?? opts.namespace ?? kube.namespace;
    const r = await kube.get('httproutes', ns, query.name);
    if (!r)
      throw new RouteNotFound(`httproute ${ns}/${query.name} not found (kubectl get httproute -n ${ns})`);
    httpRoutes = [r];
    add([r]);
    t = httpRouteTarget(r);
    named = { kind: 'HTTPRoute', namespace: ns, name: query.name };
  }

  // Parent Gateways of the HTTPRoutes we hold (by name, at most a few).
  const gwKeys = new Set<string>();
  for (const r of httpRoutes) {
    for (const p of r.spec?.parentRefs ?? []) {
      if ((p.kind ?? 'Gateway') === 'Gateway')
        gwKeys.add(`${p.namespace ?? r.metadata?.namespace}/${p.name}`);
    }
  }
  const gateways = await Promise.all(
    [...gwKeys].slice(0, MAX_GATEWAYS).map((k) => {
      const [ns, name] = k.split('/');
      return kube.get('gateways', ns ?? '', name ?? '');
    }),
  );
  add(gateways.filter((g) => g !== undefined));

  const located = plan.locate(objects, t, named);
  let ingressClassesRead = false;
  // Only for an Ingress that matches: for an unmatched host the class changes nothing (and the budget is tight).
  if (located.ingressRoute) {
    // Whether the route's class exists (and which is the default) decides whether any controller serves it.
    const before = kube.warnings.length;
    add(await kube.list('ingressclasses'));
    ingressClassesRead = !kube.warnings
      .slice(before)
      .some((w) => w.permission?.resource.startsWith('ingressclasses'));
  }

  // The backend chain of the route (or of the nearest route, for the host trap).
  const backend = located.backend;
  const svc: V1Service | undefined = backend
    ? await kube.get('services', backend.namespace, backend.serviceName)
    : undefined;
  if (svc) add([svc]);
  const sel = svc?.spec?.selector;
  const gwNames = [...gwKeys].map((k) => k.split('/')[1]).filter((n): n is string => !!n);
  const [slices, pods, policies, nodes, ctlServices] = await Promise.all([
    backend
      ? kube.list('endpointslices', {
          namespace: backend.namespace,
          labelSelector: `kubernetes.io/service-name=${backend.serviceName}`,
        })
      : Promise.resolve([]),
    backend && sel && Object.keys(sel).length > 0
      ? kube.list('pods', { namespace: backend.namespace, labelSelector: selectorString(sel) })
      : Promise.resolve([] as V1Pod[]),
    backend ? kube.list('networkpolicies', { namespace: backend.namespace }) : Promise.resolve([]),
    kube.list('nodes'),
    kube.list('services', { labelSelector: plan.controllerSelector(gwNames) }),
  ]);
  add([...slices, ...pods, ...policies, ...nodes]);
  let controllers = ctlServices.filter((s) => LB_TYPES.has(s.spec?.type ?? ''));
  if (controllers.length === 0) {
    const generic = await kube.list('services', { labelSelector: plan.fallbackControllerSelector });
    controllers = generic.filter((s) => LB_TYPES.has(s.spec?.type ?? ''));
  }
  controllers = controllers.slice(0, MAX_CONTROLLERS);
  add(controllers);

  const namespaces = new Set<string>();
  if (policies.length > 0) {
    if (backend) namespaces.add(backend.namespace);
    for (const c of controllers) if (c.metadata?.namespace) namespaces.add(c.metadata.namespace);
  }
  const [ctlPods, kubeSystemCms, nsObjs] = await Promise.all([
    Promise.all(
      controllers.map((c) =>
        c.spec?.selector && Object.keys(c.spec.selector).length > 0
          ? kube.list('pods', {
              namespace: c.metadata?.namespace,
              labelSelector: selectorString(c.spec.selector),
            })
          : Promise.resolve([] as V1Pod[]),
      ),
    ),
    kube.list('configmaps', { namespace: 'kube-system' }),
    namespaces.size > 0
      ? kube.list('namespaces', {
          labelSelector: `kubernetes.io/metadata.name in (${[...namespaces].join(',')})`,
        })
      : Promise.resolve([] as V1Namespace[]),
  ]);
  add(ctlPods.flat());
  add(kubeSystemCms);
  // Namespaces carry kubernetes.io/metadata.name automatically; stand in for any the server did not return.
  const haveNs = new Set(nsObjs.map((n) => n.metadata?.name));
  add(nsObjs);
  for (const n of namespaces) {
    if (!haveNs.has(n))
      add([
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: n, labels: { 'kubernetes.io/metadata.name': n } },
        },
      ]);
  }
  // The first controller's own configuration (timeouts, buffer sizes), by name.
  const ctl = controllers[0];
  if (ctl) {
    const refs = plan.configObjects(ctl, ctlPods[0] ?? []);
    const found = await Promise.all(refs.map((r) => kube.get(r.resource, r.namespace, r.name)));
    add(found.filter((o) => o !== undefined));
  }

  const snapshot = emptySnapshot(true);
  const seen = new Set<string>();
  for (const o of objects) {
    const m = o as { kind?: string; metadata?: { namespace?: string; name?: string } };
    const id = `${m.kind}/${m.metadata?.namespace ?? ''}/${m.metadata?.name ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    addObject(snapshot, o);
  }
  const out: NarrowRead = { snapshot, target: t, warnings: [...kube.warnings], ingressClassesRead };
  if (named) out.named = named;
  return out;
}
