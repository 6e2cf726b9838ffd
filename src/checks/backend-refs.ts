import { routedBackends, routeLabel } from '../graph/routed.js';
import { list } from './shape.js';
import type { Check, CheckFinding } from './types.js';

/**
 * Route backends that lead nowhere: a Service that does not exist, a port the Service does not have, or an
 * ExternalName Service (resolved by the proxy's DNS, outside the cluster's endpoints). One finding per route
 * object and backend, not per path, so an Ingress with ten paths to a missing Service says it once.
 */
export const backendRefs: Check = {
  meta: {
    id: 'backend-refs',
    hop: 4,
    causes: ['service-not-found', 'service-port-not-found', 'externalname-backend'],
    severity: 'error',
    summary: 'Ingress/HTTPRoute backend names a missing Service or port',
    docs:
      'Follows every Ingress backend (and default backend) and HTTPRoute/GRPCRoute backendRef to its Service ' +
      'and port (number or name). A missing Service or port is an error; an ExternalName Service a warning.',
  },
  run({ graph }) {
    const findings: CheckFinding[] = [];
    const seen = new Map<string, CheckFinding>();
    const extraPaths = new Map<string, number>();
    for (const { route, backend, resolution } of routedBackends(graph)) {
      const problem = resolution.problem;
      if (
        problem !== 'service-not-found' &&
        problem !== 'service-port-not-found' &&
        problem !== 'external-name'
      ) {
        continue;
      }
      const key = `${route.ref.kind}/${route.namespace}/${route.ref.name}|${backend.namespace}/${backend.serviceName}:${backend.port ?? ''}|${problem}`;
      if (seen.has(key)) {
        extraPaths.set(key, (extraPaths.get(key) ?? 0) + 1);
        continue;
      }
      const svc = `${backend.namespace}/${backend.serviceName}`;
      const where = `${route.ref.kind} ${route.namespace}/${route.ref.name}`;
      const base = { object: route.ref, route: routeLabel(route) };
      let finding: CheckFinding;
      if (problem === 'service-not-found') {
        const crossNs = backend.namespace !== route.namespace ? ` (in namespace ${backend.namespace})` : '';
        finding = {
          ...base,
          cause: 'service-not-found',
          severity: 'error',
          message: `${where} routes ${routeLabel(route)} to Service ${svc}, which does not exist${crossNs}`,
          why: 'The controller has no upstream for this path: ingress-nginx answers 503, Gateway API implementations 500.',
          fix: `Create Service ${svc} or correct the backend service name in ${where}.`,
        };
      } else if (problem === 'service-port-not-found') {
        const ports = list(resolution.service?.spec?.ports).map((p) =>
          p.name ? `${p.port} (${p.name})` : `${p.port}`,
        );
        finding = {
          ...base,
          cause: 'service-port-not-found',
          severity: 'error',
          message:
            `${where} routes ${routeLabel(route)} to port ${backend.port ?? '(none)'} of Service ${svc}, ` +
            `which exposes ${ports.length > 0 ? ports.join(', ') : 'no ports'}`,
          why: 'No Service port matches, so the controller finds no endpoints for the backend (503/500).',
          fix:
            `Set the backend port in ${where} to one of the Service ports (${ports.join(', ') || 'add one'}); ` +
            'it is the Service port, not the targetPort or nodePort.',
          ...(resolution.service ? { related: [graph.ref('Service', resolution.service)] } : {}),
        };
      } else {
        finding = {
          ...base,
          cause: 'externalname-backend',
          severity: 'warning',
          message: `${where} routes ${routeLabel(route)} to ExternalName Service ${svc} (${resolution.service?.spec?.externalName ?? '?'})`,
          why:
            'The proxy resolves the external name itself: ndots/search-domain lookups, DNS caching and the Host ' +
            'header the upstream expects decide whether it works, and many Gateway API implementations refuse it.',
          fix:
            'Prefer a Service with a selector (or EndpointSlices); if ExternalName is intended, use a fully qualified ' +
            'name ending in "." and set the upstream Host (nginx.ingress.kubernetes.io/upstream-vhost).',
          ...(resolution.service ? { related: [graph.ref('Service', resolution.service)] } : {}),
        };
      }
      seen.set(key, finding);
      findings.push(finding);
    }
    for (const [key, extra] of extraPaths) {
      const f = seen.get(key);
      if (f) f.message += ` (and ${extra} more path${extra === 1 ? '' : 's'} of the same object)`;
    }
    return findings;
  },
};
