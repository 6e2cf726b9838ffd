/**
 * The one check runner: audit, diagnose and the tests run checks through it. It times each check, stamps its id,
 * hop and cause on every finding, records a check that throws (or states a cause it does not declare) as an
 * error of that check instead of aborting, and reports the same problem once.
 */
import type { Hop } from '../causes/types.js';
import type { ObjectRef } from '../cluster/types.js';
import { buildDataPlane } from '../dataplane/build.js';
import type { DataPlane } from '../dataplane/types.js';
import type { RouteGraph } from '../graph/types.js';
import { CHECKS } from './index.js';
import type { Check, CheckFinding, CheckInput, Finding, Severity } from './types.js';

/** How one check ran. */
export interface CheckRun {
  id: string;
  hop: Hop;
  causes: string[];
  severity: Severity;
  summary: string;
  docs: string;
  findings: number;
  /** Set when the check failed: its message (the check's findings are then missing). */
  error?: string;
  /** The failure's stack, for a bug report (not rendered). */
  stack?: string;
  /** Time the check took, ms. */
  ms: number;
}

export interface CheckResults {
  findings: Finding[];
  runs: CheckRun[];
}

/** A bug in a check, not in the input (e.g. a cause the check does not declare). */
class CheckContractError extends Error {}

function stamp(check: Check, f: CheckFinding): Finding {
  const { meta } = check;
  const cause = f.cause ?? (meta.causes.length === 1 ? meta.causes[0] : undefined);
  if (cause === undefined || !meta.causes.includes(cause)) {
    throw new CheckContractError(
      `check ${meta.id} reported cause ${f.cause ?? '(none)'}, not one of its causes (${meta.causes.join(', ')})`,
    );
  }
  // Built field by field: every finding has the same key order, whichever check made it.
  const out: Finding = {
    check: meta.id,
    cause,
    hop: meta.hop,
    severity: f.severity ?? meta.severity,
    object: f.object,
    message: f.message,
    fix: f.fix,
  };
  if (f.route !== undefined) out.route = f.route;
  if (f.why !== undefined) out.why = f.why;
  if (f.related !== undefined) out.related = f.related;
  if (f.settings !== undefined && f.settings.length > 0) out.settings = f.settings;
  return out;
}

/** What checks read over a graph: the graph and its data-plane model (built here unless the caller has one). */
export function checkInput(graph: RouteGraph, dataplane: DataPlane = buildDataPlane(graph)): CheckInput {
  return { graph, dataplane };
}

export function runChecks(
  input: CheckInput,
  checks: readonly Check[] = CHECKS,
  now: () => number = Date.now,
): CheckResults {
  const findings: Finding[] = [];
  const runs: CheckRun[] = [];
  for (const check of checks) {
    const { meta } = check;
    const started = now();
    let found: Finding[] = [];
    let failure: Error | undefined;
    try {
      found = check.run(input).map((f) => stamp(check, f));
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      found = [];
    }
    const run: CheckRun = {
      id: meta.id,
      hop: meta.hop,
      causes: [...meta.causes],
      severity: meta.severity,
      summary: meta.summary,
      docs: meta.docs,
      findings: found.length,
      ms: now() - started,
    };
    if (failure) {
      run.error = failure.message;
      if (failure.stack) run.stack = failure.stack;
    }
    runs.push(run);
    findings.push(...found);
  }
  return { findings: dedupeFindings(findings), runs };
}

/** The checks that failed, as "check: message" lines for a report's warnings. */
export function checkErrors(runs: readonly CheckRun[]): { check: string; error: string }[] {
  return runs.flatMap((r) => (r.error !== undefined ? [{ check: r.id, error: r.error }] : []));
}

function refKey(r: ObjectRef): string {
  return `${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

/** The same problem reported twice (e.g. two routes sharing a backend) is one finding. */
export function dedupeFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const k = `${f.check}\u0000${f.cause}\u0000${refKey(f.object)}\u0000${f.route ?? ''}\u0000${f.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out;
}
