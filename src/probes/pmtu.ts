import type { Vantage } from '../vantage/types.js';
import { type DfPingProbe, type DfPingSpec, mtuForPayload, payloadForMtu, runDfPings } from './ping.js';

/**
 * Exact path-MTU search with DF-bit pings.
 *
 * Every round sends several sizes at once (one exec, see ping.ts), then narrows the bracket
 * [largest size that got a reply, smallest size that failed]. The planner guarantees the exact answer within the
 * probe budget (16 by default) for every possible path MTU between `minMtu` and `maxMtu`, and within that
 * guarantee spends spare probes on the likely answers first (the interface MTU itself, interface MTU minus a
 * tunnel overhead, the MTU an ICMP answer announced), so the common cases end after one or two rounds.
 */

export interface PathMtuOptions {
  /** Largest size worth trying: the sender's interface (route) MTU. Nothing larger can leave the sender. */
  maxMtu: number;
  /** Smallest size tried (576 for IPv4, 1280 for IPv6). Nothing through at this size = unreachable. */
  minMtu?: number;
  /** Probe budget for the pair (default 16; 24 when maxMtu is above 1500). */
  maxProbes?: number;
  /** -W of each ping, seconds (default 0.25: in-cluster round trips are well under a millisecond to a few ms). */
  timeoutS?: number;
  /** More likely answers to try early, e.g. the CNI's configured pod MTU or the underlay MTU minus overhead. */
  likely?: number[];
  /** The sender's interface MTU when known: a local "message too long, mtu=N" equal to it is our own limit. */
  interfaceMtu?: number;
}

/** Sends one round of DF pings and returns each one's outcome (in order). */
export type SendRound = (specs: DfPingSpec[]) => Promise<DfPingProbe[]>;

export interface PathMtuProbe extends DfPingProbe {
  round: number;
  /** The IP packet size this probe tested. */
  mtu: number;
}

/**
 * How packets just above the path MTU die:
 * - silent: no reply and no ICMP (the blackhole: TCP stalls until it gives up);
 * - icmp: a router answered "fragmentation needed" (PMTUD works, TCP adapts);
 * - route-cache: the sender's kernel already knew a lower path MTU from an earlier ICMP answer;
 * - interface: the sender's own interface MTU is the limit (nothing on the path is smaller).
 */
export type OversizeFate = 'silent' | 'icmp' | 'route-cache' | 'interface';

export interface PathMtuResult {
  target: string;
  /** found: the path MTU is known; unreachable: not even minMtu got a reply; inconclusive: errors or budget. */
  status: 'found' | 'unreachable' | 'inconclusive';
  /** Largest packet size that got a reply (exact when `exact`). */
  pathMtu?: number;
  exact: boolean;
  /** Smallest size that failed (pathMtu + 1 when exact), unless no tried size failed. */
  firstFailing?: number;
  /** How the smallest failing size failed; undefined when maxMtu itself got through. */
  fate?: OversizeFate;
  /** Lowest MTU announced by ICMP "fragmentation needed" or by the route cache ("message too long, mtu=N"). */
  announced?: { mtu: number; source: 'icmp' | 'route-cache'; from?: string };
  /** Any size above pathMtu was lost without an ICMP answer. */
  silentLoss: boolean;
  /** Range searched. */
  range: { min: number; max: number };
  rounds: number;
  probes: PathMtuProbe[];
  durationMs: number;
  /** One line for reports. */
  summary: string;
  /** Things the search noticed that a reader should know (flaky loss, errors). */
  notes: string[];
}

export const DEFAULT_MAX_PROBES = 16;
export const DEFAULT_MAX_PROBES_JUMBO = 24;
export const DEFAULT_PING_TIMEOUT_S = 0.25;

/** Overheads of common encapsulations (IPv4 underlay), in likelihood order for the prior. */
const LIKELY_OVERHEADS = [50, 20, 60, 80];

/**
 * How many distinct answers `budget` probes can tell apart in `rounds` rounds: the best product of
 * (probes in round i + 1) over the rounds, with the probes spread evenly.
 */
export function cover(budget: number, rounds: number): number {
  if (rounds <= 0 || budget <= 0) return 1;
  const r = Math.min(rounds, budget);
  const q = Math.floor(budget / r);
  const rem = budget % r;
  return (q + 2) ** rem * (q + 1) ** (r - rem);
}

/** Fewest rounds that still tell `answers` candidates apart with `budget` probes; undefined if impossible. */
export function minRounds(answers: number, budget: number): number | undefined {
  if (answers <= 1) return 0;
  for (let r = 1; r <= budget; r++) if (cover(budget, r) >= answers) return r;
  return undefined;
}

/** A plan for one round: its sizes and the worst-case number of rounds (this one included) it leads to. */
interface RoundPlan {
  sizes: number[];
  worstRounds: number;
  priors: number;
}

/**
 * Split pieces [e_i, e_{i+1}) with `fills` extra probes, each time splitting the piece whose parts are
 * largest; returns the size of the largest part left.
 */
function allocateFills(pieces: number[], fills: number): { parts: number[]; largest: number } {
  const parts = pieces.map(() => 1);
  const part = (i: number) => Math.ceil(pieces[i] / parts[i]);
  for (let f = 0; f < fills; f++) {
    let best = -1;
    for (let i = 0; i < pieces.length; i++) {
      if (parts[i] < pieces[i] && (best < 0 || part(i) > part(best))) best = i;
    }
    if (best < 0) break;
    parts[best]++;
  }
  let largest = 0;
  for (let i = 0; i < pieces.length; i++) largest = Math.max(largest, part(i));
  return { parts, largest };
}

function planWith(lo: number, hi: number, budget: number, fixed: number[]): RoundPlan[] {
  const edges = [lo, ...fixed, hi];
  const pieces: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) pieces.push(edges[i + 1] - edges[i]);
  const plans: RoundPlan[] = [];
  for (let fills = 0; fixed.length + fills <= budget; fills++) {
    const k = fixed.length + fills;
    if (k === 0) continue;
    const { parts, largest } = allocateFills(pieces, fills);
    const used = parts.reduce((a, p) => a + p - 1, 0);
    if (used < fills) break; // every answer already pinned
    const after = minRounds(largest, budget - k);
    if (after === undefined) continue;
    const sizes = new Set(fixed);
    parts.forEach((m, i) => {
      for (let j = 1; j < m; j++) sizes.add(edges[i] + Math.round((j * pieces[i]) / m));
    });
    plans.push({ sizes: [...sizes].sort((a, b) => a - b), worstRounds: 1 + after, priors: 0 });
  }
  return plans;
}

/**
 * Choose the sizes of one round. Answers are lo..hi-1 (lo: largest known-good size, or minMtu-1 for "none";
 * hi: smallest known-bad size, or maxMtu+1). Every plan keeps the guarantee: the exact answer within `budget`
 * probes. Among plans whose worst case is at most `slack` rounds above the best possible, the one that
 * includes the longest prefix of `priors` wins ([V, V+1] pins V exactly in this round), then the one with the
 * fewest worst-case rounds, then the one with the most probes now.
 */
export function planRound(
  lo: number,
  hi: number,
  budget: number,
  priors: number[][],
  slack?: number,
): number[] {
  const answers = hi - lo;
  if (answers <= 1 || budget <= 0) return [];
  const candidates: RoundPlan[] = [];
  const fixed = new Set<number>();
  let included = 0;
  const consider = () => {
    for (const p of planWith(
      lo,
      hi,
      budget,
      [...fixed].sort((a, b) => a - b),
    )) {
      candidates.push({ ...p, priors: included });
    }
  };
  consider();
  for (const group of priors) {
    const inBracket = group.filter((s) => s > lo && s < hi && !fixed.has(s));
    if (inBracket.length === 0) continue;
    if (fixed.size + inBracket.length > budget) break;
    for (const s of inBracket) fixed.add(s);
    included++;
    consider();
  }
  if (candidates.length === 0) return spread(lo, hi, Math.min(budget, answers - 1)); // cannot be exact: best effort
  const best = Math.min(...candidates.map((c) => c.worstRounds));
  // Trying the likely sizes first may cost a round in the worst case (two on long searches such as jumbo frames).
  const allowance = slack ?? Math.max(1, Math.floor(best / 3));
  const allowed = candidates.filter((c) => c.worstRounds <= best + allowance);
  allowed.sort(
    (a, b) => b.priors - a.priors || a.worstRounds - b.worstRounds || b.sizes.length - a.sizes.length,
  );
  return allowed[0].sizes;
}

/** k sizes splitting lo..hi-1 evenly (used only when no plan can be exact any more). */
function spread(lo: number, hi: number, k: number): number[] {
  const out = new Set<number>();
  for (let j = 1; j <= k; j++) out.add(lo + Math.round((j * (hi - lo)) / (k + 1)));
  return [...out].filter((s) => s > lo && s < hi).sort((a, b) => a - b);
}

/** The likely answers in order: what an ICMP answer announced, the interface MTU, connectivity, overlays. */
function priorsFor(
  opts: Required<Pick<PathMtuOptions, 'maxMtu' | 'minMtu'>>,
  likely: number[],
  announced?: number,
) {
  const { maxMtu, minMtu } = opts;
  const pair = (v: number) => [v, v + 1];
  const groups: number[][] = [];
  if (announced !== undefined) groups.push([announced]);
  groups.push([maxMtu]);
  for (const l of likely) groups.push(pair(l));
  groups.push(pair(maxMtu - LIKELY_OVERHEADS[0]));
  // A jumbo-frame sender whose path is a standard 1500 underlay (or a VXLAN on one).
  if (maxMtu > 1500) groups.push(pair(1500), pair(1450));
  groups.push([minMtu]);
  for (const o of LIKELY_OVERHEADS.slice(1)) groups.push(pair(maxMtu - o));
  return groups;
}

/** Find the path MTU from the vantage behind `send` to `target`. Never throws for network outcomes. */
export async function findPathMtu(
  target: string,
  send: SendRound,
  options: PathMtuOptions,
): Promise<PathMtuResult> {
  const t0 = Date.now();
  const minMtu = options.minMtu ?? (target.includes(':') ? 1280 : 576);
  // An IP packet is at most 65535 bytes (loopback's MTU is 65536).
  const maxMtu = Math.min(Math.max(options.maxMtu, minMtu), 65535);
  // 16 probes pin any MTU up to 1500 exactly; a jumbo interface (up to 9000: 13+ bits to learn) gets 24.
  const budget = options.maxProbes ?? (maxMtu > 1500 ? DEFAULT_MAX_PROBES_JUMBO : DEFAULT_MAX_PROBES);
  const timeoutS = options.timeoutS ?? DEFAULT_PING_TIMEOUT_S;
  const likely = (options.likely ?? []).filter((l) => Number.isInteger(l) && l >= minMtu && l < maxMtu);

  const ok = new Set<number>();
  const failed = new Map<number, OversizeFate>();
  const probes: PathMtuProbe[] = [];
  const notes: string[] = [];
  let announced: PathMtuResult['announced'];
  let rounds = 0;
  let used = 0;

  const bracket = () => {
    const lo = Math.max(minMtu - 1, ...ok);
    let hi = maxMtu + 1;
    for (const s of failed.keys()) if (s > lo && s < hi) hi = s;
    if (announced && announced.mtu + 1 > lo && announced.mtu + 1 < hi) hi = announced.mtu + 1;
    return { lo, hi };
  };

  for (;;) {
    const { lo, hi } = bracket();
    if (hi - lo <= 1 || used >= budget) break;
    const groups = priorsFor({ maxMtu, minMtu }, likely, announced?.mtu);
    const sizes = planRound(lo, hi, budget - used, groups);
    if (sizes.length === 0) break;
    rounds++;
    used += sizes.length;
    const specs = sizes.map((mtu) => ({ target, payload: payloadForMtu(mtu, target), timeoutS }));
    const results = await send(specs);
    let informative = 0;
    for (const p of results) {
      const mtu = mtuForPayload(p.spec.payload, target);
      probes.push({ ...p, round: rounds, mtu });
      const r = p.result;
      switch (r.kind) {
        case 'reply':
          ok.add(mtu);
          informative++;
          break;
        case 'lost':
          failed.set(mtu, 'silent');
          informative++;
          break;
        case 'frag-needed':
          failed.set(mtu, 'icmp');
          // Probes of one round race: the first answered by ICMP fills the route cache, the later ones fail
          // locally with the same MTU. The ICMP answer is the better evidence of the two.
          if (
            r.mtu < mtu &&
            (!announced || r.mtu < announced.mtu || (r.mtu === announced.mtu && announced.source !== 'icmp'))
          ) {
            announced = { mtu: r.mtu, source: 'icmp', from: r.from };
          }
          informative++;
          break;
        case 'too-big-local': {
          const own = options.interfaceMtu !== undefined && r.mtu >= options.interfaceMtu;
          failed.set(mtu, own ? 'interface' : 'route-cache');
          if (!own && r.mtu < mtu && (!announced || r.mtu < announced.mtu)) {
            announced = { mtu: r.mtu, source: 'route-cache' };
          }
          informative++;
          break;
        }
        case 'unreachable':
        case 'error':
          break;
      }
    }
    if (informative === 0) {
      const first = results.find((p) => p.result.kind === 'unreachable' || p.result.kind === 'error')?.result;
      if (first && 'message' in first) notes.push(`round ${rounds}: every ping failed: ${first.message}`);
      break;
    }
  }

  const { lo, hi } = bracket();
  // A reply above a silently lost size means that loss was not about size (random loss): say so.
  for (const [s, fate] of failed) {
    if (fate === 'silent' && s <= lo)
      notes.push(`${s} bytes was lost once although ${lo} bytes got through (packet loss?)`);
  }
  const exact = hi - lo <= 1;
  const firstFailing = hi <= maxMtu ? hi : undefined;
  let fate = firstFailing !== undefined ? failed.get(firstFailing) : undefined;
  if (firstFailing !== undefined && fate === undefined && announced)
    fate = announced.source === 'icmp' ? 'icmp' : 'route-cache';
  const silentLoss = [...failed].some(([s, f]) => f === 'silent' && s > lo);
  const result: PathMtuResult = {
    target,
    status: 'inconclusive',
    exact,
    silentLoss,
    range: { min: minMtu, max: maxMtu },
    rounds,
    probes,
    durationMs: Date.now() - t0,
    summary: '',
    notes,
  };
  if (firstFailing !== undefined) result.firstFailing = firstFailing;
  if (fate !== undefined) result.fate = fate;
  if (announced) result.announced = announced;
  if (lo >= minMtu) {
    result.pathMtu = lo;
    result.status = exact ? 'found' : 'inconclusive';
  } else if (exact) {
    result.status = 'unreachable';
  }
  result.summary = summarize(result);
  return result;
}

function summarize(r: PathMtuResult): string {
  const n = `${r.probes.length} probes in ${r.rounds} round${r.rounds === 1 ? '' : 's'}`;
  if (r.status === 'unreachable') {
    return `no reply even at ${r.range.min} bytes (${r.fate === 'silent' ? 'silently lost' : 'failed'}): the target is unreachable, not an MTU problem (${n})`;
  }
  if (r.pathMtu === undefined) return `path MTU unknown: ${r.notes[0] ?? 'no probe gave an answer'} (${n})`;
  const size = r.exact
    ? `${r.pathMtu}`
    : `at least ${r.pathMtu}${r.firstFailing ? `, below ${r.firstFailing}` : ''}`;
  let how = '';
  switch (r.fate) {
    case undefined:
      how = `the sender's full ${r.range.max} bytes get through`;
      break;
    case 'silent':
      how = 'larger packets are silently lost (no ICMP "fragmentation needed": a blackhole for TCP)';
      break;
    case 'icmp':
      how = `larger packets get ICMP "fragmentation needed" (mtu ${r.announced?.mtu}${r.announced?.from ? ` from ${r.announced.from}` : ''}): PMTUD works`;
      break;
    case 'route-cache':
      how = `the sender's route already carries a learnt path MTU of ${r.announced?.mtu} (an earlier ICMP answer): PMTUD works`;
      break;
    case 'interface':
      how = "the sender's interface MTU is the limit";
      break;
  }
  return `path MTU ${size}: ${how} (${n})`;
}

/** A SendRound that runs each round as one batched exec at a vantage. */
export function sendFrom(vantage: Vantage): SendRound {
  return (specs) => runDfPings(vantage, specs);
}
