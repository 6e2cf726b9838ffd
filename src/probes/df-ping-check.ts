import { type DfPingResult, dfPingArgv, parseDfPing } from './ping.js';
import type { PingResult } from './types.js';

/**
 * Diagnose's view of one DF-bit ping, on top of the iputils parser (src/probes/ping.ts, shared with `mtu`).
 * Payload size = MTU − 28 (IPv4 + ICMP headers).
 */
export function pingArgv(target: string, payloadSize: number, waitS = 1): string[] {
  return dfPingArgv({ target, payload: payloadSize, timeoutS: waitS });
}

export function toPingResult(r: DfPingResult, size: number): PingResult {
  const res: PingResult = { kind: 'ping', size, transmitted: 1, received: 0, silentLoss: false };
  switch (r.kind) {
    case 'reply':
      res.received = 1;
      if (r.rttMs !== undefined) res.rttMs = r.rttMs;
      break;
    case 'frag-needed':
      res.fragNeededMtu = r.mtu;
      break;
    case 'too-big-local':
      res.localMtu = r.mtu;
      break;
    case 'lost':
      res.silentLoss = true;
      break;
    case 'unreachable':
      res.error = r.message;
      break;
    case 'error':
      res.transmitted = 0;
      res.error = r.message;
      break;
  }
  return res;
}

export function parsePing(stdout: string, stderr: string, exitCode: number, size: number): PingResult {
  return toPingResult(parseDfPing({ stdout, stderr, exitCode }), size);
}

export function summarizePing(r: PingResult): string {
  const mtu = r.size + 28;
  if (r.received > 0)
    return `DF ${mtu}-byte packet answered${r.rttMs !== undefined ? ` in ${r.rttMs} ms` : ''}`;
  if (r.fragNeededMtu) return `DF ${mtu}-byte packet refused: path MTU ${r.fragNeededMtu} (ICMP frag needed)`;
  if (r.localMtu) return `DF ${mtu}-byte packet refused locally: route MTU ${r.localMtu}`;
  if (r.error) return `ping failed: ${r.error}`;
  return `DF ${mtu}-byte packet silently lost (no reply, no ICMP error)`;
}
