import type { V1Service } from '@kubernetes/client-node';
import { routedServices, routeLabel } from '../graph/routed.js';
import type { Route } from '../graph/types.js';
import {
  containersOf,
  distinctByOwner,
  podOwnerName,
  podRef,
  servicePods,
  targetPortOf,
} from './pod-spec.js';
import { list } from './shape.js';
import type { Check, CheckFinding } from './types.js';

/**
 * A Service targetPort the selected containers do not expose. A named targetPort that no container names is
 * certain breakage (the pod gets no endpoint for that port). A numeric one is only flagged when the containers
 * declare ports and none is that number: undeclared ports still receive traffic, so silence is not evidence.
 */
export const targetPort: Check = {
  meta: {
    id: 'target-port',
    hop: 4,
    causes: ['target-port-mismatch'],
    severity: 'error',
    summary: 'Service targetPort is not a port the selected containers expose',
    docs:
      'Resolves every Service port targetPort (number or name; default: the port) against the container ports ' +
      'of each workload the selector matches. Named ports must exist; numeric ports are flagged when the ' +
      'containers declare other ports only. Routed Services are errors, unrouted ones (and workloads that ' +
      'miss the port while others behind the same Service have it) warnings.',
  },
  run({ graph }) {
    const routedBy = new Map<V1Service, Route[]>();
    for (const r of routedServices(graph)) routedBy.set(r.service, r.routes);
    const findings: CheckFinding[] = [];
    for (const service of graph.snapshot.services) {
      const pods = distinctByOwner(graph, servicePods(graph, service));
      if (pods.length === 0) continue;
      const ns = service.metadata?.namespace ?? 'default';
      const name = service.metadata?.name ?? '?';
      const routes = routedBy.get(service) ?? [];
      for (const port of list(service.spec?.ports)) {
        const target = targetPortOf(port);
        const named = typeof target === 'string' && !/^\d+$/.test(target);
        const wanted = named ? undefined : Number(target);
        // Loops, not flatMap: this runs for every workload behind every Service.
        const exposes = (pod: (typeof pods)[number]) => {
          let declared = 0;
          for (const c of containersOf(pod)) {
            for (const p of list(c.ports)) {
              declared++;
              if (named ? p.name === target : p.containerPort === wanted) return true;
            }
          }
          return !named && declared === 0;
        };
        // Some workloads exposing it means partial breakage (only their pods serve): a warning, not an error.
        const partial = pods.some(exposes);
        for (const pod of pods) {
          if (exposes(pod)) continue;
          const declared = containersOf(pod).flatMap((c) => list(c.ports));
          const exposed = declared.map((p) =>
            p.name ? `${p.name}=${p.containerPort}` : `${p.containerPort}`,
          );
          const portName = port.name ? ` (${port.name})` : '';
          findings.push({
            severity: routes.length > 0 && !partial ? 'error' : 'warning',
            object: graph.ref('Service', service),
            ...(routes.length > 0 ? { route: routeLabel(routes[0]) } : {}),
            message:
              `Service ${ns}/${name} port ${port.port}${portName} targets ${named ? `named port "${target}"` : `port ${target}`}, ` +
              `but ${podOwnerName(graph, pod)} exposes ${exposed.length > 0 ? exposed.join(', ') : 'no ports'}`,
            why: named
              ? 'A named targetPort no container declares gives the pod no endpoint for this port: 503, or 502 when other pods have it.'
              : 'Traffic goes to a port the containers do not declare, usually one nothing listens on: connect() failed (111: Connection refused), 502.',
            fix: named
              ? `Name the container port "${target}" in ${podOwnerName(graph, pod)} (containers[].ports[].name), or set the Service targetPort to one of: ${exposed.join(', ') || 'the port the app listens on'}.`
              : `Set spec.ports[${list(service.spec?.ports).indexOf(port)}].targetPort of Service ${ns}/${name} to the port the app listens on (declared: ${exposed.join(', ')}).`,
            related: [podRef(graph, pod)],
          });
        }
      }
    }
    return findings;
  },
};
