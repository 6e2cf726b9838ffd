import { CAUSES } from '../causes/catalog.js';
import type { CauseId } from '../causes/types.js';
import { PHASES } from '../protocol/phases/index.js';
import type { PhaseResult } from '../protocol/types.js';

/** The explanation lines for one phase result (from its phase definition): what it does, then what its outcome means. */
export function explainPhase(phase: PhaseResult): string[] {
  const def = PHASES.find((p) => p.id === phase.id);
  if (!def) return [];
  const e = def.explain;
  const outcome =
    phase.status === 'pass'
      ? e.ifPass
      : phase.status === 'fail'
        ? e.ifFail
        : phase.status === 'skipped'
          ? e.ifSkipped
          : `Inconclusive: neither a pass nor a clear failure. If it had passed: ${e.ifPass}`;
  return [e.does, outcome];
}

/** The one-paragraph method, printed once above the phases with --explain. */
export const METHOD =
  'Ingress is five networks pretending to be one. Each phase tests from a different place and ' +
  'eliminates part of the path; the verdict names the first hop that breaks.';

/** The catalog's title of a cause, for readers who do not know the ids; undefined for an unknown id. */
export function causeTitle(id: string | undefined): string | undefined {
  if (id === undefined || !Object.hasOwn(CAUSES, id)) return undefined;
  return CAUSES[id as CauseId].title;
}
