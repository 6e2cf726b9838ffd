import type { V1NetworkPolicyPeer } from '@kubernetes/client-node';
import { NAMES } from '../objects.js';
import type { LabFault } from './types.js';

/**
 * The app namespace's allow rule selects the controller's namespace by a `name` label it does not carry (the
 * automatic label is kubernetes.io/metadata.name), so default-deny drops the controller's connections.
 */
export const fault: LabFault = {
  id: 'network-policy-blocked',
  summary: "the shop namespace's NetworkPolicy admits namespaces labelled name=ingress-nginx; none is",
  symptom: "504 from the controller after its connect timeout; the app's pods never see the request",
  apply(model) {
    const np = model.objects.networkPolicies.find(
      (p) => p.metadata?.namespace === NAMES.appNamespace && p.metadata?.name === 'allow-from-ingress-nginx',
    );
    for (const rule of np?.spec?.ingress ?? []) {
      // client-node's models name it `_from`, the wire (a running lab's objects) `from`.
      const r = rule as { _from?: V1NetworkPolicyPeer[]; from?: V1NetworkPolicyPeer[] };
      const peers = r._from ?? r.from ?? [];
      for (const peer of peers) {
        if (peer.namespaceSelector)
          peer.namespaceSelector = { matchLabels: { name: NAMES.controllerNamespace } };
      }
    }
  },
};
