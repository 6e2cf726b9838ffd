import { deriveEndpoints } from './endpoints.js';
import { cloneObjects, healthyObjects, type LabObjects } from './objects.js';

/**
 * What lies under the objects: things a cluster's API does not show but packets meet (the cloud's network,
 * firewalls, the kernel's tables, public DNS). Faults change these when the real cause lives there.
 */
export interface Infra {
  underlayMtu: number;
  /** The VXLAN device: its MTU and whether it is bound to the underlay device (the kernel then caps its MTU). */
  overlay: { mtu: number; boundToDevice: boolean };
  /** The underlay drops IP fragments (as most cloud networks do). */
  underlayDropsFragments: boolean;
  /** Nodes drop outgoing ICMP "fragmentation needed", so path-MTU discovery cannot work. */
  nodesDropFragNeeded: boolean;
  /** Extra iptables rules per node (raw table PREROUTING), e.g. a firewall in front of the NodePorts. */
  nodeFirewall: Record<string, string[]>;
  /** Nodes whose kube-proxy programs nothing (no KUBE-* chains). */
  kubeProxyDown: string[];
  /** Fill a node's conntrack table with ASSURED entries. */
  conntrackFill: { node: string } | undefined;
  /** Public DNS answers for names (overrides what the LB's status says). */
  publicDnsOverride: Record<string, string[]>;
  /** An MTU forced on every pod's interfaces, running ones included (a node-level change, not the CNI's). */
  podMtu?: number;
}

export interface LabModel {
  name: string;
  objects: LabObjects;
  infra: Infra;
  /** Faults applied, as given (`id` or `id=variant`). */
  faults: string[];
}

export function healthyModel(name: string, opts: { underlayMtu?: number } = {}): LabModel {
  const underlayMtu = opts.underlayMtu ?? 1500;
  return {
    name,
    objects: cloneObjects(healthyObjects()),
    infra: {
      underlayMtu,
      overlay: { mtu: underlayMtu - 50, boundToDevice: true },
      underlayDropsFragments: false,
      nodesDropFragNeeded: false,
      nodeFirewall: {},
      kubeProxyDown: [],
      conntrackFill: undefined,
      publicDnsOverride: {},
    },
    faults: [],
  };
}

/** Runs the controllers that keep derived objects in step (endpoints), after faults changed the model. */
export function reconcile(model: LabModel): LabModel {
  deriveEndpoints(model.objects);
  return model;
}
