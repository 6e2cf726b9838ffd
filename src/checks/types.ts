import type { CauseId, Hop } from '../causes/types.js';
import type { ObjectRef } from '../cluster/types.js';
import type { DataPlane, SettingEvidence } from '../dataplane/types.js';
import type { RouteGraph } from '../graph/types.js';

export type Severity = 'error' | 'warning' | 'info';

/** One problem a static check found, as reports carry it. Pure data: checks never print. */
export interface Finding {
  check: string;
  cause: CauseId;
  hop: Hop;
  severity: Severity;
  object: ObjectRef;
  /** "host/path" of the route this concerns, when it concerns one. */
  route?: string;
  message: string;
  /** Why it matters, one or two sentences. */
  why?: string;
  fix: string;
  related?: ObjectRef[];
  /** The data-plane settings that explain it, with where each is set. */
  settings?: SettingEvidence[];
}

/**
 * What a check states about one problem. The runner stamps the check's id and hop on it, and its cause when the
 * check has only one; a check with several causes names the one it found (it must be one of `meta.causes`).
 * Severity defaults to `meta.severity`.
 */
export type CheckFinding = Omit<Finding, 'check' | 'cause' | 'hop' | 'severity'> & {
  cause?: CauseId;
  severity?: Severity;
};

/** Metadata of a check, in the spirit of ESLint's rule `meta`: the README catalog is generated from it. */
export interface CheckMeta {
  id: string;
  hop: Hop;
  causes: CauseId[];
  /** Default severity of its findings. */
  severity: Severity;
  summary: string;
  /** Longer explanation for docs. */
  docs: string;
}

/** What every check reads: the route graph and the data-plane model built on it. */
export interface CheckInput {
  graph: RouteGraph;
  dataplane: DataPlane;
}

export interface Check {
  meta: CheckMeta;
  /** Pure: input in, findings out. */
  run(input: CheckInput): CheckFinding[];
}
