import { createHash } from 'node:crypto';
import type { V1NetworkPolicyPeer, V1NetworkPolicyPort, V1Pod } from '@kubernetes/client-node';
import { readyEndpoints, resolveTargetPort, selectorMatches } from '../endpoints.js';
import type { LabModel } from '../model.js';
import { CLUSTER, type NodeLayout, podHostIface } from '../topology.js';

/** kube-proxy's chain names: a prefix and 16 base32 characters of a SHA-256 over the service port. */
function chainName(prefix: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 16) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `${prefix}-${out}`;
}

const MASQ_MARK = '0x4000/0x4000';

/**
 * iptables-restore input for one node: kube-proxy's iptables-mode chains (ClusterIP and NodePort → endpoint
 * DNAT with conntrack, masquerade for NodePort traffic), Calico-like NetworkPolicy enforcement for the node's
 * pods (bridged traffic is seen because bridge-nf-call-iptables=1), CNI egress masquerade, and any firewall
 * the infra adds.
 */
export function renderNodeIptables(model: LabModel, node: NodeLayout): string {
  const { objects, infra } = model;
  const natChains = new Set(['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']);
  const nat: string[] = [];
  const filterChains = new Set(['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FORWARD', 'cali-FORWARD']);
  const filter: string[] = [];
  const nodePortRules: string[] = [];

  nat.push(
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    `-A POSTROUTING -s ${node.podCidr} ! -d ${CLUSTER.podCidr} -m comment --comment "cni: masquerade pod egress" -j MASQUERADE`,
    `-A KUBE-MARK-MASQ -j MARK --set-xmark ${MASQ_MARK}`,
    `-A KUBE-POSTROUTING -m mark ! --mark ${MASQ_MARK} -j RETURN`,
    '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
  );

  for (const svc of objects.services) {
    const ns = svc.metadata?.namespace ?? 'default';
    const name = svc.metadata?.name ?? '';
    const clusterIP = svc.spec?.clusterIP;
    if (!clusterIP || clusterIP === 'None') continue;
    for (const port of svc.spec?.ports ?? []) {
      const proto = (port.protocol ?? 'TCP').toLowerCase();
      const portName = port.name ?? '';
      const id = `${ns}/${name}${portName ? `:${portName}` : ''}`;
      const endpoints = readyEndpoints(objects, ns, name, portName);
      const match = `-p ${proto} -m ${proto} --dport ${port.port}`;
      if (endpoints.length === 0) {
        filter.push(
          `-A KUBE-SERVICES -d ${clusterIP}/32 ${match} -m comment --comment "${id} has no endpoints" -j REJECT --reject-with icmp-port-unreachable`,
        );
        if (port.nodePort) {
          filter.push(
            `-A KUBE-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL -p ${proto} -m ${proto} --dport ${port.nodePort} -m comment --comment "${id} has no endpoints" -j REJECT --reject-with icmp-port-unreachable`,
          );
        }
        continue;
      }
      const svcChain = chainName('KUBE-SVC', `${id}/${proto}`);
      natChains.add(svcChain);
      nat.push(
        `-A KUBE-SERVICES -d ${clusterIP}/32 ${match} -m comment --comment "${id} cluster IP" -j ${svcChain}`,
      );
      nat.push(
        `-A ${svcChain} ! -s ${CLUSTER.podCidr} -d ${clusterIP}/32 ${match} -m comment --comment "${id} cluster IP" -j KUBE-MARK-MASQ`,
      );
      endpoints.forEach((ep, i) => {
        const sep = chainName('KUBE-SEP', `${id}/${proto}/${ep.ip}:${ep.port}`);
        natChains.add(sep);
        const left = endpoints.length - i;
        const pick = left > 1 ? `-m statistic --mode random --probability ${(1 / left).toFixed(11)} ` : '';
        nat.push(`-A ${svcChain} -m comment --comment "${id} -> ${ep.ip}:${ep.port}" ${pick}-j ${sep}`);
        nat.push(`-A ${sep} -s ${ep.ip}/32 -m comment --comment "${id}" -j KUBE-MARK-MASQ`);
        nat.push(
          `-A ${sep} -p ${proto} -m comment --comment "${id}" -m ${proto} -j DNAT --to-destination ${ep.ip}:${ep.port}`,
        );
      });
      if (port.nodePort) {
        const ext = chainName('KUBE-EXT', `${id}/${proto}`);
        natChains.add(ext);
        nodePortRules.push(
          `-A KUBE-NODEPORTS -p ${proto} -m comment --comment "${id}" -m ${proto} --dport ${port.nodePort} -j ${ext}`,
        );
        nat.push(
          `-A ${ext} -m comment --comment "masquerade traffic for ${id} external destinations" -j KUBE-MARK-MASQ`,
          `-A ${ext} -j ${svcChain}`,
        );
      }
    }
  }
  nat.push(...nodePortRules);
  nat.push(
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  );

  filter.unshift(
    '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
    '-A FORWARD -m comment --comment "cali:forward" -j cali-FORWARD',
    '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
    '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
    `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${MASQ_MARK} -j ACCEPT`,
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  );
  filter.push(...renderPolicyRules(model, node, filterChains));
  if (infra.nodesDropFragNeeded) {
    filter.push(
      '-A OUTPUT -p icmp -m icmp --icmp-type fragmentation-needed -m comment --comment "firewall: drop ICMP fragmentation-needed" -j DROP',
    );
  }

  const raw = (infra.nodeFirewall[node.name] ?? []).map((r) => `-A PREROUTING ${r}`);

  // A node whose kube-proxy is down has none of its chains; the CNI's rules (policies, masquerade) stay.
  const kubeProxyUp = !infra.kubeProxyDown.includes(node.name);
  const ownedByKubeProxy = (text: string) => /KUBE-/.test(text);
  const keep = (rules: string[]) => (kubeProxyUp ? rules : rules.filter((r) => !ownedByKubeProxy(r)));
  const keepChains = (chains: Set<string>) =>
    kubeProxyUp ? chains : new Set([...chains].filter((c) => !ownedByKubeProxy(c)));

  const table = (name: string, builtins: string[], chains: Set<string>, rules: string[]) => [
    `*${name}`,
    ...builtins.map((c) => `:${c} ACCEPT [0:0]`),
    ...[...chains].map((c) => `:${c} - [0:0]`),
    ...rules,
    'COMMIT',
  ];
  return [
    ...table('raw', ['PREROUTING', 'OUTPUT'], new Set(), raw),
    ...table('nat', ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], keepChains(natChains), keep(nat)),
    ...table('filter', ['INPUT', 'FORWARD', 'OUTPUT'], keepChains(filterChains), keep(filter)),
    '',
  ].join('\n');
}

function policyPeers(
  model: LabModel,
  policyNs: string,
  peers: V1NetworkPolicyPeer[] | undefined,
): string[] | 'any' {
  if (!peers || peers.length === 0) return 'any';
  const out: string[] = [];
  for (const peer of peers) {
    if (peer.ipBlock) {
      out.push(peer.ipBlock.cidr);
      continue;
    }
    for (const pod of model.objects.pods) {
      const podNs = pod.metadata?.namespace ?? 'default';
      const ip = pod.status?.podIP;
      if (!ip || pod.spec?.hostNetwork) continue;
      if (peer.namespaceSelector) {
        const nsObj = model.objects.namespaces.find((n) => n.metadata?.name === podNs);
        if (!selectorMatches(peer.namespaceSelector, nsObj?.metadata?.labels)) continue;
      } else if (podNs !== policyNs) continue;
      if (peer.podSelector && !selectorMatches(peer.podSelector, pod.metadata?.labels)) continue;
      out.push(`${ip}/32`);
    }
  }
  return out;
}

function policyPorts(
  pod: V1Pod,
  ports: V1NetworkPolicyPort[] | undefined,
): { proto: string; port?: number }[] | 'any' {
  if (!ports || ports.length === 0) return 'any';
  const out: { proto: string; port?: number }[] = [];
  for (const p of ports) {
    const proto = (p.protocol ?? 'TCP').toLowerCase();
    if (p.port === undefined) {
      out.push({ proto });
      continue;
    }
    const n = resolveTargetPort({ port: 0, targetPort: p.port }, pod);
    if (n !== undefined) out.push({ proto, port: n });
  }
  return out;
}

/** Calico-like to-workload chains: for every local pod selected by an ingress policy, allow listed peers, drop the rest. */
function renderPolicyRules(model: LabModel, node: NodeLayout, chains: Set<string>): string[] {
  const rules: string[] = ['-A cali-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'];
  for (const pod of model.objects.pods) {
    if (pod.spec?.nodeName !== node.name || pod.spec?.hostNetwork || !pod.status?.podIP) continue;
    const podNs = pod.metadata?.namespace ?? 'default';
    const policies = model.objects.networkPolicies.filter(
      (p) =>
        p.metadata?.namespace === podNs &&
        selectorMatches(p.spec?.podSelector ?? {}, pod.metadata?.labels) &&
        (p.spec?.policyTypes ?? ['Ingress']).includes('Ingress'),
    );
    if (policies.length === 0) continue;
    const chain = `cali-tw-${podHostIface(podNs, pod.metadata?.name ?? '')}`;
    chains.add(chain);
    rules.push(`-A cali-FORWARD -d ${pod.status.podIP}/32 -j ${chain}`);
    for (const policy of policies) {
      const id = `${podNs}/${policy.metadata?.name}`;
      for (const rule of policy.spec?.ingress ?? []) {
        const raw = rule as { _from?: V1NetworkPolicyPeer[]; from?: V1NetworkPolicyPeer[] };
        const peers = policyPeers(model, podNs, raw._from ?? raw.from);
        const ports = policyPorts(pod, rule.ports);
        const sources = peers === 'any' ? [''] : peers.map((s) => `-s ${s} `);
        const portMatches =
          ports === 'any'
            ? ['']
            : ports.map((p) => `-p ${p.proto} ${p.port ? `-m ${p.proto} --dport ${p.port} ` : ''}`);
        for (const s of sources) {
          for (const p of portMatches)
            rules.push(`-A ${chain} ${s}${p}-m comment --comment "policy ${id}" -j ACCEPT`);
        }
      }
    }
    rules.push(`-A ${chain} -m comment --comment "cali: drop if no policies passed packet" -j DROP`);
  }
  return rules;
}
