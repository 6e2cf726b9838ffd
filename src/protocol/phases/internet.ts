import type { DnsResult } from '../../probes/types.js';
import {
  type HttpObservation,
  httpObservation,
  type JudgeInput,
  type Judgement,
  type PhaseDefinition,
  WAIT,
} from '../phase.js';
import { answered } from '../probe-set.js';
import { dnsProbe, httpProbe, origin, pingProbe } from '../specs.js';
import type { ProbeRecord, ProbeSpec, RouteFacts, Signal } from '../types.js';
import { endpointTargets } from './cluster.js';

/**
 * Phase 5, the internet: DNS of the host vs the LB address, the URL as a user fetches it (a stall = bytes then
 * silence, recognised in ~2 s), DF-bit pings across nodes at the configured pod MTU and at the 1450 class,
 * and the TLS certificate vs the host for https.
 */

export const ids = {
  dns: 'p5.dns',
  url: 'p5.url',
  ping: (target: number, mtu: number) => `p5.ping.${target}.${mtu}`,
};

/** The control size (default ping) proves ICMP passes at all; a silent loss only at big sizes is the blackhole. */
export const CONTROL_MTU = 84;
/** The usual VXLAN-safe pod MTU on a 1500-byte underlay. */
export const OVERLAY_SAFE_MTU = 1450;

const isIp = (h: string) => /^[\d.]+$/.test(h) || h.includes(':');

/**
 * Pod IPs on other nodes than the probe pod: the overlay path controller ↔ backend traffic takes. Two at most
 * (an endpoint and a controller pod), since a NetworkPolicy may drop ICMP to one of them.
 */
export function crossNodeTargets(f: RouteFacts, podNode: string | undefined): { ip: string; what: string }[] {
  if (!podNode) return [];
  const out: { ip: string; what: string }[] = [];
  const push = (ip: string | undefined, node: string | undefined, what: string) => {
    if (!ip || !node || node === podNode || out.some((o) => o.ip === ip) || out.length >= 2) return;
    out.push({ ip, what });
  };
  const ep = endpointTargets(f).find((e) => e.nodeName && e.nodeName !== podNode);
  push(ep?.ip, ep?.nodeName, `endpoint ${ep?.ip} on ${ep?.nodeName}`);
  const ctl = (f.controller?.podIPs ?? []).find((c) => c.nodeName && c.nodeName !== podNode);
  push(ctl?.ip, ctl?.nodeName, `controller pod ${ctl?.ip} on ${ctl?.nodeName}`);
  for (const p of f.pods) push(p.ip, p.nodeName, `pod ${p.name} on ${p.nodeName}`);
  return out;
}

/** Packet sizes (IP MTU) to ping with DF: control, the configured pod MTU, the overlay-safe class. */
export function pingMtus(f: RouteFacts): number[] {
  const pod = f.podMtu ?? 1500;
  const sizes = [CONTROL_MTU, pod];
  if (pod > OVERLAY_SAFE_MTU) sizes.push(OVERLAY_SAFE_MTU);
  else if (pod > 1400) sizes.push(1400);
  return [...new Set(sizes)];
}

/** What phase 5 saw: the user's view, for the verdict. */
export interface InternetObservations {
  dns?: { id: string; record: ProbeRecord; r: DnsResult };
  /** The URL as a user fetches it. */
  url?: HttpObservation;
}

function observe(input: Omit<JudgeInput, 'observed'>): InternetObservations {
  const o: InternetObservations = {};
  const record = input.probes.get(ids.dns);
  const dns = input.probes.dns(ids.dns);
  if (record && dns) o.dns = { id: ids.dns, record, r: dns };
  const url = httpObservation(input.probes, ids.url);
  if (url) o.url = url;
  return o;
}

export const internetPhase: PhaseDefinition<'internet'> = {
  id: 'internet',
  number: 5,
  title: 'The internet',
  proves:
    'The host resolves to the load balancer, the URL answers as a user fetches it (large bodies included), ' +
    'full-size packets cross the overlay between nodes, and the certificate matches the host.',
  explain: {
    does: 'Like a user: DNS of the host against the LB address, a small request against a large body, DF-bit pings around the overlay MTU, TLS certificate against the host.',
    ifPass:
      'The pipe is big enough: DNS points at the load balancer and large responses arrive as fast as small ones (hop 1).',
    ifFail:
      'Failing only here means the path is fine for small packets: an MTU blackhole (small OK, large ' +
      'stalls), DNS pointing elsewhere, or TLS/WAF at the edge — not an application problem.',
    ifSkipped: 'The internet-facing checks did not run: hop 1 and the large-body path stay unproven.',
  },
  clears: [1],
  hop(_result, observed) {
    const dns = observed.internet?.dns;
    return {
      tested: dns !== undefined || answered(observed.loadbalancer?.withHost?.r),
      ...(dns ? { note: dns.record.summary } : {}),
    };
  },

  plan(f, v) {
    const specs: ProbeSpec[] = [];
    const local = { kind: 'local' } as const;
    const host = f.target.host;
    if (host && !isIp(host)) specs.push(dnsProbe(ids.dns, 'internet', local, host));
    if (host) {
      specs.push(
        httpProbe(ids.url, 'internet', local, {
          url: `${origin(f.target.scheme, host, f.target.port)}${f.target.path}`,
          maxTimeS: WAIT.lb,
        }),
      );
    }
    if (v.pod) {
      crossNodeTargets(f, v.pod).forEach((t, ti) => {
        for (const mtu of pingMtus(f)) {
          specs.push(
            pingProbe(ids.ping(ti, mtu), 'internet', { kind: 'pod', node: v.pod as string }, t.ip, mtu),
          );
        }
      });
    }
    return specs;
  },

  judge(input: JudgeInput): Judgement<InternetObservations> {
    const { facts: f, probes, vantages: v } = input;
    const observations = observe(input);
    const signals: Signal[] = [];
    const notes: string[] = [];
    const lb = f.controller?.lbAddress;

    const dns = observations.dns?.r;
    if (dns && lb && isIp(lb)) {
      if (dns.addresses.length === 0) {
        signals.push({
          cause: 'dns-mismatch',
          hop: 1,
          direct: true,
          evidence: [ids.dns],
          summary: `${dns.name} does not resolve${dns.error ? ` (${dns.error})` : ''}; the load balancer is at ${lb}`,
        });
      } else if (!dns.addresses.includes(lb)) {
        signals.push({
          cause: 'dns-mismatch',
          hop: 1,
          direct: true,
          evidence: [ids.dns],
          summary: `${dns.name} resolves to ${dns.addresses.join(', ')}, not to the load balancer address ${lb}`,
        });
      }
    }

    const url = observations.url?.r;
    if (url?.outcome === 'cert-error') {
      signals.push({
        cause: 'tls-certificate-mismatch',
        hop: 1,
        direct: true,
        evidence: [ids.url],
        summary: `the certificate served for ${f.target.host} is rejected: ${url.errormsg ?? 'verification failed'}`,
      });
    }

    // DF pings across nodes: control passes, configured MTU silently lost, a smaller class passes.
    const mtus = pingMtus(f);
    const configured = f.podMtu ?? 1500;
    const targets = crossNodeTargets(f, v.pod);
    let pingBlackhole = false;
    const pingParts: string[] = [];
    targets.forEach((t, ti) => {
      const pings = mtus.map((m) => ({ mtu: m, id: ids.ping(ti, m), r: probes.ping(ids.ping(ti, m)) }));
      if (pings.every((p) => !p.r)) return;
      pingParts.push(
        `${t.what}: ${pings.map((p) => `${p.mtu}:${(p.r?.received ?? 0) > 0 ? 'ok' : p.r?.fragNeededMtu ? `frag-needed(${p.r.fragNeededMtu})` : 'lost'}`).join(' ')}`,
      );
      const control = pings.find((p) => p.mtu === CONTROL_MTU)?.r;
      const big = pings.find((p) => p.mtu === configured)?.r;
      const best = pings
        .filter((p) => p.mtu !== CONTROL_MTU && p.mtu < configured && (p.r?.received ?? 0) > 0)
        .sort((a, b) => b.mtu - a.mtu)[0];
      if (control && control.received > 0 && big?.silentLoss && !pingBlackhole) {
        pingBlackhole = true;
        signals.push({
          cause: 'mtu-blackhole',
          hop: 5,
          direct: true,
          evidence: pings.filter((p) => p.r).map((p) => p.id),
          summary:
            `DF packets of the configured pod MTU ${configured}${f.podMtuSource ? ` (${f.podMtuSource})` : ''} to ${t.what} are lost silently` +
            (best ? ` while ${best.mtu}-byte packets pass` : '') +
            ': the overlay cannot carry full-size pod packets and no ICMP "fragmentation needed" comes back',
        });
      } else if (control && control.received === 0) {
        notes.push(
          `ICMP echo to ${t.what} is not answered at all (blocked), so the MTU was not measured there`,
        );
      } else if (big?.fragNeededMtu) {
        notes.push(`the path to ${t.what} announces MTU ${big.fragNeededMtu} (PMTUD works)`);
      }
    });

    // A stall (bytes, then silence) from the user's URL, through the LB, or at an endpoint from the probe pod.
    const stalled = [
      observations.url,
      input.observed.loadbalancer?.withHost,
      ...(input.observed.cluster?.podAnswers ?? []),
    ].filter((o): o is HttpObservation => o?.r.outcome === 'stall');
    const stalls = stalled.map((o) => o.id);
    if (stalls.length > 0) {
      const r = stalled[0]?.r;
      signals.push({
        cause: 'mtu-blackhole',
        hop: 5,
        direct: pingBlackhole,
        evidence: stalls,
        summary: `the response stalls after ${r?.bytes ?? 0} bytes (headers and small packets pass, full-size packets vanish): the large body never arrives`,
      });
    }

    const skippedPings = !v.pod
      ? `${v.unavailable ?? 'no probe pod'}: no DF pings across nodes (the overlay MTU is unproven)`
      : targets.length === 0
        ? 'no pod on another node to ping: the overlay MTU between nodes is unproven'
        : undefined;
    if (skippedPings) notes.push(skippedPings);

    const status =
      signals.length > 0 ? 'fail' : !url && !dns && pingParts.length === 0 ? 'inconclusive' : 'pass';
    const parts: string[] = [];
    if (dns) parts.push(`DNS ${dns.addresses.join(', ') || 'no answer'}${lb ? ` (LB ${lb})` : ''}`);
    if (url) parts.push(`URL ${answered(url) ? `HTTP ${url.status}, ${url.bytes} bytes` : url.outcome}`);
    if (pingParts.length) parts.push(`DF pings to ${pingParts.join('; ')}`);
    return {
      status,
      summary:
        signals.length > 0 ? signals.map((s) => s.summary).join('; ') : [...parts, ...notes].join('; '),
      signals,
      observations,
    };
  },
};
