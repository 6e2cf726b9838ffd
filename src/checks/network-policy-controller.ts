import type {
  V1NetworkPolicy,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1Pod,
} from '@kubernetes/client-node';
import { routedBackends, routeLabel } from '../graph/routed.js';
import { formatLabels, labelSelectorMatches } from '../graph/selector.js';
import {
  containersOf,
  distinctByOwner,
  nsName,
  podOwnerName,
  resolveTargetPort,
  targetPortOf,
} from './pod-spec.js';
import { namespaceLabelsOf } from './selectors.js';
import { list, strings } from './shape.js';
import type { Check, CheckFinding } from './types.js';

/** Policies that isolate the pod for ingress (select it, and Ingress is among their policy types). */
export function ingressPoliciesFor(policies: readonly V1NetworkPolicy[], pod: V1Pod): V1NetworkPolicy[] {
  const ns = pod.metadata?.namespace ?? 'default';
  return policies.filter((p) => {
    if ((p.metadata?.namespace ?? 'default') !== ns || !p.spec) return false;
    const types = strings(p.spec.policyTypes);
    const ingress = types.length === 0 || types.includes('Ingress');
    // podSelector is a required value, not a pointer: absent is the empty selector, every pod.
    return ingress && labelSelectorMatches(p.spec.podSelector, pod.metadata?.labels, 'selects-everything');
  });
}

function portAdmitted(rule: V1NetworkPolicyIngressRule, dst: V1Pod, port: number | undefined): boolean {
  const ports = list(rule.ports);
  if (ports.length === 0 || port === undefined) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== 'TCP') return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number' || /^\d+$/.test(p.port)) {
      const start = Number(p.port);
      return p.endPort !== undefined ? port >= start && port <= p.endPort : port === start;
    }
    return containersOf(dst).some((c) =>
      list(c.ports).some((cp) => cp.name === p.port && cp.containerPort === port),
    );
  });
}

function peerAdmits(
  peer: V1NetworkPolicyPeer,
  policyNs: string,
  src: V1Pod,
  nsLabels: (name: string) => Record<string, string>,
): boolean {
  // ipBlock peers are meant for cluster-external addresses; whether they cover pod IPs depends on the CNI,
  // so they count as admitting (no finding is better than a false one).
  if (peer.ipBlock) return true;
  if (!peer.namespaceSelector && !peer.podSelector) return false;
  const srcNs = src.metadata?.namespace ?? 'default';
  // In a peer, no namespaceSelector means the policy's own namespace; no podSelector means every pod there.
  const nsOk = peer.namespaceSelector
    ? labelSelectorMatches(peer.namespaceSelector, nsLabels(srcNs), 'selects-nothing')
    : srcNs === policyNs;
  const podOk = labelSelectorMatches(peer.podSelector, src.metadata?.labels, 'selects-everything');
  return nsOk && podOk;
}

/**
 * The rule's peers. client-node's model calls the field `_from` (objects read live through it); manifests and
 * raw API JSON call it `from`. Read both.
 */
export function peersOf(rule: V1NetworkPolicyIngressRule): V1NetworkPolicyPeer[] {
  return list(rule._from ?? (rule as { from?: V1NetworkPolicyPeer[] }).from);
}

/** Would these ingress policies let `src` reach `dst` on `port`? (Policies are additive: any rule admits.) */
export function admits(
  policies: readonly V1NetworkPolicy[],
  src: V1Pod,
  dst: V1Pod,
  port: number | undefined,
  nsLabels: (name: string) => Record<string, string>,
): boolean {
  return policies.some((p) =>
    list(p.spec?.ingress).some((rule) => {
      if (!portAdmitted(rule, dst, port)) return false;
      const from = peersOf(rule);
      if (from.length === 0) return true;
      return from.some((peer) => peerAdmits(peer, p.metadata?.namespace ?? 'default', src, nsLabels));
    }),
  );
}

/**
 * NetworkPolicies that cut the ingress controller off from a routed backend: the backend pods are isolated for
 * ingress and no rule admits the controller pods (namespace labels incl. kubernetes.io/metadata.name, pod
 * labels) on the target port. When several controllers could carry the route, all must be blocked.
 */
export const networkPolicyController: Check = {
  meta: {
    id: 'network-policy-controller',
    hop: 5,
    causes: ['network-policy-blocked'],
    severity: 'error',
    summary: "NetworkPolicy blocks the ingress controller's pods from a routed backend",
    docs:
      'For every routed backend pod selected by an ingress NetworkPolicy, evaluates the rules against the ' +
      "controller pods that carry the route (the data-plane model's controllers): peer namespaceSelector against the " +
      "namespace's labels (including kubernetes.io/metadata.name), podSelector against the pod labels, ports " +
      '(number, name, endPort) against the target port. ipBlock peers are assumed to admit.',
  },
  run({ graph, dataplane }) {
    const nsLabels = namespaceLabelsOf(graph.snapshot);
    if (graph.snapshot.networkPolicies.length === 0) return [];
    // Index by namespace once: policies only ever select pods of their own namespace.
    const policiesByNs = new Map<string, V1NetworkPolicy[]>();
    for (const p of graph.snapshot.networkPolicies) {
      const ns = p.metadata?.namespace ?? 'default';
      const list = policiesByNs.get(ns) ?? [];
      list.push(p);
      policiesByNs.set(ns, list);
    }
    const findings: CheckFinding[] = [];
    const seen = new Set<string>();
    for (const { route, resolution } of routedBackends(graph)) {
      const { service, servicePort } = resolution;
      if (!service || !servicePort || resolution.pods.length === 0) continue;
      const controllers = dataplane.controllersFor(route).filter((c) => c.pods.length > 0);
      if (controllers.length === 0) continue;
      for (const pod of distinctByOwner(graph, resolution.pods)) {
        const isolating = ingressPoliciesFor(
          policiesByNs.get(pod.metadata?.namespace ?? 'default') ?? [],
          pod,
        );
        if (isolating.length === 0) continue;
        const port = resolveTargetPort(pod, targetPortOf(servicePort));
        const blocked = controllers.every(
          (c) => !c.pods.some((cp) => admits(isolating, cp, pod, port, nsLabels)),
        );
        if (!blocked) continue;
        const key = `${podOwnerName(graph, pod)}|${port}|${controllers.map((c) => nsName(c.service)).join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const controller = controllers[0];
        const cpod = controller.pods[0];
        const cns = cpod.metadata?.namespace ?? controller.service.metadata?.namespace ?? 'default';
        const svc = nsName(service);
        findings.push({
          severity: 'error',
          object: graph.ref('NetworkPolicy', isolating[0]),
          route: routeLabel(route),
          message:
            `NetworkPolic${isolating.length === 1 ? 'y' : 'ies'} ${isolating.map((p) => nsName(p)).join(', ')} ` +
            `isolate${isolating.length === 1 ? 's' : ''} ${podOwnerName(graph, pod)} (backend of Service ${svc}) and no ingress rule ` +
            `admits the ingress controller (Service ${nsName(controller.service)}, namespace ${cns}, pod labels ` +
            `${formatLabels(cpod.metadata?.labels)}) on port ${port ?? targetPortOf(servicePort)}/TCP`,
          why: 'The controller\'s connections are dropped silently: "upstream timed out (110: Connection timed out) while connecting to upstream", 504. port-forward still works, which misleads.',
          fix:
            `Add an ingress rule to a policy selecting ${formatLabels(pod.metadata?.labels)} in namespace ` +
            `${pod.metadata?.namespace ?? 'default'}: from namespaceSelector {matchLabels: {kubernetes.io/metadata.name: ${cns}}} ` +
            `with podSelector {matchLabels: {${formatLabels(cpod.metadata?.labels).replaceAll('=', ': ')}}}, ports [${port ?? targetPortOf(servicePort)}/TCP].`,
          related: [
            ...isolating.slice(1).map((p) => graph.ref('NetworkPolicy', p)),
            graph.ref('Service', service),
            graph.ref('Service', controller.service),
          ],
        });
      }
    }
    return findings;
  },
};
