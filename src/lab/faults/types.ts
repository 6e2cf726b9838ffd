import type { CauseId } from '../../causes/types.js';
import type { LabModel } from '../model.js';

/**
 * A fault: a change to the lab's objects and/or to the infrastructure under them that reproduces the real
 * symptom of cause `id`. Faults are applied to a copy of the healthy model before the endpoint controller and
 * the renderers run, so what the API shows is what the packets meet.
 */
export interface LabFault {
  id: CauseId;
  /** One line for `lab faults`. */
  summary: string;
  /** The symptom a user sees, for docs and `lab up` output. */
  symptom: string;
  /** Optional variants (`--fault id=variant`), each with a one-line summary. */
  variants?: Record<string, string>;
  apply(model: LabModel, variant: string | undefined): void;
}
