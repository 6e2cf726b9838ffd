import { randomBytes } from 'node:crypto';
import type { Finding } from '../checks/types.js';
import { batchScript, parseBatch } from '../probes/batch.js';
import { parseProbe } from '../probes/parse.js';
import { shellJoin } from '../probes/shell.js';
import type { ProbeData } from '../probes/types.js';
import { vantageId } from '../probes/types.js';
import { type ExecResult, type Vantage, type VantageProvider, VantageUnavailable } from '../vantage/types.js';
import type { PhaseObservations, Vantages } from './phase.js';
import { PHASES } from './phases/index.js';
import { ProbeSet } from './probe-set.js';
import type {
  HopReport,
  PhaseId,
  PhaseResult,
  ProbeRecord,
  ProbeSpec,
  RouteFacts,
  Signal,
  Verdict,
} from './types.js';
import { decide } from './verdict.js';

export { PHASES };

export interface RunOptions {
  facts: RouteFacts;
  findings: Finding[];
  provider: VantageProvider;
  /** false (--no-probe-pods): no pod/node vantages; the report says what that leaves out. */
  probePods: boolean;
  /** Why probe pods are off, for the report. */
  probePodsOffReason?: string;
  /** At most this many node (hostNetwork) vantages: keeps the API request budget independent of cluster size. */
  maxNodeVantages?: number;
  /** Called as each phase is judged (progress on a TTY). */
  onPhase?: (p: PhaseResult) => void;
}

export interface RunResult {
  phases: PhaseResult[];
  probes: ProbeRecord[];
  signals: Signal[];
  verdict: Verdict;
  hops: HopReport[];
  vantages: Vantages;
  /** ms spent creating probe pods (until Running) and running every probe. */
  timings: { vantagesMs: number; probesMs: number };
}

/** Where the vantages go: the probe pod on a backend's node away from the controller, node pods where the controller and endpoints run. */
export function chooseVantages(
  f: RouteFacts,
  maxNodes: number,
): { pod?: string; nodes: string[]; notCovered: string[] } {
  const names = f.nodes.map((n) => n.name);
  if (names.length === 0) return { nodes: [], notCovered: [] };
  const epNodes = f.endpoints.map((e) => e.nodeName).filter((n): n is string => !!n);
  const podNodes = f.pods.map((p) => p.nodeName).filter((n): n is string => !!n);
  const backendNodes = [...epNodes, ...podNodes];
  const ctlNodes = (f.controller?.podIPs ?? []).map((c) => c.nodeName).filter((n): n is string => !!n);
  // On a backend's node but away from the controller: pings to the controller pod cross the overlay
  // exactly where controller ↔ backend traffic does.
  const pod =
    backendNodes.find((n) => names.includes(n) && !ctlNodes.includes(n)) ??
    names.find((n) => !ctlNodes.includes(n)) ??
    names.find((n) => n !== backendNodes[0]) ??
    names[0];
  const order = [...new Set([...ctlNodes, ...epNodes, ...names])].filter((n) => names.includes(n));
  const nodes = order.slice(0, maxNodes);
  return { pod, nodes, notCovered: order.slice(maxNodes) };
}

/** What every record of a probe says about the probe itself, run or not. */
function probeHeader(
  spec: ProbeSpec,
): Pick<ProbeRecord, 'id' | 'phase' | 'kind' | 'vantage' | 'target' | 'command'> {
  return {
    id: spec.id,
    phase: spec.phase,
    kind: spec.kind,
    vantage: vantageId(spec.vantage),
    target: spec.target,
    command: shellJoin(spec.argv),
  };
}

function record(spec: ProbeSpec, out: ExecResult): ProbeRecord {
  const parsed = parseProbe(spec.parser, out);
  const d: ProbeData = parsed.data;
  const durationMs = d.kind === 'http' && d.timings.totalMs > 0 ? d.timings.totalMs : out.durationMs;
  return {
    ...probeHeader(spec),
    ok: parsed.ok,
    summary: parsed.summary,
    durationMs,
    data: d as unknown as Record<string, unknown>,
  };
}

function unavailableRecord(spec: ProbeSpec, why: string): ProbeRecord {
  return {
    ...probeHeader(spec),
    ok: false,
    summary: `not run: ${why}`,
    durationMs: 0,
    data: { kind: 'text', value: '', error: why },
  };
}

/** Run probes at one vantage: locally one process each (concurrently); in a pod ONE exec of a batch script. */
export async function runAtVantage(vantage: Vantage, specs: ProbeSpec[]): Promise<ProbeRecord[]> {
  if (specs.length === 0) return [];
  if (vantage.kind === 'local') {
    return Promise.all(
      specs.map(async (s) => record(s, await vantage.exec(s.argv, { timeoutMs: s.timeoutMs }))),
    );
  }
  if (vantage.execMany) {
    const outs = await vantage.execMany(specs.map((s) => ({ argv: s.argv, timeoutMs: s.timeoutMs })));
    return specs.map((s, i) => {
      const out = outs[i];
      return out ? record(s, out) : unavailableRecord(s, 'no result');
    });
  }
  const nonce = randomBytes(6).toString('hex');
  const items = specs.map((s) => ({ argv: s.argv, timeoutS: s.timeoutMs / 1000 }));
  const longest = Math.max(...specs.map((s) => s.timeoutMs));
  const out = await vantage.exec(['sh', '-c', batchScript(items, nonce)], { timeoutMs: longest + 5000 });
  if (out.startError) return specs.map((s) => unavailableRecord(s, out.startError ?? 'exec failed'));
  const parts = parseBatch(out.stdout, specs.length, nonce);
  return specs.map((s, i) => {
    const p = parts[i];
    if (!p || p.missing) {
      return unavailableRecord(
        s,
        out.timedOut
          ? `the probe batch timed out after ${out.durationMs} ms`
          : `no output (exit ${out.exitCode}: ${out.stderr.trim().slice(0, 200)})`,
      );
    }
    return record(s, {
      exitCode: p.exitCode,
      stdout: p.stdout,
      stderr: p.stderr,
      durationMs: out.durationMs,
      timedOut: false,
    });
  });
}

export async function runDiagnosis(o: RunOptions): Promise<RunResult> {
  const f = o.facts;
  const chosen = o.probePods ? chooseVantages(f, o.maxNodeVantages ?? 2) : { nodes: [], notCovered: [] };
  const vantages: Vantages = { nodes: [...chosen.nodes] };
  if (chosen.pod) vantages.pod = chosen.pod;
  if (chosen.notCovered.length) vantages.nodesNotCovered = chosen.notCovered;
  if (!o.probePods) vantages.unavailable = o.probePodsOffReason ?? 'probe pods disabled (--no-probe-pods)';

  // Plan everything against the intended vantages; probes at a vantage that fails are dropped below.
  const specs = PHASES.flatMap((p) => p.plan(f, vantages));
  const local = specs.filter((s) => s.vantage.kind === 'local');
  const remote = specs.filter((s) => s.vantage.kind !== 'local');

  const t0 = Date.now();
  let vantagesMs = 0;
  const localRun = runAtVantage(o.provider.local(), local);
  const remoteRun = (async (): Promise<ProbeRecord[]> => {
    if (remote.length === 0) return [];
    const failed = new Map<string, string>();
    if (o.provider.prepare) {
      const res = await o.provider.prepare({
        pods: vantages.pod ? [vantages.pod] : [],
        nodes: vantages.nodes,
      });
      for (const x of res.failed) failed.set(`${x.kind}@${x.node}`, x.error.message);
      vantagesMs = Date.now() - t0;
    }
    const byVantage = new Map<string, ProbeSpec[]>();
    for (const s of remote) {
      const id = vantageId(s.vantage);
      byVantage.set(id, [...(byVantage.get(id) ?? []), s]);
    }
    const results = await Promise.all(
      [...byVantage.entries()].map(async ([id, group]): Promise<ProbeRecord[]> => {
        const v = group[0]?.vantage;
        if (!v || v.kind === 'local') return [];
        const why = failed.get(id);
        if (why) return group.map((s) => unavailableRecord(s, why));
        try {
          const vantage = v.kind === 'pod' ? await o.provider.pod(v.node) : await o.provider.node(v.node);
          return await runAtVantage(vantage, group);
        } catch (err) {
          const msg =
            err instanceof VantageUnavailable ? err.message : `vantage ${id}: ${(err as Error).message}`;
          failed.set(id, msg);
          return group.map((s) => unavailableRecord(s, msg));
        }
      }),
    );
    // A vantage that could not be created leaves its phases unproven rather than failed.
    if (vantages.pod && failed.has(`pod@${vantages.pod}`)) {
      vantages.unavailable = failed.get(`pod@${vantages.pod}`);
      delete vantages.pod;
    }
    const lost = vantages.nodes.filter((n) => failed.has(`node@${n}`));
    if (lost.length) {
      vantages.unavailable ??= failed.get(`node@${lost[0]}`);
      vantages.nodes = vantages.nodes.filter((n) => !lost.includes(n));
      vantages.nodesNotCovered = [...(vantages.nodesNotCovered ?? []), ...lost];
    }
    return results.flat().filter((r) => !r.id || !failed.has(r.vantage));
  })();

  const [localRecords, remoteRecords] = await Promise.all([localRun, remoteRun]);
  const probesMs = Date.now() - t0;
  const apiRecords = PHASES.flatMap((p) => p.apiEvidence?.(f) ?? []);
  const probes = [...apiRecords, ...localRecords, ...remoteRecords].sort(
    (a, b) => phaseOrder(a.phase) - phaseOrder(b.phase) || a.id.localeCompare(b.id),
  );
  const judged = judgeAll({
    facts: f,
    probes,
    vantages,
    findings: o.findings,
    ...(o.onPhase ? { onPhase: o.onPhase } : {}),
  });
  return { ...judged, probes, vantages, timings: { vantagesMs, probesMs } };
}

/**
 * Judge every phase and decide, from facts and probe records alone: the live run and the replay of a
 * recorded diagnosis (tests, `--from-json` style tooling) share this.
 */
export function judgeAll(o: {
  facts: RouteFacts;
  probes: ProbeRecord[];
  vantages: Vantages;
  findings: Finding[];
  onPhase?: (p: PhaseResult) => void;
}): { phases: PhaseResult[]; signals: Signal[]; verdict: Verdict; hops: HopReport[] } {
  const observed: Partial<PhaseObservations> = {};
  const input = {
    facts: o.facts,
    probes: new ProbeSet(o.probes),
    vantages: o.vantages,
    findings: o.findings,
    observed,
  };
  const phases: PhaseResult[] = [];
  const signals: Signal[] = [];
  for (const p of PHASES) {
    const j = p.judge(input);
    // Later phases and the verdict read what this one saw; phases are judged in their order.
    (observed as Record<string, unknown>)[p.id] = j.observations;
    const mine = o.probes.filter((r) => r.phase === p.id);
    const result: PhaseResult = {
      id: p.id,
      number: p.number,
      title: p.title,
      proves: p.proves,
      status: j.status,
      summary: j.summary,
      probeIds: mine.map((r) => r.id),
      durationMs: mine.reduce((m, r) => Math.max(m, r.durationMs), 0),
    };
    if (j.skippedReason) result.skippedReason = j.skippedReason;
    phases.push(result);
    signals.push(...j.signals);
    o.onPhase?.(result);
  }
  const { verdict, hops } = decide({ ...input, phases, signals });
  return { phases, signals, verdict, hops };
}

/** The vantages a recorded diagnosis had, read back from its probes' vantage ids. */
export function vantagesOf(probes: readonly ProbeRecord[]): Vantages {
  const v: Vantages = { nodes: [] };
  for (const p of probes) {
    const [kind, node] = p.vantage.split('@');
    if (!node) continue;
    if (kind === 'pod') v.pod = node;
    if (kind === 'node' && !v.nodes.includes(node)) v.nodes.push(node);
  }
  return v;
}

function phaseOrder(p: PhaseId): number {
  return PHASES.findIndex((x) => x.id === p);
}
