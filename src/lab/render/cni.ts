import { findConfigMap, type LabObjects, NAMES } from '../objects.js';

/**
 * The pods' MTU, read from the CNI's own ConfigMap the way Calico's installer does (kube-system/calico-config
 * `veth_mtu`); Calico's default when it is missing or "0" is auto-detection: underlay − VXLAN overhead.
 */
export function podMtu(objects: LabObjects, underlayMtu: number): number {
  const raw = findConfigMap(objects, 'kube-system', NAMES.cniConfigMap)?.data?.veth_mtu;
  const n = Number(raw);
  if (!raw || !Number.isInteger(n) || n <= 0) return underlayMtu - 50;
  return Math.max(576, Math.min(n, 65535));
}
