import { hostMatches } from '../graph/match.js';
import { routeLabel } from '../graph/routed.js';
import { list, strings } from './shape.js';
import type { Check, CheckFinding } from './types.js';

/**
 * An Ingress that terminates TLS for some hosts (spec.tls) but has rule hosts no spec.tls[].hosts entry covers:
 * HTTPS requests for those hosts get the controller's default certificate (ingress-nginx: "Kubernetes Ingress
 * Controller Fake Certificate"), so clients fail verification. Ingresses without spec.tls are not judged (TLS
 * may end at the cloud load balancer), nor are tls entries without hosts.
 */
export const tlsHosts: Check = {
  meta: {
    id: 'tls-hosts',
    hop: 1,
    causes: ['tls-certificate-mismatch'],
    severity: 'warning',
    summary: 'Ingress host not covered by its spec.tls hosts',
    docs:
      'For Ingresses with spec.tls, every spec.rules[].host must be listed (exactly or by a "*." wildcard) in ' +
      'some spec.tls[].hosts; otherwise HTTPS for that host is served with the default certificate.',
  },
  run({ graph }) {
    const findings: CheckFinding[] = [];
    for (const ing of graph.snapshot.ingresses) {
      const tls = list(ing.spec?.tls);
      if (tls.length === 0 || tls.some((t) => strings(t.hosts).length === 0)) continue;
      const patterns = tls.flatMap((t) => strings(t.hosts));
      const ns = ing.metadata?.namespace ?? 'default';
      const name = ing.metadata?.name ?? '?';
      const routes = graph.routesOf('Ingress', ns, name);
      const seen = new Set<string>();
      for (const rule of list(ing.spec?.rules)) {
        const host = rule.host;
        if (!host || seen.has(host)) continue;
        seen.add(host);
        // A wildcard rule host is covered only by the same wildcard.
        const covered = patterns.some(
          (p) => p.toLowerCase() === host.toLowerCase() || (!host.startsWith('*') && hostMatches(p, host)),
        );
        if (covered) continue;
        const route = routes.find((r) => r.host === host);
        findings.push({
          severity: 'warning',
          object: graph.ref('Ingress', ing),
          ...(route ? { route: routeLabel(route) } : {}),
          message: `Ingress ${ns}/${name} terminates TLS for ${patterns.join(', ')} but not for its rule host ${host}`,
          why: 'HTTPS requests for this host get the controller\'s default certificate ("Kubernetes Ingress Controller Fake Certificate"): clients fail with "no alternative certificate subject name matches".',
          fix: `Add ${host} to spec.tls[].hosts of Ingress ${ns}/${name} with a Secret whose certificate covers it (or remove the host if it must not be served over HTTPS).`,
        });
      }
    }
    return findings;
  },
};
