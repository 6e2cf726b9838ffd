/**
 * What a diagnosis reads (the NarrowPlan of cluster/narrow.ts): the route graph decides which route the target
 * resolves to and which backend to follow; the proxy families of the data-plane model decide which Services are
 * controllers and which configuration objects a controller reads.
 */
import type { V1Ingress } from '@kubernetes/client-node';
import { type NarrowKube, type NarrowPlan, type RouteQuery, readRouteObjects } from '../cluster/narrow.js';
import { addObject } from '../cluster/parse.js';
import { emptySnapshot } from '../cluster/types.js';
import { controllerNames, controllerSignals, GATEWAY_NAME_LABEL } from '../dataplane/controllers.js';
import { familyDef } from '../dataplane/families/index.js';
import { buildGraph } from '../graph/build.js';
import type { Route, RouteGraph } from '../graph/types.js';
import { nearestRoute } from './facts.js';

function graphOf(objects: unknown[]): RouteGraph {
  const snapshot = emptySnapshot(true);
  for (const o of objects) addObject(snapshot, o);
  return buildGraph(snapshot);
}

function controllerSelector(gatewayNames: string[]): string {
  if (gatewayNames.length > 0) return `${GATEWAY_NAME_LABEL} in (${gatewayNames.join(',')})`;
  const names = controllerNames().filter((n) => /^[A-Za-z0-9._-]{1,63}$/.test(n));
  return `app.kubernetes.io/name in (${names.join(',')})`;
}

export const diagnosisPlan: NarrowPlan = {
  ingressesRoute(ingresses: V1Ingress[], host, path) {
    return graphOf(ingresses).resolve(host, path) !== undefined;
  },
  locate(objects, target, named) {
    const g = graphOf(objects);
    const route = named
      ? g.routesOf(named.kind, named.namespace, named.name)[0]
      : target.host
        ? g.resolve(target.host, target.path)?.route
        : undefined;
    const backend = (route ?? nearestRoute(g, target.host, target.path))?.backends[0];
    return {
      ingressRoute: route?.source.kind === 'Ingress',
      ...(backend ? { backend: { namespace: backend.namespace, serviceName: backend.serviceName } } : {}),
    };
  },
  controllerSelector,
  fallbackControllerSelector: 'app.kubernetes.io/component=controller',
  configObjects(controller, pods) {
    // The family of the controller says which objects configure it (ingress-nginx: its --configmap).
    const family = controllerSignals(controller, pods).family;
    return family ? (familyDef(family).configObjects?.(controller, pods) ?? []) : [];
  },
};

export interface RouteRead {
  graph: RouteGraph;
  /** Set when the target named the route (ingress/NAME, httproute/NAME). */
  route?: Route;
  read: Awaited<ReturnType<typeof readRouteObjects>>;
}

/** The narrow reads for one route and the graph over them. */
export async function readRoute(
  kube: NarrowKube,
  query: RouteQuery,
  opts: { namespace?: string } = {},
): Promise<RouteRead> {
  const read = await readRouteObjects(kube, query, diagnosisPlan, opts);
  const graph = buildGraph(read.snapshot);
  const named = read.named;
  const route = named ? graph.routesOf(named.kind, named.namespace, named.name)[0] : undefined;
  return route ? { graph, route, read } : { graph, read };
}
