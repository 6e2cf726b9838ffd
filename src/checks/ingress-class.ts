import type { Gateway, GRPCRoute, HTTPRoute } from '../cluster/types.js';
import { routeLabel } from '../graph/routed.js';
import type { RouteGraph } from '../graph/types.js';
import { list } from './shape.js';
import type { Check, CheckFinding } from './types.js';

const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/**
 * Routes no controller will pick up. With manifests that carry no IngressClass/Gateway objects we cannot know
 * the cluster's classes, so only a missing class is reported there (as a warning), never an "unknown" one.
 */
export const ingressClass: Check = {
  meta: {
    id: 'ingress-class',
    hop: 4,
    causes: ['ingress-class-missing'],
    severity: 'error',
    summary: 'Ingress without a known IngressClass; route without a known Gateway/GatewayClass',
    docs:
      'An Ingress needs spec.ingressClassName naming an existing IngressClass, or a default IngressClass ' +
      '(annotation ingressclass.kubernetes.io/is-default-class: "true"). HTTPRoute/GRPCRoute parentRefs must ' +
      'name existing Gateways whose gatewayClassName exists. Unknown names are only judged when the input ' +
      'contains classes/Gateways (live clusters always do).',
  },
  run({ graph }) {
    const findings: CheckFinding[] = [];
    const snap = graph.snapshot;
    const classes = snap.ingressClasses.map((c) => c.metadata?.name ?? '').filter(Boolean);
    const classesKnown = snap.live || classes.length > 0;
    const defaultClass = snap.ingressClasses.find(
      (c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
    );
    const known = classes.length > 0 ? classes.join(', ') : 'none';

    for (const ing of snap.ingresses) {
      const ns = ing.metadata?.namespace ?? 'default';
      const name = ing.metadata?.name ?? '?';
      const specClass = ing.spec?.ingressClassName;
      const legacy = ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
      // Built only for a finding: most Ingresses name a class that exists.
      const base = () => {
        const first = graph.routesOf('Ingress', ns, name)[0];
        return {
          object: graph.ref('Ingress', ing),
          ...(first ? { route: routeLabel(first) } : {}),
        };
      };
      if (specClass) {
        if (classesKnown && !classes.includes(specClass)) {
          findings.push({
            ...base(),
            severity: 'error',
            message: `Ingress ${ns}/${name} names IngressClass "${specClass}", which does not exist (known: ${known})`,
            why: 'No controller serves an unknown class: the Ingress gets no address and its hosts answer 404 or nothing.',
            fix: `Set spec.ingressClassName of Ingress ${ns}/${name} to an existing IngressClass (${known}) or create IngressClass "${specClass}".`,
          });
        }
      } else if (legacy) {
        if (classesKnown && classes.length > 0 && !classes.includes(legacy)) {
          findings.push({
            ...base(),
            severity: 'warning',
            message: `Ingress ${ns}/${name} uses the deprecated annotation kubernetes.io/ingress.class: "${legacy}", which matches no IngressClass (known: ${known})`,
            why: 'Only controllers started with a matching --ingress-class flag pick it up; newer controllers ignore the annotation.',
            fix: `Replace the annotation with spec.ingressClassName set to an existing IngressClass (${known}).`,
          });
        }
      } else if (!defaultClass) {
        findings.push({
          ...base(),
          severity: classesKnown ? 'error' : 'warning',
          message: classesKnown
            ? `Ingress ${ns}/${name} has no ingressClassName and no IngressClass is marked default (known: ${known})`
            : `Ingress ${ns}/${name} has no ingressClassName; it relies on the cluster having a default IngressClass`,
          why: 'Controllers ignore Ingresses without a class unless one class is the default: the route is served by nobody.',
          fix:
            `Set spec.ingressClassName on Ingress ${ns}/${name}` +
            (classes.length > 0 ? ` (one of: ${known})` : '') +
            `, or mark an IngressClass with ${DEFAULT_CLASS_ANNOTATION}: "true".`,
        });
      }
    }

    const routes: (HTTPRoute | GRPCRoute)[] = [...snap.httpRoutes, ...snap.grpcRoutes];
    for (const route of routes) findings.push(...gatewayFindings(graph, route));
    return findings;
  },
};

const gatewayIndexes = new WeakMap<RouteGraph, Map<string, Gateway>>();

/** Gateways by "namespace/name", built once per graph (routes × gateways scans are too slow at scale). */
function gatewayIndex(graph: RouteGraph): Map<string, Gateway> {
  let index = gatewayIndexes.get(graph);
  if (!index) {
    index = new Map(
      graph.snapshot.gateways.map((g) => [`${g.metadata?.namespace ?? 'default'}/${g.metadata?.name}`, g]),
    );
    gatewayIndexes.set(graph, index);
  }
  return index;
}

function gatewayFindings(graph: RouteGraph, route: HTTPRoute | GRPCRoute): CheckFinding[] {
  const snap = graph.snapshot;
  const ns = route.metadata?.namespace ?? 'default';
  const name = route.metadata?.name ?? '?';
  const first = graph.routesOf(route.kind, ns, name)[0];
  const base = {
    object: graph.ref(route.kind, route),
    ...(first ? { route: routeLabel(first) } : {}),
  };
  const parents = list(route.spec?.parentRefs);
  if (parents.length === 0) {
    return [
      {
        ...base,
        severity: 'error',
        message: `${route.kind} ${ns}/${name} has no parentRefs: it is attached to no Gateway`,
        why: 'A route without a parent Gateway is served by no data plane.',
        fix: `Add spec.parentRefs to ${route.kind} ${ns}/${name} naming the Gateway that should serve it.`,
      },
    ];
  }
  const gatewaysKnown = snap.live || snap.gateways.length > 0;
  const classesKnown = snap.live || snap.gatewayClasses.length > 0;
  const out: CheckFinding[] = [];
  for (const parent of parents) {
    if ((parent.kind ?? 'Gateway') !== 'Gateway') continue;
    const gwNs = parent.namespace ?? ns;
    const gateway = gatewayIndex(graph).get(`${gwNs}/${parent.name}`);
    if (!gateway) {
      if (!gatewaysKnown) continue;
      out.push({
        ...base,
        severity: 'error',
        message: `${route.kind} ${ns}/${name} attaches to Gateway ${gwNs}/${parent.name}, which does not exist`,
        why: 'Routes attached to a missing Gateway are served by nobody.',
        fix: `Correct spec.parentRefs of ${route.kind} ${ns}/${name} or create Gateway ${gwNs}/${parent.name}.`,
      });
      continue;
    }
    const cls = gateway.spec?.gatewayClassName;
    if (classesKnown && !snap.gatewayClasses.some((c) => c.metadata?.name === cls)) {
      const knownClasses = snap.gatewayClasses.map((c) => c.metadata?.name).join(', ') || 'none';
      out.push({
        ...base,
        severity: 'error',
        message: `Gateway ${gwNs}/${parent.name} (parent of ${route.kind} ${ns}/${name}) uses GatewayClass "${cls}", which does not exist (known: ${knownClasses})`,
        why: 'No controller programs a Gateway of an unknown class: it gets no address and its routes are served by nobody.',
        fix: `Set spec.gatewayClassName of Gateway ${gwNs}/${parent.name} to an installed GatewayClass (${knownClasses}).`,
        related: [graph.ref('Gateway', gateway)],
      });
    }
  }
  return out;
}
