import { samePathClaim } from '../graph/match.js';
import { routeLabel } from '../graph/routed.js';
import type { Route } from '../graph/types.js';
import { list } from './shape.js';
import type { Check, CheckFinding } from './types.js';

const CANARY = 'nginx.ingress.kubernetes.io/canary';

/**
 * The same host+path claimed twice by routes of the same controller. ingress-nginx canary Ingresses duplicate
 * on purpose and are skipped; HTTPRoute matches with header/method/query conditions are not plain claims.
 */
export const duplicateRoute: Check = {
  meta: {
    id: 'duplicate-route',
    hop: 4,
    causes: ['duplicate-route'],
    severity: 'error',
    summary: 'The same host and path are claimed by more than one route',
    docs:
      'Groups routes by controller (IngressClass, or parent Gateway for HTTPRoutes), host and path (Exact, ' +
      'Prefix; ImplementationSpecific counts as Prefix). Ingress duplicates are errors (ingress-nginx rejects ' +
      'them at admission or picks one); HTTPRoute duplicates are warnings (Gateway API resolves them by age).',
  },
  run({ graph }) {
    const groups = new Map<string, Route[]>();
    for (const route of graph.routes) {
      if (route.isDefaultBackend) continue;
      if (route.source.kind === 'Ingress' && route.annotations[CANARY] === 'true') continue;
      if (hasExtraConditions(route)) continue;
      for (const owner of owners(route)) {
        const pathKey =
          route.pathType === 'Exact' || route.pathType === 'RegularExpression'
            ? `${route.pathType}:${route.path}`
            : `Prefix:${route.path.length > 1 ? route.path.replace(/\/+$/, '') || '/' : route.path || '/'}`;
        const key = `${owner}|${(route.host ?? '*').toLowerCase()}|${pathKey}`;
        const list = groups.get(key) ?? [];
        list.push(route);
        groups.set(key, list);
      }
    }
    const findings: CheckFinding[] = [];
    const reported = new Set<string>();
    for (const list of groups.values()) {
      if (list.length < 2) continue;
      const [first, ...rest] = list;
      for (const dup of rest) {
        if (!samePathClaim(first.pathType, first.path, dup.pathType, dup.path)) continue;
        const pair = `${first.id}|${dup.id}`;
        if (reported.has(pair)) continue;
        reported.add(pair);
        const isIngress = dup.source.kind === 'Ingress';
        const same =
          first.ref.kind === dup.ref.kind &&
          first.ref.name === dup.ref.name &&
          first.namespace === dup.namespace;
        findings.push({
          severity: isIngress ? 'error' : 'warning',
          object: dup.ref,
          route: routeLabel(dup),
          message:
            `${describe(dup)} claims ${routeLabel(dup)} (${dup.pathType}), already claimed by ` +
            (same ? 'another rule of the same object' : describe(first)),
          why: isIngress
            ? 'ingress-nginx refuses the second one at admission, or without the webhook serves only one of them: which backend answers is an accident.'
            : 'Gateway API gives the conflict to the oldest route; the other one silently receives nothing.',
          fix: `Keep one owner for ${routeLabel(dup)}: merge the rules into one object, or change the host or path of one of them.`,
          related: [first.ref],
        });
      }
    }
    return findings;
  },
};

function describe(route: Route): string {
  return `${route.ref.kind} ${route.namespace}/${route.ref.name}`;
}

/** Which data plane serves the route: duplicates only collide within one. */
function owners(route: Route): string[] {
  if (route.source.kind === 'Ingress') return [`ingress:${route.className ?? ''}`];
  const parents =
    route.gateways?.map((g) => `${g.namespace}/${g.name}`) ??
    list(route.source.obj.spec?.parentRefs).map((p) => `${p.namespace ?? route.namespace}/${p.name}`);
  return parents.length > 0 ? parents.map((p) => `gateway:${p}`) : [`gateway:${route.className ?? ''}`];
}

/** HTTPRoute/GRPCRoute matches that also test headers, method or query are not plain host+path claims. */
function hasExtraConditions(route: Route): boolean {
  if (route.source.kind === 'GRPCRoute') return true; // matched by gRPC service/method, not path
  if (route.source.kind !== 'HTTPRoute') return false;
  const rule = route.source.obj.spec?.rules?.[route.ruleIndex ?? -1];
  const match = rule?.matches?.[route.matchIndex ?? -1] as
    | { headers?: unknown[]; method?: string; queryParams?: unknown[] }
    | undefined;
  return Boolean(
    match && ((match.headers?.length ?? 0) > 0 || match.method || (match.queryParams?.length ?? 0) > 0),
  );
}
