import { CAUSES } from '../causes/catalog.js';
import { CAUSE_IDS, type CauseId, HOP_NAMES, type Hop } from '../causes/types.js';
import type { Finding } from '../checks/types.js';
import type { JudgeInput } from './phase.js';
import { sameAsApp } from './phases/cluster.js';
import { PHASES } from './phases/index.js';
import { answered } from './probe-set.js';
import type { HopReport, PhaseResult, RouteFacts, Signal, Verdict } from './types.js';

/**
 * The verdict: a pure function of the phases' signals, the static findings and the route facts.
 * Rule: the first failing hop wins, but direct evidence beats inference (a full conntrack table explains
 * LB failures better than "the LB cannot reach the NodePort"). Everything else goes into also[].
 */

export interface VerdictInput extends JudgeInput {
  phases: PhaseResult[];
  signals: Signal[];
}

/** Causes a static finding may explain a live failure with (the rest are hardening advice). */
const LIVE_CAUSES = new Set<CauseId>([
  'health-check-path-mismatch',
  'host-rule-mismatch',
  'service-not-found',
  'service-port-not-found',
  'no-endpoints',
  'target-port-mismatch',
  'network-policy-blocked',
  'backend-protocol-mismatch',
  'proxy-timeout',
  'upstream-header-too-big',
  'mtu-blackhole',
  'ingress-class-missing',
  'externalname-backend',
]);

function causeRank(c: CauseId | undefined): number {
  return c ? CAUSE_IDS.indexOf(c) : CAUSE_IDS.length;
}

/** Same cause (or same hop and text for cause-less signals) → one signal; direct if any was direct. */
export function mergeSignals(signals: Signal[]): Signal[] {
  const out: Signal[] = [];
  for (const s of signals) {
    const same = out.find((o) =>
      s.cause ? o.cause === s.cause : !o.cause && o.hop === s.hop && o.summary === s.summary,
    );
    if (!same) {
      out.push({ ...s, evidence: [...s.evidence], ...(s.settings ? { settings: [...s.settings] } : {}) });
      continue;
    }
    for (const e of s.evidence) if (!same.evidence.includes(e)) same.evidence.push(e);
    for (const x of s.settings ?? []) {
      if (!(same.settings ?? []).some((y) => y.setting === x.setting && y.from === x.from))
        same.settings = [...(same.settings ?? []), x];
    }
    if (s.direct && !same.direct) {
      same.direct = true;
      same.summary = s.summary;
      same.hop = s.hop;
    }
  }
  return out;
}

function hopOf(s: Signal): Hop {
  return s.cause && CAUSES[s.cause] ? CAUSES[s.cause].hop : s.hop;
}

function bySeverity(a: Signal, b: Signal): number {
  return hopOf(a) - hopOf(b) || causeRank(a.cause) - causeRank(b.cause);
}

/** Static findings that may explain a symptom the probes saw but could not pin (inferred, medium). */
export function findingSignals(findings: Finding[]): Signal[] {
  return findings
    .filter((f) => f.severity === 'error' && LIVE_CAUSES.has(f.cause))
    .map((f) => ({
      cause: f.cause,
      hop: f.hop,
      direct: false,
      evidence: [`finding:${f.check}`],
      summary: f.message,
      ...(f.settings && f.settings.length > 0 ? { settings: f.settings } : {}),
    }));
}

/** Fill a catalog text's <placeholders> with the route's names; unknown ones stay as placeholders. */
export function fillPlaceholders(text: string, f: RouteFacts): string {
  const node = f.nodes.find((n) => n.ip);
  const ep = f.endpoints.find((e) => e.ready) ?? f.endpoints[0];
  const pod = f.pods.find((p) => p.ip);
  const c = f.controller;
  const values: Record<string, string | undefined> = {
    namespace: f.backend?.namespace ?? f.route?.ref.namespace,
    service: f.backend?.service,
    ingress: f.route?.ref.kind === 'Ingress' ? f.route.ref.name : undefined,
    route: f.route ? `${f.route.ref.kind.toLowerCase()}/${f.route.ref.name}` : undefined,
    host: f.target.host ?? f.route?.host,
    path: f.target.path,
    'large-path': f.target.path.replace(/^\//, ''),
    'lb-address': c?.lbAddress,
    'node-ip': node?.ip,
    node: node?.name,
    'node-port': c?.nodePort !== undefined ? String(c.nodePort) : undefined,
    'pod-ip': ep?.ip ?? pod?.ip,
    pod: ep?.podName ?? pod?.name,
    port: f.backend?.servicePortNumber !== undefined ? String(f.backend.servicePortNumber) : undefined,
    'target-port': ep?.port !== undefined ? String(ep.port) : f.backend?.targetPort?.toString(),
    'controller-namespace': c?.ref.namespace,
  };
  return text.replace(/<([a-z-]+)>/g, (m, k: string) => values[k] ?? m);
}

/** What the user got: the URL as fetched, else the LB with the Host header. */
function userAnswer(input: JudgeInput) {
  return input.observed.internet?.url ?? input.observed.loadbalancer?.withHost;
}

export function decide(input: VerdictInput): { verdict: Verdict; hops: HopReport[] } {
  const { facts: f, phases } = input;
  let signals = mergeSignals(input.signals).sort(bySeverity);
  const unproven = phases
    .filter((p) => p.status === 'skipped' && p.skippedReason)
    .map((p) => `phase ${p.number} (${p.title}): ${p.skippedReason}`);

  const userSeen = userAnswer(input);
  const user = userSeen?.r;
  const cluster = input.observed.cluster;
  const userFailed = !!user && (!answered(user) || (user.status >= 500 && !sameAsApp(cluster, user)));
  const direct = signals.filter((s) => s.direct);
  // Static findings only explain a symptom nothing measured explains.
  if (direct.length === 0 && userFailed)
    signals = mergeSignals([...signals, ...findingSignals(input.findings)]).sort(bySeverity);

  const primary = direct.sort(bySeverity)[0] ?? signals[0];
  const base = { confirm: [] as string[], evidence: [] as string[], also: [] as Verdict['also'], unproven };
  let verdict: Verdict;
  if (primary) {
    const cause = primary.cause ? CAUSES[primary.cause] : undefined;
    const hop = hopOf(primary);
    verdict = {
      ...base,
      status: 'broken',
      hop,
      confidence: primary.direct ? 'high' : userFailed ? 'medium' : 'low',
      summary: `Hop ${hop} (${HOP_NAMES[hop]}) breaks: ${primary.summary}.`,
      evidence: primary.evidence,
      also: signals
        .filter((s) => s !== primary && s.cause !== primary.cause)
        .filter((s): s is Signal & { cause: CauseId } => !!s.cause)
        .map((s) => ({ cause: s.cause, hop: hopOf(s), summary: s.summary })),
    };
    if (primary.cause) verdict.cause = primary.cause;
    if (primary.settings && primary.settings.length > 0) verdict.settings = primary.settings;
    if (cause) {
      verdict.fix = fillPlaceholders(cause.fix, f);
      verdict.confirm = cause.confirm.map((c) => fillPlaceholders(c, f));
    }
  } else if (!user) {
    verdict = {
      ...base,
      status: 'inconclusive',
      summary:
        'Nothing could be measured from here to the route (no load balancer address or host to request).',
    };
  } else if (userFailed) {
    verdict = {
      ...base,
      status: 'inconclusive',
      summary: `The URL answers ${answered(user) ? `HTTP ${user.status}` : user.outcome}, but no probe shows where it breaks.`,
      evidence: [input.observed.internet?.url?.id, input.observed.loadbalancer?.withHost?.id].filter(
        (id): id is string => id !== undefined,
      ),
    };
  } else {
    verdict = {
      ...base,
      status: 'healthy',
      summary: `The path is healthy: the URL answers HTTP ${user.status}.`,
      evidence: input.probes.records.filter((r) => r.ok).map((r) => r.id),
    };
    if (user.status >= 400) {
      const same = sameAsApp(cluster, user);
      verdict.applicationAnswer = {
        status: user.status,
        summary: same
          ? `the application itself answers HTTP ${user.status} for ${f.target.path} (the same directly at its endpoint): not a network fault`
          : `HTTP ${user.status} through a healthy path (the endpoint's direct answer was not measured)`,
      };
      verdict.summary = `The path is healthy; the application answers HTTP ${user.status} for ${f.target.path}.`;
    }
  }
  return { verdict, hops: hopReports(input, verdict, signals) };
}

/** The hop table: each phase says whether the hops it clears were tested; a hop with a signal failed. */
function hopReports(input: VerdictInput, v: Verdict, signals: Signal[]): HopReport[] {
  const failed = new Set<Hop>([...(v.hop ? [v.hop] : []), ...v.also.map((a) => a.hop)]);
  for (const s of signals) failed.add(hopOf(s));
  const evidence = new Map<Hop, { tested: boolean; note?: string }>();
  for (const p of PHASES) {
    const result = input.phases.find((r) => r.id === p.id);
    const e = result ? p.hop(result, input.observed) : { tested: false };
    for (const hop of p.clears) evidence.set(hop, e);
  }
  return ([1, 2, 3, 4, 5] as Hop[]).map((hop) => {
    const fail = failed.has(hop);
    const e = evidence.get(hop) ?? { tested: false };
    const status = fail ? 'fail' : e.tested ? 'pass' : 'not-tested';
    const note = fail ? (signals.find((s) => hopOf(s) === hop)?.summary ?? e.note) : e.note;
    const r: HopReport = { hop, name: HOP_NAMES[hop], status };
    if (note) r.note = note;
    return r;
  });
}
