import { describeDfPing } from '../probes/ping.js';
import type { OversizeFate } from '../probes/pmtu.js';
import { ENCAP_NAME, OVERHEAD } from './overhead.js';
import type { MtuPair, MtuReport } from './types.js';

/** Renderers: the report in, text out. They decide nothing. */

const FATE: Record<OversizeFate, string> = {
  silent: 'silently lost',
  icmp: 'ICMP frag needed',
  'route-cache': 'route cache (ICMP earlier)',
  interface: 'sender interface',
};

function isOverlay(kind: string | undefined): boolean {
  return kind === 'vxlan' || kind === 'geneve' || kind === 'ipip' || kind === 'wireguard';
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length);
}

function pathCell(p: MtuPair): string {
  const s = p.search;
  if (s.status === 'found') return String(s.pathMtu);
  if (s.status === 'unreachable') return 'unreachable';
  if (s.pathMtu !== undefined) return `≥${s.pathMtu}`;
  return '?';
}

function aboveCell(p: MtuPair): string {
  const s = p.search;
  if (s.status !== 'found') return s.notes[0] ?? s.summary;
  if (s.fate === undefined) return '— (full sender MTU fits)';
  return FATE[s.fate] + (s.announced && s.fate !== 'silent' ? ` (mtu ${s.announced.mtu})` : '');
}

export function renderMtuText(r: MtuReport): string {
  const out: string[] = [];
  const what =
    r.scope.to === 'pod' && r.scope.from === 'pod'
      ? `pod→pod across ${r.scope.nodes.length} nodes${r.pairs.some((p) => p.kind === 'node-node') ? ', plus node→node on the underlay' : ''}`
      : `${r.scope.from} → ${r.scope.to}`;
  out.push(`ingress-doctor mtu — ${what}`);
  if (r.scope.note) out.push(`  (${r.scope.note})`);
  out.push('');

  if (r.cni.length === 0 && r.scope.from !== 'local')
    out.push('CNI        no CNI ConfigMap found (calico-config, kube-flannel-cfg, cilium-config)');
  for (const c of r.cni) {
    const mtu = c.mtu ? `${c.setting.key} ${c.mtu.value}` : `${c.setting.key} auto-detected`;
    out.push(
      `CNI        ${c.cni} (${c.configMap.namespace}/${c.configMap.name}): ${c.encapsulationSource}; ${mtu}`,
    );
    for (const p of c.problems) out.push(`           ! ${p}`);
  }
  const v = r.verdict;
  if (v.encapsulation && v.overhead !== undefined) {
    out.push(
      `Overlay    ${ENCAP_NAME[v.encapsulation]}, ${v.overhead} bytes per packet (${OVERHEAD[v.encapsulation].breakdown}; from ${v.overheadSource})`,
    );
  }
  if (out[out.length - 1] !== '') out.push('');

  if (r.interfaces.length) {
    out.push('Interfaces');
    const w = Math.max(...r.interfaces.map((i) => i.vantage.length)) + 2;
    for (const i of r.interfaces) {
      // The interfaces that matter: the ones routes to the peers use, and the overlay tunnels.
      const shown = i.links.filter(
        (l) =>
          (l.name !== 'lo' || i.routeDevs.includes('lo')) &&
          l.up &&
          (i.routeDevs.length === 0 || i.routeDevs.includes(l.name) || isOverlay(l.kind)),
      );
      const links = shown
        .map(
          (l) =>
            `${l.name}${l.kind ? ` (${l.kind}${l.kind === 'vxlan' || l.kind === 'geneve' ? (l.boundTo ? ` on ${l.boundTo}` : ', unbound') : ''})` : ''} ${l.mtu}`,
        )
        .join(' · ');
      out.push(
        `  ${pad(i.vantage, w)}${links || '(none read)'}${i.problems.length ? `  ! ${i.problems.join('; ')}` : ''}`,
      );
    }
    out.push('');
  }

  if (r.pairs.length) {
    out.push('Paths');
    const rows = r.pairs.map((p) => [
      `${p.from.vantage} → ${p.to.label}`,
      p.senderMtu !== undefined ? String(p.senderMtu) : '?',
      pathCell(p),
      aboveCell(p),
      `${p.search.probes.length} in ${p.search.rounds} round${p.search.rounds === 1 ? '' : 's'}, ${p.search.durationMs} ms`,
    ]);
    const head = ['  path', 'sender', 'path MTU', 'above it', 'probes'];
    const widths = head.map(
      (h, i) => Math.max(h.length, ...rows.map((row) => row[i].length + (i === 0 ? 2 : 0))) + 2,
    );
    out.push(
      head
        .map((h, i) => pad(h, widths[i]))
        .join('')
        .trimEnd(),
    );
    for (const row of rows)
      out.push(
        row
          .map((c, i) => pad(i === 0 ? `  ${c}` : c, widths[i]))
          .join('')
          .trimEnd(),
      );
    for (const p of r.pairs)
      for (const n of p.search.notes) out.push(`  note (${p.from.vantage} → ${p.to.label}): ${n}`);
    out.push('');
  }

  for (const u of r.unavailable) out.push(`Unavailable  ${u}`);
  if (r.unavailable.length) out.push('');

  const label = { ok: 'OK', warning: 'WARNING', problem: 'PROBLEM', inconclusive: 'INCONCLUSIVE' }[v.status];
  out.push(`Verdict    ${label}${v.cause ? `  ${v.cause}` : ''}${v.mode ? ` (${v.mode})` : ''}`);
  out.push(`  ${v.summary}`);
  if (v.underlayMtu !== undefined && v.maxPodMtu !== undefined) {
    out.push(
      `  underlay ${v.underlayMtu} (${v.underlaySource}) − overhead ${v.overhead} = ${v.maxPodMtu}: the largest pod MTU without fragmentation${v.podMtu !== undefined ? `; pods use ${v.podMtu} (${v.podMtuSource})` : ''}`,
    );
  }
  if (v.fix) {
    out.push('');
    out.push('Fix');
    out.push(`  ${v.fix}`);
    if (v.restart) out.push(`  ${v.restart}`);
  }
  const confirm = confirmCommands(r);
  if (confirm.length) {
    out.push('');
    out.push('Confirm by hand (at the vantage shown)');
    for (const c of confirm) out.push(`  ${c}`);
  }
  if (r.apiRequests !== undefined)
    out.push('', `${r.apiRequests} Kubernetes API requests, ${r.durationMs} ms`);
  return `${out.join('\n')}\n`;
}

/** The two probes that pin each short path: the largest that passed and the smallest that failed. */
function confirmCommands(r: MtuReport): string[] {
  const lines: string[] = [];
  for (const p of r.pairs) {
    const s = p.search;
    if (s.status !== 'found' || s.fate === undefined) continue;
    const pass = s.probes.find((x) => x.mtu === s.pathMtu && x.result.kind === 'reply');
    const fail = s.probes.find((x) => x.mtu === s.firstFailing);
    for (const x of [pass, fail]) {
      if (x) lines.push(`${p.from.vantage}: ${x.command}   # ${describeDfPing(x.spec, x.result)}`);
    }
  }
  return lines;
}

/** The JSON form: the report as is, minus raw ping output (the parsed result and the command stay). */
export function renderMtuJson(r: MtuReport): string {
  const slim = {
    ...r,
    pairs: r.pairs.map((p) => ({
      ...p,
      search: {
        ...p.search,
        probes: p.search.probes.map((x) => ({
          round: x.round,
          mtu: x.mtu,
          command: x.command,
          result: x.result,
        })),
      },
    })),
  };
  return `${JSON.stringify(slim, null, 2)}\n`;
}
