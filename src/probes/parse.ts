import type { ExecResult } from '../vantage/types.js';
import { parseConntrackCount, parseConntrackStats, summarizeConntrack } from './conntrack.js';
import { parsePing, summarizePing } from './df-ping-check.js';
import { parseGetent, summarizeDns } from './dns.js';
import { parseCurl, summarizeHttp } from './http.js';
import type { ParserSpec, ProbeData } from './types.js';

/** Any probe's output → its typed result, an ok flag and a one-line summary. Pure; never throws. */
export function parseProbe(
  parser: ParserSpec,
  out: Pick<ExecResult, 'stdout' | 'stderr' | 'exitCode'> & { startError?: string; timedOut?: boolean },
): { data: ProbeData; ok: boolean; summary: string } {
  if (out.startError) {
    const data: ProbeData = { kind: 'text', value: '', error: out.startError };
    return { data, ok: false, summary: `could not run: ${out.startError}` };
  }
  switch (parser.type) {
    case 'curl': {
      const d = parseCurl(out.stdout, out.stderr, out.exitCode);
      if (out.timedOut && d.outcome === 'error') d.errormsg = 'killed by the hard timeout';
      return { data: d, ok: d.outcome === 'response', summary: summarizeHttp(d) };
    }
    case 'ping': {
      const d = parsePing(out.stdout, out.stderr, out.exitCode, parser.size);
      return { data: d, ok: d.received > 0, summary: summarizePing(d) };
    }
    case 'getent': {
      const d = parseGetent(parser.name, out.stdout, out.stderr, out.exitCode);
      return { data: d, ok: d.addresses.length > 0, summary: summarizeDns(d) };
    }
    case 'conntrack-count': {
      const d = parseConntrackCount(out.stdout, out.stderr, out.exitCode);
      return { data: d, ok: !d.error, summary: summarizeConntrack(d) };
    }
    case 'conntrack-stats': {
      const d = parseConntrackStats(out.stdout, out.stderr, out.exitCode);
      return { data: d, ok: !d.error, summary: summarizeConntrack(d) };
    }
    default: {
      const value = out.stdout.trim();
      const d: ProbeData = { kind: 'text', value };
      if (out.exitCode !== 0) d.error = out.stderr.trim() || `exit ${out.exitCode}`;
      return { data: d, ok: out.exitCode === 0, summary: d.error ?? value.slice(0, 120) };
    }
  }
}
