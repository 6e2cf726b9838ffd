import { findConfigMap, NAMES } from '../objects.js';
import type { LabFault } from './types.js';

/**
 * The overlay is too big for the underlay. Default: VXLAN at 1500 (created without `dev`, so the kernel does
 * not cap it) on a 1500 underlay, pods at 1500 (calico-config veth_mtu "1500"); the 1550-byte outer packets
 * are fragmented and the underlay drops fragments. Variant icmp-filtered: pods at 1500, VXLAN at 1450, and the
 * nodes drop ICMP "fragmentation needed", so path-MTU discovery never learns. Either way small requests work
 * and large responses hang. With --underlay-mtu 9000 everything fits and the symptom goes away.
 */
export const fault: LabFault = {
  id: 'mtu-blackhole',
  summary: 'pods at MTU 1500 over a VXLAN overlay on a 1500 underlay that drops fragments',
  symptom:
    '/healthz answers 200, /large hangs until a timeout; ping -M do -s 1472 between pods on different nodes fails',
  variants: {
    'icmp-filtered': 'pods at 1500, overlay at 1450, ICMP "fragmentation needed" dropped (PMTUD fails)',
  },
  apply(model, variant) {
    const cni = findConfigMap(model.objects, 'kube-system', NAMES.cniConfigMap);
    if (cni?.data) cni.data.veth_mtu = '1500';
    // Added to a running lab, the pods that already run get the MTU too (not only new ones).
    model.infra.podMtu = 1500;
    if (variant === 'icmp-filtered') {
      model.infra.nodesDropFragNeeded = true;
      return;
    }
    model.infra.overlay = { mtu: 1500, boundToDevice: false };
    model.infra.underlayDropsFragments = true;
  },
};
