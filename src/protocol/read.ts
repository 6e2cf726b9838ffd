import type { V1Ingress, V1Namespace, V1Pod, V1Service } from '@kubernetes/client-node';
import type { Kube } from '../cluster/kube.js';
import { addObject } from '../cluster/parse.js';
import { type ClusterSnapshot, emptySnapshot, type HTTPRoute, type SourceWarning } from '../cluster/types.js';
import { configMapFlag } from '../dataplane/families/ingress-nginx.js';
import { buildGraph } from '../graph/build.js';
import { CONTROLLER_FAMILIES, GATEWAY_NAME_LABEL } from '../graph/controllers.js';
import type { Route, RouteGraph } from '../graph/types.js';
import { nearestRoute } from './facts.js';
import type { Target } from './target.js';

/**
 * Narrow reads for one diagnosis (≤ ~12 API requests, independent of how many unrelated objects the cluster
 * holds): the routes to find the one for the target, then only that route's Service, EndpointSlices (by
 * label), pods (by the Service selector), the Nodes, the backend namespace's NetworkPolicies, the controller
 * Service(s) by well-known labels and their pods, the CNI ConfigMaps and the controller ConfigMap by name.
 */

export type NarrowKube = Pick<Kube, 'list' | 'get' | 'namespace' | 'warnings' | 'requestCount'>;

export interface NarrowRead {
  snapshot: ClusterSnapshot;
  graph: RouteGraph;
  /** Set when the target named the route (ingress/NAME, httproute/NAME). */
  route?: Route;
  target: { scheme: 'http' | 'https'; host?: string; path: string; port: number };
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

function controllerSelector(): string {
  const names = [...new Set(CONTROLLER_FAMILIES.flatMap((f) => f.names))].filter((n) =>
    /^[A-Za-z0-9._-]{1,63}$/.test(n),
  );
  return `app.kubernetes.io/name in (${names.join(',')})`;
}

function selectorString(sel: Record<string, string>): string {
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function ingressTarget(ing: V1Ingress): NarrowRead['target'] {
  const rule = ing.spec?.rules?.find((r) => r.host) ?? ing.spec?.rules?.[0];
  const host = rule?.host;
  const path = rule?.http?.paths?.[0]?.path ?? '/';
  const tls = !!host && (ing.spec?.tls ?? []).some((t) => (t.hosts ?? []).includes(host));
  const scheme = tls ? 'https' : 'http';
  const t: NarrowRead['target'] = { scheme, path, port: tls ? 443 : 80 };
  if (host) t.host = host;
  return t;
}

function httpRouteTarget(r: HTTPRoute): NarrowRead['target'] {
  const host = r.spec.hostnames?.[0];
  const path = r.spec.rules?.[0]?.matches?.[0]?.path?.value ?? '/';
  const t: NarrowRead['target'] = { scheme: 'http', path, port: 80 };
  if (host) t.host = host;
  return t;
}

export async function readRoute(
  kube: NarrowKube,
  target: Target,
  opts: { namespace?: string } = {},
): Promise<NarrowRead> {
  const objects: unknown[] = [];
  const add = (items: unknown[]) => objects.push(...items);
  let t: NarrowRead['target'];
  let named: { kind: 'Ingress' | 'HTTPRoute'; namespace: string; name: string } | undefined;
  let httpRoutes: HTTPRoute[] = [];

  if (target.kind === 'url') {
    t = { scheme: target.scheme, host: target.host, path: target.path, port: target.port };
    const ingresses = await kube.list('ingresses', { namespace: opts.namespace });
    add(ingresses);
    const probe = emptySnapshot(true);
    for (const i of ingresses) addObject(probe, i);
    if (!buildGraph(probe).resolve(target.host, target.path)) {
      httpRoutes = await kube.list('httproutes', { namespace: opts.namespace });
      add(httpRoutes);
    }
  } else if (target.kind === 'ingress') {
    const ns = target.namespace ?? opts.namespace ?? kube.namespace;
    const ing = await kube.get('ingresses', ns, target.name);
    if (!ing)
      throw new RouteNotFound(`ingress ${ns}/${target.name} not found (kubectl get ingress -n ${ns})`);
    add([ing]);
    t = ingressTarget(ing);
    named = { kind: 'Ingress', namespace: ns, name: target.name };
  } else {
    const ns = target.namespace ?? opts.namespace ?? kube.namespace;
    const r = await kube.get('httproutes', ns, target.name);
    if (!r)
      throw new RouteNotFound(`httproute ${ns}/${target.name} not found (kubectl get httproute -n ${ns})`);
    httpRoutes = [r];
    add([r]);
    t = httpRouteTarget(r);
    named = { kind: 'HTTPRoute', namespace: ns, name: target.name };
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
    [...gwKeys].slice(0, 3).map((k) => {
      const [ns, name] = k.split('/');
      return kube.get('gateways', ns, name ?? '');
    }),
  );
  add(gateways.filter((g) => g !== undefined));

  // Find the route (and its class) over what we have so far.
  const first = emptySnapshot(true);
  for (const o of objects) addObject(first, o);
  const g1 = buildGraph(first);
  const route = named
    ? g1.routesOf(named.kind, named.namespace, named.name)[0]
    : t.host
      ? g1.resolve(t.host, t.path)?.route
      : undefined;
  let ingressClassesRead = false;
  // Only for a route that matches: for an unmatched host the class changes nothing (and the budget is tight).
  if (route && route.source.kind === 'Ingress') {
    // Whether the route's class exists (and which is the default) decides whether any controller serves it.
    const before = kube.warnings.length;
    add(await kube.list('ingressclasses'));
    ingressClassesRead = !kube.warnings
      .slice(before)
      .some((w) => w.permission?.resource.startsWith('ingressclasses'));
  }

  // The backend chain of the route (or of the nearest route, for the host trap).
  const backend = (route ?? nearestRoute(g1, t.host, t.path))?.backends[0];
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
    kube.list('services', {
      labelSelector:
        gwNames.length > 0 ? `${GATEWAY_NAME_LABEL} in (${gwNames.join(',')})` : controllerSelector(),
    }),
  ]);
  add([...slices, ...pods, ...policies, ...nodes]);
  let controllers = ctlServices.filter((s) => LB_TYPES.has(s.spec?.type ?? ''));
  if (controllers.length === 0) {
    const generic = await kube.list('services', { labelSelector: 'app.kubernetes.io/component=controller' });
    controllers = generic.filter((s) => LB_TYPES.has(s.spec?.type ?? ''));
  }
  controllers = controllers.slice(0, 2);
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
  // The controller's own ConfigMap (timeouts, buffer sizes), by name.
  const ctl = controllers[0];
  if (ctl) {
    const ns = ctl.metadata?.namespace ?? 'default';
    let cmName = `${(ctl.metadata?.name ?? 'ingress-nginx-controller').replace(/-controller$/, '')}-controller`;
    let cmNs = ns;
    const pod = ctlPods[0]?.[0];
    const flag = pod ? configMapFlag(pod) : undefined;
    if (flag) {
      cmName = flag.name;
      cmNs = flag.namespace;
    }
    const cm = await kube.get('configmaps', cmNs, cmName);
    if (cm) add([cm]);
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
  const graph = buildGraph(snapshot);
  const out: NarrowRead = { snapshot, graph, target: t, warnings: [...kube.warnings], ingressClassesRead };
  if (named) {
    const r = graph.routesOf(named.kind, named.namespace, named.name)[0];
    if (r) out.route = r;
  }
  return out;
}
