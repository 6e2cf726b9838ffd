/**
 * Routes: every Ingress rule path (and default backend) and every HTTPRoute/GRPCRoute rule match flattened into
 * one Route, and the host/path resolution a controller performs over them.
 */
import type { V1Ingress, V1IngressBackend } from '@kubernetes/client-node';
import type {
  BackendRef,
  ClusterSnapshot,
  Gateway,
  GRPCRoute,
  HTTPRoute,
  ObjectRef,
  ParentRef,
} from '../cluster/types.js';
import { attachments, type GatewayRouteKind, gatewayHosts } from './gateways.js';
import { arr, createdAt, isStringMap, NsIndex, nsOf } from './indexes.js';
import { hostMatches, normalizeHost, pathMatchScore } from './match.js';
import type { PathMatchType, Route, RouteBackend, RouteMatch } from './types.js';

export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** "host/path" for messages and Finding.route; "*" for any host. Default backends read "host (default backend)". */
export function routeLabel(route: Route): string {
  const host = route.host ?? '*';
  return route.isDefaultBackend ? `${host} (default backend)` : `${host}${route.path}`;
}

interface ClassInfo {
  className?: string;
  classSource?: Route['classSource'];
}

/** An Ingress's effective class: spec.ingressClassName, the legacy annotation, or the one default IngressClass. */
export function ingressClassResolver(snapshot: ClusterSnapshot): (ing: V1Ingress) => ClassInfo {
  const defaults = snapshot.ingressClasses.filter(
    (c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
  );
  // Several defaults: the API server then refuses class-less Ingresses, so we do not guess one.
  const defaultClass = defaults.length === 1 ? defaults[0]?.metadata?.name : undefined;
  return (ing) => {
    const spec = ing.spec?.ingressClassName;
    if (typeof spec === 'string' && spec) return { className: spec, classSource: 'spec' };
    const ann = ing.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
    if (ann) return { className: ann, classSource: 'annotation' };
    if (defaultClass) return { className: defaultClass, classSource: 'default' };
    return {};
  };
}

export type RouteKind = Route['source']['kind'];

/** The flattened routes of a snapshot, and the routes of each object. */
export interface RouteSet {
  routes: Route[];
  routesOf(kind: RouteKind, namespace: string, name: string): Route[];
}

export function buildRoutes(
  snapshot: ClusterSnapshot,
  gateways: NsIndex<Gateway>,
  ref: (kind: string, obj: { metadata?: { name?: string; namespace?: string } }) => ObjectRef,
): RouteSet {
  const routes: Route[] = [];
  // kind → namespace → name: lookups hash the strings the objects hold, no key string per call.
  const byObject = new Map<string, NsIndex<Route[]>>();
  function addRoute(r: Route): void {
    routes.push(r);
    let byKind = byObject.get(r.source.kind);
    if (!byKind) {
      byKind = new NsIndex();
      byObject.set(r.source.kind, byKind);
    }
    const l = byKind.get(r.namespace, r.ref.name);
    if (l) l.push(r);
    else byKind.set(r.namespace, r.ref.name, [r]);
  }
  const classOf = ingressClassResolver(snapshot);
  for (const ing of snapshot.ingresses) addIngressRoutes(ing, classOf(ing), ref('Ingress', ing), addRoute);
  for (const hr of snapshot.httpRoutes) {
    addGatewayRoutes('HTTPRoute', hr, ref('HTTPRoute', hr), gateways, httpRouteMatches, addRoute);
  }
  for (const gr of snapshot.grpcRoutes) {
    addGatewayRoutes('GRPCRoute', gr, ref('GRPCRoute', gr), gateways, grpcRouteMatches, addRoute);
  }
  return { routes, routesOf: (kind, namespace, name) => byObject.get(kind)?.get(namespace, name) ?? [] };
}

function ingressBackend(ns: string, b: V1IngressBackend | undefined): RouteBackend[] {
  const svc = b?.service;
  if (!svc || typeof svc.name !== 'string') return []; // resource backends are not Services
  const port = svc.port?.number ?? svc.port?.name;
  return [{ namespace: ns, serviceName: svc.name, port: port === undefined ? undefined : port }];
}

const PATH_TYPES = new Set(['Exact', 'Prefix', 'ImplementationSpecific']);

function addIngressRoutes(ing: V1Ingress, cls: ClassInfo, ref: ObjectRef, add: (r: Route) => void): void {
  const ns = nsOf(ing);
  const name = ing.metadata?.name ?? '';
  const annotations = isStringMap(ing.metadata?.annotations) ? ing.metadata.annotations : {};
  const source = { kind: 'Ingress' as const, obj: ing };
  // Routes are built as plain literals, not `{ ...base, … }`: a spread per route is several times slower at
  // 10,000 routes, and literals give every Route the same hidden class. className/classSource are only
  // present when known.
  const ingressRoute = (
    fields: Pick<Route, 'id' | 'host' | 'path' | 'pathType' | 'isDefaultBackend' | 'backends'>,
    ruleIndex?: number,
    matchIndex?: number,
  ): Route => {
    const r: Route =
      cls.className !== undefined
        ? {
            source,
            ref,
            namespace: ns,
            annotations,
            className: cls.className,
            classSource: cls.classSource,
            id: fields.id,
            host: fields.host,
            path: fields.path,
            pathType: fields.pathType,
            isDefaultBackend: fields.isDefaultBackend,
            backends: fields.backends,
          }
        : {
            source,
            ref,
            namespace: ns,
            annotations,
            id: fields.id,
            host: fields.host,
            path: fields.path,
            pathType: fields.pathType,
            isDefaultBackend: fields.isDefaultBackend,
            backends: fields.backends,
          };
    if (ruleIndex !== undefined) {
      r.ruleIndex = ruleIndex;
      r.matchIndex = matchIndex;
    }
    return r;
  };
  arr<NonNullable<NonNullable<V1Ingress['spec']>['rules']>[number]>(ing.spec?.rules).forEach((rule, i) => {
    if (!rule || typeof rule !== 'object') return;
    const host = typeof rule.host === 'string' && rule.host ? rule.host.toLowerCase() : undefined;
    arr<NonNullable<NonNullable<typeof rule.http>['paths']>[number]>(rule.http?.paths).forEach((p, j) => {
      if (!p || typeof p !== 'object') return;
      const pathType = (PATH_TYPES.has(p.pathType) ? p.pathType : 'ImplementationSpecific') as PathMatchType;
      add(
        ingressRoute(
          {
            id: `Ingress/${ns}/${name}#${i}.${j}`,
            host,
            path: typeof p.path === 'string' && p.path ? p.path : '/',
            pathType,
            isDefaultBackend: false,
            backends: ingressBackend(ns, p.backend),
          },
          i,
          j,
        ),
      );
    });
  });
  if (ing.spec?.defaultBackend) {
    add(
      ingressRoute({
        id: `Ingress/${ns}/${name}#default`,
        host: undefined,
        path: '/',
        pathType: 'Prefix',
        isDefaultBackend: true,
        backends: ingressBackend(ns, ing.spec.defaultBackend),
      }),
    );
  }
}

function routeBackends(ns: string, refs: BackendRef[] | undefined): RouteBackend[] {
  const out: RouteBackend[] = [];
  for (const b of arr<BackendRef>(refs)) {
    if (!b || typeof b.name !== 'string') continue;
    if ((b.kind ?? 'Service') !== 'Service' || (b.group ?? '') !== '') continue;
    out.push({ namespace: b.namespace ?? ns, serviceName: b.name, port: b.port, weight: b.weight ?? 1 });
  }
  return out;
}

type MatchesOf = (rule: unknown) => { path: string; pathType: PathMatchType }[];

const HTTP_PATH_TYPES: Record<string, PathMatchType> = {
  Exact: 'Exact',
  PathPrefix: 'Prefix',
  RegularExpression: 'RegularExpression',
};

const httpRouteMatches: MatchesOf = (rule) => {
  const matches = arr<{ path?: { type?: string; value?: string } }>((rule as { matches?: unknown }).matches);
  if (matches.length === 0) return [{ path: '/', pathType: 'Prefix' }];
  return matches.map((m) => ({
    path: typeof m?.path?.value === 'string' ? m.path.value : '/',
    pathType: HTTP_PATH_TYPES[m?.path?.type ?? 'PathPrefix'] ?? 'Prefix',
  }));
};

/** A GRPCRoute method match as the HTTP/2 path it routes: /service/method (Exact) or /service (Prefix). */
const grpcRouteMatches: MatchesOf = (rule) => {
  const matches = arr<{ method?: { service?: string; method?: string } }>(
    (rule as { matches?: unknown }).matches,
  );
  if (matches.length === 0) return [{ path: '/', pathType: 'Prefix' }];
  return matches.map((m) => {
    const svc = m?.method?.service;
    const method = m?.method?.method;
    if (svc && method) return { path: `/${svc}/${method}`, pathType: 'Exact' as const };
    if (svc) return { path: `/${svc}`, pathType: 'Prefix' as const };
    return { path: '/', pathType: 'Prefix' as const };
  });
};

function addGatewayRoutes(
  kind: GatewayRouteKind,
  obj: HTTPRoute | GRPCRoute,
  ref: ObjectRef,
  gateways: NsIndex<Gateway>,
  matchesOf: MatchesOf,
  add: (r: Route) => void,
): void {
  const ns = nsOf(obj);
  const name = obj.metadata?.name ?? '';
  const atts = attachments(gateways, kind, ns, arr<ParentRef>(obj.spec?.parentRefs));
  const { hosts, attached } = gatewayHosts(
    arr<string>(obj.spec?.hostnames).filter((h) => typeof h === 'string'),
    atts,
  );
  const className = atts.find((a) => a.className)?.className;
  const annotations = isStringMap(obj.metadata?.annotations) ? obj.metadata.annotations : {};
  const source = (kind === 'HTTPRoute' ? { kind, obj } : { kind, obj }) as Route['source'];
  arr<{ backendRefs?: BackendRef[] }>(obj.spec?.rules).forEach((rule, i) => {
    if (!rule || typeof rule !== 'object') return;
    const backends = routeBackends(ns, rule.backendRefs);
    matchesOf(rule).forEach((m, j) => {
      for (const host of hosts) {
        add({
          id: `${kind}/${ns}/${name}#${i}.${j}${hosts.length > 1 ? `@${host ?? '*'}` : ''}`,
          source,
          ref,
          namespace: ns,
          host,
          path: m.path,
          pathType: m.pathType,
          isDefaultBackend: false,
          className,
          annotations,
          backends,
          ruleIndex: i,
          matchIndex: j,
          gateways: atts,
          attached,
        });
      }
    });
  });
}

/** Host/path resolution over a set of routes, the way a controller picks a route for a request. */
export interface RouteResolver {
  /** The route a controller would pick for host+path. */
  resolve(host: string, path: string): RouteMatch | undefined;
  /** Every route that matches host+path, best first. */
  matches(host: string, path: string): RouteMatch[];
}

export function routeResolver(routes: readonly Route[]): RouteResolver {
  // Host index: exact hosts, wildcard suffixes, and host-less rules.
  const byHost = new Map<string, Route[]>();
  const byWildcard = new Map<string, Route[]>(); // "foo.com" for "*.foo.com"
  const anyHost: Route[] = [];
  const defaultBackends: Route[] = [];
  for (const r of routes) {
    if (r.isDefaultBackend) defaultBackends.push(r);
    if (r.host === undefined) {
      if (!r.isDefaultBackend) anyHost.push(r);
      continue;
    }
    const idx = r.host.startsWith('*.') ? byWildcard : byHost;
    const k = r.host.startsWith('*.') ? r.host.slice(2) : r.host;
    const l = idx.get(k);
    if (l) l.push(r);
    else idx.set(k, [r]);
  }

  function rank(
    candidates: Route[],
    path: string,
    hostMatch: RouteMatch['hostMatch'],
    host: string,
  ): RouteMatch[] {
    const scored: { r: Route; s: number }[] = [];
    for (const r of candidates) {
      if (r.host !== undefined && !hostMatches(r.host, host, r.source.kind !== 'Ingress')) continue;
      const s = pathMatchScore(r.pathType, r.path, path);
      if (s >= 0) scored.push({ r, s });
    }
    // Best path first; ties: the oldest object wins (ingress-nginx and Gateway API), then namespace/name.
    scored.sort(
      (a, b) =>
        b.s - a.s ||
        createdAt(a.r.source.obj) - createdAt(b.r.source.obj) ||
        (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0),
    );
    return scored.map(({ r }) => ({ route: r, hostMatch }));
  }

  function candidates(rawHost: string) {
    const host = normalizeHost(rawHost);
    const tiers: { routes: Route[]; hostMatch: RouteMatch['hostMatch'] }[] = [];
    const exact = byHost.get(host);
    if (exact) tiers.push({ routes: exact, hostMatch: 'exact' });
    // Most specific wildcard first: "a.b.foo.com" tries "*.b.foo.com", then "*.foo.com" (Gateway API only).
    let dot = host.indexOf('.');
    while (dot >= 0) {
      const w = byWildcard
        .get(host.slice(dot + 1))
        ?.filter((r) => hostMatches(r.host, host, r.source.kind !== 'Ingress'));
      if (w && w.length > 0) tiers.push({ routes: w, hostMatch: 'wildcard' });
      dot = host.indexOf('.', dot + 1);
    }
    if (anyHost.length > 0) tiers.push({ routes: anyHost, hostMatch: 'any' });
    return { tiers, host };
  }

  return {
    /**
     * A controller picks the most specific host that has any rules (its server block / virtual host) and
     * does not fall back to a wildcard or host-less rule when no path of that host matches: it then serves
     * the default backend.
     */
    resolve(rawHost, path) {
      const { tiers, host } = candidates(rawHost);
      const tier = tiers[0];
      if (tier) {
        const best = rank(tier.routes, path, tier.hostMatch, host)[0];
        if (best) return best;
      }
      return rank(defaultBackends, path, 'any', host)[0];
    },
    matches(rawHost, path) {
      const { tiers, host } = candidates(rawHost);
      const out: RouteMatch[] = [];
      for (const t of tiers) out.push(...rank(t.routes, path, t.hostMatch, host));
      out.push(...rank(defaultBackends, path, 'any', host));
      return out;
    },
  };
}
