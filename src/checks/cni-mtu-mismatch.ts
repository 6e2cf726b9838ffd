import type { V1ConfigMap, V1Node } from '@kubernetes/client-node';
import { type CniMtuConfig, readCniConfigs } from '../mtu/cni.js';
import { ENCAP_NAME } from '../mtu/overhead.js';
import type { Check, CheckFinding } from './types.js';

/**
 * Users (or their tooling) state the underlay MTU where Kubernetes does not record it: on the Nodes or on the
 * CNI ConfigMap. Node objects carry no interface MTU, so without it the check assumes standard Ethernet.
 */
export const UNDERLAY_MTU_ANNOTATION = 'ingress-doctor.io/underlay-mtu';

/** The underlay MTU the cluster's objects let us know or reasonably assume. */
interface Underlay {
  mtu: number;
  /** Stated by an annotation: a mismatch is then certain (error); otherwise an assumption (warning). */
  certain: boolean;
  source: string;
}

function annotated(
  o: { metadata?: { annotations?: Record<string, string> } } | undefined,
): number | undefined {
  const raw = o?.metadata?.annotations?.[UNDERLAY_MTU_ANNOTATION];
  return raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
}

function underlayOf(nodes: readonly V1Node[], cm: V1ConfigMap | undefined): Underlay | undefined {
  const stated = [annotated(cm), ...nodes.map(annotated)].filter((m): m is number => m !== undefined);
  if (stated.length) {
    return { mtu: Math.min(...stated), certain: true, source: `annotation ${UNDERLAY_MTU_ANNOTATION}` };
  }
  const providers = nodes.map((n) => n.spec?.providerID?.split(':')[0]).filter(Boolean);
  // AWS VPCs carry 9001-byte jumbo frames between instances: nothing at standard sizes is certain there.
  if (providers.includes('aws')) return undefined;
  if (providers.length > 0 && providers.every((p) => p === 'gce')) {
    return {
      mtu: 1460,
      certain: false,
      source: 'GCE VPC networks default to MTU 1460; the nodes run on gce://',
    };
  }
  return {
    mtu: 1500,
    certain: false,
    source: 'assumed standard Ethernet; Node objects do not record interface MTUs',
  };
}

function configMapOf(cms: readonly V1ConfigMap[], cfg: CniMtuConfig): V1ConfigMap | undefined {
  return cms.find(
    (c) => c.metadata?.namespace === cfg.configMap.namespace && c.metadata?.name === cfg.configMap.name,
  );
}

export const cniMtuMismatch: Check = {
  meta: {
    id: 'cni-mtu-mismatch',
    hop: 5,
    causes: ['mtu-blackhole'],
    severity: 'warning',
    summary: "CNI's pod MTU plus the overlay overhead exceeds the underlay MTU",
    docs:
      "Reads the CNI's own ConfigMap (Calico kube-system/calico-config veth_mtu + calico_backend, Flannel " +
      'kube-flannel-cfg net-conf.json Backend, Cilium kube-system/cilium-config mtu/routing-mode/tunnel-protocol) ' +
      'and flags a fixed pod MTU whose encapsulated packets cannot cross the underlay without fragmentation ' +
      '(e.g. Calico VXLAN with veth_mtu 1500: 1550-byte packets on a 1500-byte network). Only a stated ' +
      'encapsulation and a fixed MTU are judged; auto-detected MTUs are not. Node objects carry no MTU: the ' +
      `underlay is taken from the annotation ${UNDERLAY_MTU_ANNOTATION} on the Nodes or the ConfigMap (mismatch = ` +
      'error), else assumed (standard Ethernet 1500; GCE 1460; skipped on AWS, whose VPCs carry jumbo frames) and ' +
      'flagged as a warning only for pod MTUs up to 1500 (larger ones mean jumbo frames were chosen on purpose). ' +
      '`ingress-doctor mtu` measures the real path.',
  },
  run({ graph }) {
    const findings: CheckFinding[] = [];
    const cms = graph.snapshot.configMaps;
    for (const cfg of readCniConfigs(cms)) {
      if (!cfg.encapsulationCertain || cfg.overhead === undefined || cfg.encapsulation === undefined)
        continue;
      if (cfg.podMtu === undefined || cfg.autoDetect) continue;
      const cm = configMapOf(cms, cfg);
      const underlay = underlayOf(graph.snapshot.nodes, cm);
      if (!underlay) continue;
      const needed = cfg.podMtu + cfg.overhead;
      if (needed <= underlay.mtu) continue;
      if (!underlay.certain && cfg.podMtu > 1500) continue;
      const maxPod = underlay.mtu - cfg.overhead;
      const value = cfg.cni === 'calico' ? maxPod : underlay.mtu;
      const setting =
        cfg.cni === 'flannel'
          ? `the node interface MTU (flannel derives pods' ${maxPod} from it)`
          : `${cfg.setting.key}: "${value}" in ConfigMap ${cfg.configMap.namespace}/${cfg.configMap.name}`;
      const object = cm ? graph.ref('ConfigMap', cm) : { kind: 'ConfigMap', ...cfg.configMap };
      findings.push({
        severity: underlay.certain ? 'error' : 'warning',
        object,
        message:
          `${cfg.cni} gives pods MTU ${cfg.podMtu} with ${ENCAP_NAME[cfg.encapsulation]} (${cfg.overhead} bytes, ${cfg.encapsulationSource}): ` +
          `encapsulated packets need ${needed} bytes, the underlay carries ${underlay.mtu} (${underlay.source}). ` +
          'Small requests work; large responses hang.',
        why:
          'Clouds drop fragments, and the overlay hides the ICMP "fragmentation needed" from the pods: packets above ' +
          `${maxPod} bytes vanish silently (the MTU blackhole).`,
        fix:
          `Set ${setting}, then roll the CNI pods (${cfg.restart}) — plan for a brief connectivity disruption on ` +
          `each node — or give the underlay jumbo frames (≥ ${needed}). Measure the real path with \`ingress-doctor mtu\`` +
          (underlay.certain
            ? '.'
            : `; if the underlay is larger, annotate the Nodes with ${UNDERLAY_MTU_ANNOTATION}.`),
      });
    }
    return findings;
  },
};
