import jsonMergePatch from 'json-merge-patch';
import { canonical } from '../api/kinds/validation.js';
import type { Infra, LabModel } from '../model.js';
import { type LabObjects, labObjectList } from '../objects.js';
import type { FaultChoice } from './index.js';

/** One object a fault changes: the merge patch that makes the change and the one that undoes it. */
export interface ObjectPatch {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  forward: unknown;
  reverse: unknown;
}

/** A fault as the running lab keeps it: what it did to the objects and to the infrastructure. */
export interface FaultRecord {
  spec: string;
  id: string;
  patches: ObjectPatch[];
  /** Merge patches of the infrastructure (Infra), forward and back. */
  infra: { forward: unknown; reverse: unknown } | undefined;
  addedAt: string;
}

interface Wire {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** Objects a fault may change through the API (pods and endpoints are the controllers' to follow). */
const FOLLOWED = new Set(['Pod', 'ReplicaSet', 'EndpointSlice', 'Endpoints']);

function byId(objects: LabObjects): Map<string, Wire> {
  const out = new Map<string, Wire>();
  for (const o of labObjectList(objects).items as Wire[]) {
    if (FOLLOWED.has(o.kind)) continue;
    out.set(
      `${o.apiVersion.split('/').length > 1 ? o.apiVersion.split('/')[0] : ''}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`,
      o,
    );
  }
  return out;
}

/**
 * What a fault changes, worked out on a copy of the lab (its objects and infrastructure) the same way `lab up
 * --fault` applies it to the seed: the objects' changes as merge patches (made through the API, so kubectl can
 * undo them) and the infrastructure's as a merge patch of Infra.
 */
export function faultChanges(model: LabModel, choice: FaultChoice): FaultRecord {
  const before = structuredClone({ objects: model.objects, infra: model.infra });
  const after = structuredClone(before);
  choice.fault.apply({ ...model, objects: after.objects, infra: after.infra }, choice.variant);
  const a = byId(before.objects);
  const b = byId(after.objects);
  const patches: ObjectPatch[] = [];
  for (const [id, next] of b) {
    const prev = a.get(id);
    if (!prev || canonical(prev) === canonical(next)) continue;
    patches.push({
      apiVersion: next.apiVersion,
      kind: next.kind,
      namespace: next.metadata.namespace,
      name: next.metadata.name,
      forward: jsonMergePatch.generate(prev, next),
      reverse: jsonMergePatch.generate(next, prev),
    });
  }
  const infraChanged = canonical(before.infra) !== canonical(after.infra);
  return {
    spec: choice.spec,
    id: choice.fault.id,
    patches,
    infra: infraChanged
      ? {
          forward: jsonMergePatch.generate(before.infra, after.infra),
          reverse: jsonMergePatch.generate(after.infra, before.infra),
        }
      : undefined,
    addedAt: new Date().toISOString(),
  };
}

/** Applies a merge patch to the Infra object in place (closures that hold it see the change). */
export function patchInfra(infra: Infra, patch: unknown): void {
  const next = jsonMergePatch.apply(structuredClone(infra), patch) as Infra;
  for (const k of Object.keys(infra)) delete (infra as unknown as Record<string, unknown>)[k];
  Object.assign(infra, next);
}

/** Does `current` still carry the change `forward` makes? (Applying it again would change nothing.) */
export function stillApplied(current: unknown, forward: unknown): boolean {
  return canonical(jsonMergePatch.apply(structuredClone(current), forward)) === canonical(current);
}
