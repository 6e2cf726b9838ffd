import { CONNTRACK_COUNT_ARGV, CONNTRACK_STATS_ARGV } from '../probes/conntrack.js';
import { pingArgv } from '../probes/df-ping-check.js';
import { getentArgv } from '../probes/dns.js';
import { type CurlOptions, curlArgv } from '../probes/http.js';
import type { VantageSpec } from '../probes/types.js';
import type { PhaseId, ProbeSpec } from './types.js';

/** Builders for the probes phases declare: each carries the argv a person would type. */

export function httpProbe(id: string, phase: PhaseId, vantage: VantageSpec, o: CurlOptions): ProbeSpec {
  const target = o.host ? `${o.url} (Host: ${o.host})` : o.url;
  return {
    id,
    phase,
    kind: 'http',
    vantage,
    target,
    argv: curlArgv(o),
    timeoutMs: Math.round(o.maxTimeS * 1000) + 1500,
    parser: { type: 'curl' },
  };
}

export function pingProbe(
  id: string,
  phase: PhaseId,
  vantage: VantageSpec,
  ip: string,
  mtu: number,
): ProbeSpec {
  const size = mtu - 28;
  return {
    id,
    phase,
    kind: 'ping',
    vantage,
    target: `${ip} (DF, ${mtu}-byte packet)`,
    argv: pingArgv(ip, size, 1),
    timeoutMs: 2500,
    parser: { type: 'ping', size },
  };
}

export function dnsProbe(id: string, phase: PhaseId, vantage: VantageSpec, name: string): ProbeSpec {
  return {
    id,
    phase,
    kind: 'dns',
    vantage,
    target: name,
    argv: getentArgv(name),
    timeoutMs: 3000,
    parser: { type: 'getent', name },
  };
}

export function conntrackProbes(idPrefix: string, phase: PhaseId, vantage: VantageSpec): ProbeSpec[] {
  return [
    {
      id: `${idPrefix}.count`,
      phase,
      kind: 'conntrack',
      vantage,
      target: 'nf_conntrack_count / nf_conntrack_max',
      argv: CONNTRACK_COUNT_ARGV,
      timeoutMs: 2000,
      parser: { type: 'conntrack-count' },
    },
    {
      id: `${idPrefix}.stats`,
      phase,
      kind: 'conntrack',
      vantage,
      target: 'conntrack statistics (drops, insert_failed)',
      argv: CONNTRACK_STATS_ARGV,
      timeoutMs: 2000,
      parser: { type: 'conntrack-stats' },
    },
  ];
}

/** `http://host:port` with the default port left out, as a person writes it. */
export function origin(scheme: 'http' | 'https', host: string, port: number): string {
  const def = scheme === 'https' ? 443 : 80;
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === def ? `${scheme}://${h}` : `${scheme}://${h}:${port}`;
}
