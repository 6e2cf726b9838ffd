import {
  type DfPingProbe,
  type DfPingResult,
  type DfPingSpec,
  dfPingArgv,
  mtuForPayload,
  shellQuote,
} from '../../src/probes/ping.js';
import type { SendRound } from '../../src/probes/pmtu.js';

/**
 * A simulated path for the path-MTU search: packets up to `pathMtu` get a reply; larger ones are
 * silently lost (blackhole) or answered with ICMP "fragmentation needed" that the sender's kernel then
 * caches on the route, so later larger probes fail locally with "message too long" — like Linux does.
 */
export interface SimulatedPath {
  pathMtu: number;
  /** Sender's interface MTU: larger probes fail locally with mtu=interfaceMtu. */
  interfaceMtu: number;
  mode: 'silent' | 'icmp';
  /** A route MTU already cached from an earlier run (icmp mode). */
  cachedMtu?: number;
  /** Sizes that are lost once regardless of size (random loss). */
  flaky?: Set<number>;
  /** Every ping fails with this error (e.g. no route). */
  error?: string;
  /**
   * Probes of a round race like on a real kernel: the first oversized one (the largest) gets the ICMP answer,
   * which fills the route cache at once, so the other oversized ones fail locally with "message too long".
   */
  race?: boolean;
}

export function simulatedSender(path: SimulatedPath): SendRound & { rounds: number; sent: number } {
  let cache = path.cachedMtu;
  const send = async (specs: DfPingSpec[]): Promise<DfPingProbe[]> => {
    send.rounds++;
    send.sent += specs.length;
    const learnt: number[] = [];
    // With a race, the largest probe goes first (it is the one the router answers).
    const order = path.race ? [...specs].sort((a, b) => b.payload - a.payload) : specs;
    const done = new Map<DfPingSpec, DfPingProbe>();
    for (const spec of order) {
      const size = mtuForPayload(spec.payload, spec.target);
      let result: DfPingResult;
      if (path.error) result = { kind: 'error', message: path.error };
      else if (size > path.interfaceMtu) result = { kind: 'too-big-local', mtu: path.interfaceMtu };
      else if (cache !== undefined && size > cache) result = { kind: 'too-big-local', mtu: cache };
      else if (path.flaky?.delete(size)) result = { kind: 'lost' };
      else if (size <= path.pathMtu) result = { kind: 'reply', bytes: spec.payload + 8, from: spec.target };
      else if (path.mode === 'silent') result = { kind: 'lost' };
      else if (path.race && learnt.length > 0) result = { kind: 'too-big-local', mtu: path.pathMtu };
      else {
        result = { kind: 'frag-needed', mtu: path.pathMtu, from: '198.18.0.1' };
        learnt.push(path.pathMtu);
      }
      done.set(spec, {
        spec,
        command: shellQuote(dfPingArgv(spec)),
        result,
        raw: { exitCode: 0, stdout: '', stderr: '' },
      });
    }
    const out = specs.map((spec) => done.get(spec) as DfPingProbe);
    // Probes of one round fly concurrently: the learnt MTU applies from the next round on.
    for (const m of learnt) cache = Math.min(cache ?? Number.POSITIVE_INFINITY, m);
    return out;
  };
  send.rounds = 0;
  send.sent = 0;
  return send;
}
