import type { Infra } from '../model.js';
import { findService, type LabObjects, NAMES } from '../objects.js';
import { apiHostName, CLUSTER, INTERNET, PUBLIC_HOST, UNDERLAY } from '../topology.js';

/** What the lab's DNS server answers: A records by lower-case name, and the zones it is authoritative for. */
export interface DnsZone {
  zones: string[];
  records: Record<string, string[]>;
}

/** The public zone: the app host → the LB's address (what external-dns would publish), unless the infra lies. */
export function publicZone(objects: LabObjects, infra: Infra, lab?: string): DnsZone {
  const lb = findService(objects, NAMES.controllerNamespace, NAMES.controllerService);
  const ip = lb?.status?.loadBalancer?.ingress?.[0]?.ip ?? INTERNET.lbPublic;
  const records: Record<string, string[]> = { [PUBLIC_HOST]: [ip] };
  // The lab API's name (in-lab kubeconfig), known to the lab's resolvers only.
  if (lab) records[apiHostName(lab)] = [UNDERLAY.controlPlane];
  for (const [name, ips] of Object.entries(infra.publicDnsOverride)) records[name.toLowerCase()] = ips;
  return { zones: ['example.test', ...(lab ? ['lab.internal'] : [])], records };
}

/**
 * Cluster DNS (CoreDNS's kubernetes plugin): <svc>.<ns>.svc.cluster.local → ClusterIP (headless: the ready
 * endpoints), <a-b-c-d>.<ns>.pod.cluster.local → pod IP; other names are forwarded, which here means the
 * public zone's answers are copied in.
 */
export function clusterZone(objects: LabObjects, infra: Infra, lab?: string): DnsZone {
  const records: Record<string, string[]> = {};
  const d = CLUSTER.domain;
  for (const svc of objects.services) {
    const name = `${svc.metadata?.name}.${svc.metadata?.namespace}.svc.${d}`;
    const ip = svc.spec?.clusterIP;
    if (ip && ip !== 'None') records[name] = [ip];
    else {
      const ips = objects.endpointSlices
        .filter(
          (s) =>
            s.metadata?.namespace === svc.metadata?.namespace &&
            s.metadata?.labels?.['kubernetes.io/service-name'] === svc.metadata?.name,
        )
        .flatMap((s) => s.endpoints.filter((e) => e.conditions?.ready !== false).flatMap((e) => e.addresses));
      if (ips.length) records[name] = ips;
    }
  }
  for (const pod of objects.pods) {
    const ip = pod.status?.podIP;
    if (ip) records[`${ip.replace(/\./g, '-')}.${pod.metadata?.namespace}.pod.${d}`] = [ip];
  }
  const pub = publicZone(objects, infra, lab);
  return { zones: [d, ...pub.zones], records: { ...pub.records, ...records } };
}

/** A pod's resolv.conf, as kubelet writes it for dnsPolicy ClusterFirst. */
export function podResolvConf(namespace: string): string {
  const d = CLUSTER.domain;
  return `search ${namespace}.svc.${d} svc.${d} ${d}\nnameserver ${CLUSTER.dnsServiceIP}\noptions ndots:5\n`;
}

export function clientResolvConf(): string {
  return `nameserver ${INTERNET.publicResolver}\noptions edns0\n`;
}
