/**
 * What an overlay adds to every pod packet on the underlay, in bytes (IPv4 underlay unless said).
 * Sources: Calico "Configure MTU" (VXLAN 50, IP-in-IP 20, WireGuard 60 IPv4 / 80 IPv6), Cilium pkg/mtu
 * (TunnelOverhead 50 for VXLAN and Geneve without options; DSR adds a 12-byte Geneve option; WireGuard 80),
 * Flannel backends (vxlan, host-gw, udp, wireguard, ipip).
 */
export type Encapsulation = 'vxlan' | 'geneve' | 'ipip' | 'wireguard' | 'udp' | 'none';

export interface OverheadEntry {
  encapsulation: Encapsulation;
  /** Bytes added on an IPv4 underlay. */
  ipv4: number;
  /** Bytes added on an IPv6 underlay. */
  ipv6: number;
  /** How the bytes add up, for the report. */
  breakdown: string;
}

export const OVERHEAD: Record<Encapsulation, OverheadEntry> = {
  vxlan: {
    encapsulation: 'vxlan',
    ipv4: 50,
    ipv6: 70,
    breakdown: 'outer IP 20 (IPv6 40) + UDP 8 + VXLAN 8 + inner Ethernet 14',
  },
  geneve: {
    encapsulation: 'geneve',
    ipv4: 50,
    ipv6: 70,
    breakdown: 'outer IP 20 (IPv6 40) + UDP 8 + Geneve 8 + inner Ethernet 14, plus any Geneve options',
  },
  ipip: { encapsulation: 'ipip', ipv4: 20, ipv6: 40, breakdown: 'outer IP header 20 (IPv6 40)' },
  wireguard: {
    encapsulation: 'wireguard',
    ipv4: 60,
    ipv6: 80,
    breakdown: 'outer IP 20 (IPv6 40) + UDP 8 + WireGuard 32',
  },
  udp: { encapsulation: 'udp', ipv4: 28, ipv6: 48, breakdown: 'outer IP 20 (IPv6 40) + UDP 8' },
  none: { encapsulation: 'none', ipv4: 0, ipv6: 0, breakdown: 'native routing: no encapsulation' },
};

/** How people write them. */
export const ENCAP_NAME: Record<Encapsulation, string> = {
  vxlan: 'VXLAN',
  geneve: 'Geneve',
  ipip: 'IP-in-IP',
  wireguard: 'WireGuard',
  udp: 'UDP',
  none: 'native routing',
};

export function overheadOf(encapsulation: Encapsulation, family: 'ipv4' | 'ipv6' = 'ipv4'): number {
  return OVERHEAD[encapsulation][family];
}

/** The largest pod MTU an underlay of `underlayMtu` carries without fragmentation. */
export function maxPodMtu(underlayMtu: number, overhead: number): number {
  return underlayMtu - overhead;
}

/** Linux interface kinds (`ip -d link`) that are overlay tunnels, and their encapsulation. */
export function encapsulationOfLinkKind(kind: string | undefined): Encapsulation | undefined {
  switch (kind) {
    case 'vxlan':
      return 'vxlan';
    case 'geneve':
      return 'geneve';
    case 'ipip':
      return 'ipip';
    case 'wireguard':
      return 'wireguard';
    default:
      return undefined;
  }
}
