import { selectorMatches } from '../../endpoints.js';
import { defaultPodSpec, validatePodSpec } from './pod.js';
import type { KindStrategy } from './types.js';
import {
  type Cause,
  canonical,
  immutable,
  invalidValue,
  isObj,
  labelSelector,
  labels,
  nonNegative,
  type Obj,
  objAt,
  oneOf,
  required,
} from './validation.js';

/** Selector and template checks every workload shares (ValidatePodTemplateSpecForReplicaSet and friends). */
function validateWorkload(obj: Obj, old: Obj | undefined): Cause[] {
  const spec = isObj(obj.spec) ? obj.spec : {};
  const out: Cause[] = [];
  out.push(...nonNegative('spec.replicas', spec.replicas));
  const sel = spec.selector;
  const template = isObj(spec.template) ? spec.template : undefined;
  const tmplLabels = (isObj(template?.metadata) ? (template?.metadata as Obj).labels : undefined) as
    | Record<string, string>
    | undefined;
  if (!isObj(sel)) out.push(required('spec.selector'));
  else {
    out.push(...labelSelector('spec.selector', sel));
    const empty =
      Object.keys((sel.matchLabels as Obj) ?? {}).length === 0 &&
      !(sel.matchExpressions as unknown[])?.length;
    if (empty) out.push(invalidValue('spec.selector', sel, 'empty selector is invalid for deployment'));
    else if (!selectorMatches(sel as never, tmplLabels))
      out.push(
        invalidValue(
          'spec.template.metadata.labels',
          tmplLabels ?? {},
          '`selector` does not match template `labels`',
        ),
      );
  }
  if (!template) out.push(required('spec.template'));
  else {
    out.push(...labels('spec.template.metadata.labels', tmplLabels));
    out.push(...validatePodSpec('spec.template.spec', template.spec));
    const rp = isObj(template.spec) ? template.spec.restartPolicy : undefined;
    if (rp !== undefined && rp !== 'Always' && obj.kind !== 'Job')
      out.push({
        field: 'spec.template.spec.restartPolicy',
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: "${rp}": supported values: "Always"`,
      });
  }
  // apps/v1 selectors never change after creation.
  const oldSel = old && isObj(old.spec) ? old.spec.selector : undefined;
  if (old && oldSel !== undefined && canonical(oldSel) !== canonical(sel))
    out.push(immutable('spec.selector', sel));
  return out;
}

function defaultTemplate(obj: Obj): void {
  const spec = isObj(obj.spec) ? obj.spec : undefined;
  if (spec && isObj(spec.template)) defaultPodSpec(spec.template.spec);
}

export const deploymentStrategy: KindStrategy = {
  statusSubresource: true,
  generation: true,
  scale: true,
  name: 'subdomain',
  initialStatus: () => ({}),
  defaults(obj) {
    const spec = objAt(obj, 'spec');
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    const strategy = objAt(spec, 'strategy');
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      const ru = objAt(strategy, 'rollingUpdate');
      ru.maxSurge ??= '25%';
      ru.maxUnavailable ??= '25%';
    }
    defaultTemplate(obj);
  },
  validate(obj, old) {
    const out = validateWorkload(obj, old);
    const strategy = isObj(obj.spec) && isObj(obj.spec.strategy) ? obj.spec.strategy : {};
    out.push(...oneOf('spec.strategy.type', strategy.type, ['Recreate', 'RollingUpdate']));
    if (strategy.type === 'Recreate' && strategy.rollingUpdate)
      out.push({
        field: 'spec.strategy.rollingUpdate',
        reason: 'FieldValueForbidden',
        message: "Forbidden: may not be specified when strategy `type` is 'Recreate'",
      });
    return out;
  },
};

export const replicaSetStrategy: KindStrategy = {
  statusSubresource: true,
  generation: true,
  scale: true,
  name: 'subdomain',
  initialStatus: () => ({ replicas: 0 }),
  defaults(obj) {
    const spec = objAt(obj, 'spec');
    spec.replicas ??= 1;
    defaultTemplate(obj);
  },
  validate: validateWorkload,
};

export const statefulSetStrategy: KindStrategy = {
  statusSubresource: true,
  generation: true,
  scale: true,
  name: 'subdomain',
  initialStatus: () => ({ replicas: 0, availableReplicas: 0 }),
  defaults(obj) {
    const spec = objAt(obj, 'spec');
    spec.replicas ??= 1;
    spec.podManagementPolicy ??= 'OrderedReady';
    spec.revisionHistoryLimit ??= 10;
    spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
    spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
    defaultTemplate(obj);
  },
  validate: validateWorkload,
};

export const daemonSetStrategy: KindStrategy = {
  statusSubresource: true,
  generation: true,
  name: 'subdomain',
  initialStatus: () => ({
    currentNumberScheduled: 0,
    desiredNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
  }),
  defaults(obj) {
    const spec = objAt(obj, 'spec');
    spec.revisionHistoryLimit ??= 10;
    spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
    defaultTemplate(obj);
  },
  validate: (obj, old) =>
    validateWorkload({ ...obj, spec: { ...(obj.spec as Obj), replicas: undefined } }, old),
};
