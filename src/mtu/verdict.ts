import type { CniMtuConfig } from './cni.js';
import { settingValueFor } from './cni.js';
import { overlayLinks } from './links.js';
import { ENCAP_NAME, type Encapsulation, encapsulationOfLinkKind, OVERHEAD, overheadOf } from './overhead.js';
import type { MtuMode, MtuPair, MtuVerdict, VantageInterfaces } from './types.js';

/** The seed's production note on changing a CNI's MTU. */
export const RESTART_NOTE =
  'The CNI configuration change requires a rolling restart of the CNI pods — plan for a brief connectivity ' +
  'disruption on each node. Existing pods keep their old MTU until they are recreated.';

export interface VerdictInput {
  cni: CniMtuConfig[];
  interfaces: VantageInterfaces[];
  pairs: MtuPair[];
}

function min(values: (number | undefined)[]): number | undefined {
  const v = values.filter((x): x is number => x !== undefined);
  return v.length ? Math.min(...v) : undefined;
}

function max(values: (number | undefined)[]): number | undefined {
  const v = values.filter((x): x is number => x !== undefined);
  return v.length ? Math.max(...v) : undefined;
}

/** Found below what the sender would send: the pair's path is smaller than its sender's MTU. */
function shortPath(p: MtuPair): boolean {
  const s = p.search;
  return (
    s.status === 'found' && p.senderMtu !== undefined && s.pathMtu !== undefined && s.pathMtu < p.senderMtu
  );
}

/** Pure: the verdict from the CNI config, the interfaces seen and the measured pairs. */
export function mtuVerdict(input: VerdictInput): MtuVerdict {
  const evidence: string[] = [];
  const podPairs = input.pairs.filter((p) => p.kind === 'pod-pod');
  const nodePairs = input.pairs.filter((p) => p.kind === 'node-node');
  const hostPairs = input.pairs.filter((p) => p.kind === 'to-host');
  const cni = input.cni.find((c) => c.encapsulation !== undefined) ?? input.cni[0];
  for (const c of input.cni)
    for (const problem of c.problems)
      evidence.push(`${c.configMap.namespace}/${c.configMap.name}: ${problem}`);

  // Underlay: measured node→node beats the node interfaces' MTU.
  const nodeFound = nodePairs.filter((p) => p.search.status === 'found');
  let underlayMtu = min(nodeFound.map((p) => p.search.pathMtu));
  let underlaySource: MtuVerdict['underlaySource'] =
    underlayMtu !== undefined ? 'node-to-node path' : undefined;
  if (underlayMtu === undefined) {
    underlayMtu = min(nodePairs.map((p) => p.senderMtu));
    if (underlayMtu !== undefined) underlaySource = 'node interface';
  }

  // Overlay interfaces on the nodes (vxlan.calico, flannel.1, cilium_vxlan, tunl0, wireguard.cali…).
  const nodeOverlays = input.interfaces
    .filter((i) => i.kind === 'node')
    .flatMap((i) => overlayLinks(i.links));

  // Overhead: a certain CNI config, else the overlay interface's kind, else an uncertain config, else measured.
  let encapsulation: Encapsulation | undefined;
  let overhead: number | undefined;
  let overheadSource: MtuVerdict['overheadSource'];
  const overlayEncap = encapsulationOfLinkKind(nodeOverlays[0]?.kind);
  if (cni?.encapsulation && cni.overhead !== undefined && cni.encapsulationCertain) {
    encapsulation = cni.encapsulation;
    overhead = cni.overhead;
    overheadSource = 'cni config';
  } else if (overlayEncap) {
    encapsulation = overlayEncap;
    overhead = overheadOf(overlayEncap);
    overheadSource = 'overlay interface';
  } else if (cni?.encapsulation && cni.overhead !== undefined) {
    encapsulation = cni.encapsulation;
    overhead = cni.overhead;
    overheadSource = 'cni config';
  }
  const overlay =
    nodeOverlays.find((l) => encapsulationOfLinkKind(l.kind) === encapsulation) ?? nodeOverlays[0];
  const overlayMtu = overlay?.mtu;

  const podFound = podPairs.filter((p) => p.search.status === 'found');
  const podPathMtu = min(podFound.map((p) => p.search.pathMtu));
  if (
    overhead === undefined &&
    underlayMtu !== undefined &&
    podPathMtu !== undefined &&
    podPathMtu <= underlayMtu
  ) {
    // Without config or interface, the measured difference is the overlay's cost (0 = native routing).
    overhead = underlayMtu - podPathMtu;
    overheadSource = 'measured';
  }
  const maxPodMtu = underlayMtu !== undefined && overhead !== undefined ? underlayMtu - overhead : undefined;

  let podMtu = max(podPairs.map((p) => p.senderMtu));
  let podMtuSource: MtuVerdict['podMtuSource'] = podMtu !== undefined ? 'pod interfaces' : undefined;
  if (podMtu === undefined && cni?.podMtu !== undefined) {
    podMtu = cni.podMtu;
    podMtuSource = 'cni config';
  }
  const exceeds = podMtu !== undefined && maxPodMtu !== undefined ? podMtu > maxPodMtu : undefined;

  // Evidence, in the order a person would check.
  if (cni) {
    const mtu = cni.mtu ? `${cni.setting.key} ${cni.mtu.value}` : `${cni.setting.key} auto-detected`;
    evidence.push(
      `CNI ${cni.cni} (${cni.configMap.namespace}/${cni.configMap.name}): ${cni.encapsulationSource}; ${mtu}`,
    );
  } else {
    evidence.push('no CNI ConfigMap found (calico-config, kube-flannel-cfg, cilium-config)');
  }
  if (encapsulation !== undefined && overhead !== undefined) {
    evidence.push(
      `overlay ${ENCAP_NAME[encapsulation]}: ${overhead} bytes per packet (${OVERHEAD[encapsulation].breakdown}; from ${overheadSource})`,
    );
  } else if (overhead !== undefined) {
    evidence.push(`overlay overhead ${overhead} bytes (measured: node→node minus pod→pod path MTU)`);
  }
  for (const i of input.interfaces.filter((x) => x.kind === 'node')) {
    for (const l of overlayLinks(i.links)) {
      evidence.push(
        `${i.vantage}: overlay interface ${l.name} (${l.kind}) MTU ${l.mtu}${l.boundTo ? ` on ${l.boundTo}` : ' (not bound to a device)'}`,
      );
    }
  }
  for (const p of [...nodePairs, ...podPairs, ...hostPairs]) {
    evidence.push(`${p.from.vantage} → ${p.to.label}: sender MTU ${p.senderMtu ?? '?'}, ${p.search.summary}`);
  }
  if (underlayMtu !== undefined && maxPodMtu !== undefined) {
    evidence.push(
      `underlay ${underlayMtu} (${underlaySource}) − overhead ${overhead} = largest pod MTU without fragmentation ${maxPodMtu}`,
    );
  }

  const base: MtuVerdict = { status: 'inconclusive', summary: '', evidence };
  if (underlayMtu !== undefined) {
    base.underlayMtu = underlayMtu;
    base.underlaySource = underlaySource;
  }
  if (encapsulation !== undefined) base.encapsulation = encapsulation;
  if (overhead !== undefined) {
    base.overhead = overhead;
    base.overheadSource = overheadSource;
  }
  if (maxPodMtu !== undefined) base.maxPodMtu = maxPodMtu;
  if (podMtu !== undefined) {
    base.podMtu = podMtu;
    base.podMtuSource = podMtuSource;
  }
  if (podPathMtu !== undefined) base.podPathMtu = podPathMtu;
  if (overlayMtu !== undefined) base.overlayMtu = overlayMtu;
  if (exceeds !== undefined) base.exceeds = exceeds;

  const target = maxPodMtu ?? podPathMtu;
  const fixFor = (mode: MtuMode): string | undefined =>
    fixText(mode, cni, underlayMtu, overhead, target, podMtu);

  const silentPod = podPairs.filter((p) => shortPath(p) && p.search.fate === 'silent');
  if (silentPod.length > 0) {
    const path = min(silentPod.map((p) => p.search.pathMtu)) as number;
    const sent = max(silentPod.map((p) => p.senderMtu)) as number;
    let mode: MtuMode = 'silent';
    let why = '';
    if (
      overlayMtu !== undefined &&
      underlayMtu !== undefined &&
      overhead !== undefined &&
      overlayMtu + overhead > underlayMtu
    ) {
      mode = 'fragment-drop';
      why = `the overlay interface (MTU ${overlayMtu}) accepts packets that need ${overlayMtu + overhead} bytes on a ${underlayMtu}-byte underlay, so the outer packets are fragmented and the fragments dropped`;
    } else if (overlayMtu !== undefined && sent > overlayMtu) {
      mode = 'icmp-filtered';
      why = `the overlay interface is ${overlayMtu} but the pods send ${sent}; the node's ICMP "fragmentation needed" never reaches the pods (filtered), so PMTUD cannot work`;
    } else {
      why = 'no ICMP "fragmentation needed" reaches the sender';
    }
    return {
      ...base,
      status: 'problem',
      cause: 'mtu-blackhole',
      mode,
      summary: `MTU blackhole: pods send up to ${sent} bytes but the pod→pod path carries ${path}; larger packets are silently lost (${why}).`,
      ...withFix(fixFor(mode)),
    };
  }

  const silentNode = nodePairs.filter((p) => shortPath(p) && p.search.fate === 'silent');
  if (silentNode.length > 0) {
    const path = min(silentNode.map((p) => p.search.pathMtu)) as number;
    const sent = max(silentNode.map((p) => p.senderMtu)) as number;
    return {
      ...base,
      status: 'problem',
      cause: 'mtu-blackhole',
      mode: 'underlay-blackhole',
      summary: `The underlay between nodes carries ${path} bytes while node interfaces send ${sent}; larger packets are silently lost.`,
      fix: `Make the node interfaces match the underlay: set their MTU to ${path} (or enable jumbo frames end to end on the network between the nodes, or let ICMP "fragmentation needed" through). Then check the pod MTU again: it must be at most ${overhead !== undefined ? path - overhead : `${path} − overlay overhead`}.`,
    };
  }

  const silentHost = hostPairs.filter((p) => shortPath(p) && p.search.fate === 'silent');
  if (silentHost.length > 0) {
    const p = silentHost[0];
    return {
      ...base,
      status: 'problem',
      cause: 'mtu-blackhole',
      mode: 'silent',
      summary: `From ${p.from.vantage} to ${p.to.label}, packets above ${p.search.pathMtu} bytes are silently lost (sender MTU ${p.senderMtu}).`,
      fix: `Find the hop that drops them without ICMP (a firewall filtering "fragmentation needed", a tunnel/VPN): allow ICMP type 3 code 4, or clamp the TCP MSS to ${(p.search.pathMtu as number) - 40} on that path.`,
    };
  }

  const icmpShort = [...podPairs, ...nodePairs, ...hostPairs].filter((p) => shortPath(p));
  if (icmpShort.length > 0) {
    const p = icmpShort[0];
    const announced = p.search.announced;
    return {
      ...base,
      status: 'warning',
      cause: 'mtu-blackhole',
      mode: 'pmtud',
      summary: `${p.from.vantage} → ${p.to.label}: the path carries ${p.search.pathMtu} of ${p.senderMtu} bytes; larger packets get ICMP "fragmentation needed"${announced?.from ? ` from ${announced.from}` : ''}, so TCP adapts — until something filters that ICMP.`,
      ...withFix(p.kind === 'pod-pod' ? fixFor('pmtud') : undefined),
    };
  }

  const unreachable = input.pairs.filter((p) => p.search.status === 'unreachable');
  for (const p of unreachable) {
    evidence.push(
      `${p.from.vantage} → ${p.to.label}: no reply even at ${p.search.range.min} bytes — blocked (NetworkPolicy, firewall dropping ICMP echo), not an MTU verdict`,
    );
  }
  const measured = input.pairs.filter((p) => p.search.status === 'found');
  if (
    exceeds &&
    cni?.encapsulationCertain &&
    underlaySource === 'node-to-node path' &&
    podFound.length === 0
  ) {
    return {
      ...base,
      status: 'problem',
      cause: 'mtu-blackhole',
      mode: 'silent',
      summary: `The configured pod MTU ${podMtu} exceeds what the underlay carries (${maxPodMtu}); pod→pod paths could not be measured to confirm.`,
      ...withFix(fixFor('silent')),
    };
  }
  if (measured.length === 0) {
    return {
      ...base,
      status: 'inconclusive',
      summary:
        unreachable.length > 0
          ? 'No path answered DF pings even at the smallest size: the probes are blocked, so the MTU could not be measured.'
          : 'No path could be measured (see the unavailable vantages).',
    };
  }
  const incomplete = input.pairs.some((p) => p.search.status !== 'found');
  const parts: string[] = [];
  if (podPairs.length > 0 || hostPairs.length === 0) {
    parts.push(`pod MTU ${podMtu ?? '?'}`);
    if (podPathMtu !== undefined) parts.push(`pod→pod path MTU ${podPathMtu}`);
    if (underlayMtu !== undefined) parts.push(`underlay ${underlayMtu}`);
    if (overhead !== undefined && encapsulation)
      parts.push(`${ENCAP_NAME[encapsulation]} overhead ${overhead}`);
  }
  for (const p of hostPairs.filter((x) => x.search.status === 'found')) {
    parts.push(`${p.from.vantage} → ${p.to.label}: path MTU ${p.search.pathMtu} of ${p.senderMtu ?? '?'}`);
  }
  let summary = `MTU fits: ${parts.join(', ')}.`;
  if (maxPodMtu !== undefined && podMtu !== undefined && maxPodMtu > podMtu) {
    summary += ` The underlay would carry pods up to ${maxPodMtu}.`;
  }
  if (incomplete) summary += ' Some pairs could not be measured (see evidence).';
  return {
    ...base,
    status: incomplete && unreachable.length > 0 && podFound.length === 0 ? 'inconclusive' : 'ok',
    summary,
  };
}

function withFix(fix: string | undefined): { fix?: string; restart?: string } {
  return fix ? { fix, restart: RESTART_NOTE } : {};
}

function fixText(
  mode: MtuMode,
  cni: CniMtuConfig | undefined,
  underlayMtu: number | undefined,
  overhead: number | undefined,
  target: number | undefined,
  podMtu: number | undefined,
): string | undefined {
  if (target === undefined) return undefined;
  const jumbo =
    podMtu !== undefined && overhead !== undefined
      ? ` Or give the underlay jumbo frames (it must carry ${podMtu + overhead} bytes for ${podMtu}-byte pod packets), if your network supports them.`
      : '';
  const icmp =
    mode === 'icmp-filtered'
      ? ' Also let ICMP "fragmentation needed" (type 3 code 4) reach the pods, so PMTUD can work.'
      : '';
  if (!cni) {
    return `Lower the pod network MTU to ${target} in your CNI's configuration (underlay ${underlayMtu ?? '?'} − overlay overhead ${overhead ?? '?'}).${jumbo}${icmp}`;
  }
  const ns = cni.configMap.namespace;
  const name = cni.configMap.name;
  if (cni.cni === 'calico') {
    const patch = `kubectl -n ${ns} patch configmap ${name} --type merge -p '{"data":{"veth_mtu":"${target}"}}'`;
    return `Set veth_mtu to "${target}" in ConfigMap ${ns}/${name} (${patch}), then roll the CNI pods (${cni.restart}) and recreate the workload pods.${jumbo}${icmp}`;
  }
  if (cni.cni === 'cilium') {
    const value =
      underlayMtu !== undefined && overhead !== undefined
        ? settingValueFor(cni, underlayMtu, overhead)
        : target;
    const patch = `kubectl -n ${ns} patch configmap ${name} --type merge -p '{"data":{"mtu":"${value}"}}'`;
    return `Set mtu to "${value}" (the underlay MTU; Cilium subtracts its ${overhead ?? ''} bytes, giving pods ${target}) in ConfigMap ${ns}/${name} (${patch}), then roll the CNI pods (${cni.restart}).${jumbo}${icmp}`;
  }
  return `Flannel derives the pod MTU from the node interface it uses (interface MTU − ${overhead ?? 'overhead'}): give that interface the MTU the underlay really carries (${underlayMtu ?? '?'}), so pods get ${target}; then roll the CNI pods (${cni.restart}).${jumbo}${icmp}`;
}
