import { settingEvidence } from '../dataplane/provenance.js';
import type { Setting } from '../dataplane/types.js';
import { routeLabel } from '../graph/routed.js';
import { list } from './shape.js';
import type { Check, CheckFinding } from './types.js';

const READ = 'nginx.ingress.kubernetes.io/proxy-read-timeout';
const SEND = 'nginx.ingress.kubernetes.io/proxy-send-timeout';

/**
 * Seed checklist 4: every route states its proxy timeouts. ingress-nginx Ingresses need proxy-read-timeout and
 * proxy-send-timeout (per Ingress, or globally in the controller ConfigMap, which we accept as explicit);
 * HTTPRoute rules need `timeouts`. Other Ingress controllers configure timeouts elsewhere and are not judged.
 */
export const timeoutsExplicit: Check = {
  meta: {
    id: 'timeouts-explicit',
    hop: 5,
    causes: ['timeouts-not-explicit'],
    severity: 'warning',
    summary: 'Route relies on default proxy read/send timeouts',
    docs:
      'ingress-nginx Ingresses without nginx.ingress.kubernetes.io/proxy-read-timeout and proxy-send-timeout ' +
      '(and no proxy-read-timeout/proxy-send-timeout in the controller ConfigMap), and HTTPRoute rules without ' +
      'timeouts.request or timeouts.backendRequest. Seed checklist item 4.',
  },
  run({ graph, dataplane }) {
    const findings: CheckFinding[] = [];
    for (const ing of graph.snapshot.ingresses) {
      const ns = ing.metadata?.namespace ?? 'default';
      const name = ing.metadata?.name ?? '?';
      const routes = graph.routesOf('Ingress', ns, name);
      const first = routes[0];
      if (!first) continue;
      if (dataplane.familyOf(first) !== 'ingress-nginx') continue;
      // SSL passthrough is a TCP stream to the backend: the HTTP proxy timeouts do not apply.
      if (dataplane.setting(first, 'backend-protocol')?.value === 'PASSTHROUGH') continue;
      // Written somewhere (annotation or controller ConfigMap, even unreadably) is explicit; a default is not.
      const byDefault = (s: Setting | undefined) => s?.from.kind === 'default' && !s.unreadable;
      const read = dataplane.setting(first, 'read-timeout');
      const send = dataplane.setting(first, 'send-timeout');
      const missing: string[] = [];
      if (byDefault(read)) missing.push(READ);
      if (byDefault(send)) missing.push(SEND);
      if (missing.length === 0) continue;
      findings.push({
        severity: 'warning',
        object: graph.ref('Ingress', ing),
        route: routeLabel(first),
        message: `Ingress ${ns}/${name} does not set ${missing.join(' and ')} (ingress-nginx default: 60 s)`,
        why: 'Defaults are sized for hello-world requests; a slower endpoint gets a 504 after 60 s and nobody decided that (seed checklist 4).',
        fix: `Add the annotations ${missing.map((m) => `${m}: "<seconds>"`).join(', ')} to Ingress ${ns}/${name}, sized for its slowest endpoint.`,
        settings: [
          ...(read && byDefault(read) ? [settingEvidence('read-timeout', read)] : []),
          ...(send && byDefault(send) ? [settingEvidence('send-timeout', send)] : []),
        ],
      });
    }
    for (const hr of graph.snapshot.httpRoutes) {
      const ns = hr.metadata?.namespace ?? 'default';
      const name = hr.metadata?.name ?? '?';
      const rules = list(hr.spec?.rules);
      const without = rules.flatMap((r, i) => (r.timeouts?.request || r.timeouts?.backendRequest ? [] : [i]));
      if (without.length === 0) continue;
      const first = graph
        .routesOf('HTTPRoute', ns, name)
        .find((r) => r.ruleIndex === undefined || r.ruleIndex === without[0]);
      const applies = first ? dataplane.setting(first, 'read-timeout') : undefined;
      findings.push({
        severity: 'warning',
        object: graph.ref('HTTPRoute', hr),
        ...(first ? { route: routeLabel(first) } : {}),
        message: `HTTPRoute ${ns}/${name}: rule${without.length === 1 ? '' : 's'} ${without.join(', ')} ${without.length === 1 ? 'has' : 'have'} no timeouts (implementation defaults apply, e.g. Envoy 15 s)`,
        why: 'Without timeouts the data plane default decides when a slow request becomes a 504 (seed checklist 4).',
        fix: `Set spec.rules[].timeouts.request (e.g. "30s") on each rule of HTTPRoute ${ns}/${name}, and backendRequest when retries are used.`,
        ...(applies ? { settings: [settingEvidence('read-timeout', applies)] } : {}),
      });
    }
    return findings;
  },
};
