import type { CauseId, Hop } from '../causes/types.js';
import type { ObjectRef } from '../cluster/types.js';
import type { RouteGraph } from '../graph/types.js';

export type Severity = 'error' | 'warning' | 'info';

/** One problem a static check found. Pure data: checks never print. */
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
}

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

export interface Check {
  meta: CheckMeta;
  /** Pure: graph in, findings out. */
  run(graph: RouteGraph): Finding[];
}
