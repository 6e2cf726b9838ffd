// The generated models only (not the whole client: its API classes and auth plugins cost start-up time).
import * as models from '@kubernetes/client-node/dist/gen/models/all.js';

/**
 * The structure of the built-in kinds, read from @kubernetes/client-node's generated models (their
 * attributeTypeMap is the Kubernetes OpenAPI schema, field by field), plus what the generator drops: the
 * strategic-merge-patch metadata (`patchStrategy` / `patchMergeKey` struct tags of k8s.io/api). Used for strict
 * field validation (unknown fields, wrong JSON types) and by the strategic merge patch.
 */

interface Attribute {
  name: string;
  baseName: string;
  type: string;
}

type ModelClass = { getAttributeTypeMap?: () => Attribute[] };

/** A field's type as the models spell it: `V1PodSpec`, `Array<V1Container>`, `{ [key: string]: string; }`, … */
export type TypeName = string;

const CLASSES = models as unknown as Record<string, ModelClass | undefined>;

/** The model class of each built-in kind the lab serves (custom resources have none: no strict schema here). */
export const KIND_TYPES: Record<string, TypeName> = {
  Namespace: 'V1Namespace',
  Node: 'V1Node',
  Pod: 'V1Pod',
  Service: 'V1Service',
  Endpoints: 'V1Endpoints',
  ConfigMap: 'V1ConfigMap',
  Secret: 'V1Secret',
  ServiceAccount: 'V1ServiceAccount',
  Event: 'CoreV1Event',
  EndpointSlice: 'V1EndpointSlice',
  Ingress: 'V1Ingress',
  IngressClass: 'V1IngressClass',
  NetworkPolicy: 'V1NetworkPolicy',
  Deployment: 'V1Deployment',
  StatefulSet: 'V1StatefulSet',
  DaemonSet: 'V1DaemonSet',
  ReplicaSet: 'V1ReplicaSet',
  PodDisruptionBudget: 'V1PodDisruptionBudget',
  Lease: 'V1Lease',
  Scale: 'V1Scale',
};

const fieldCache = new Map<TypeName, Map<string, TypeName> | undefined>();

/** The fields of a struct type by wire name, or undefined when the type is not a struct. */
export function structFields(type: TypeName): Map<string, TypeName> | undefined {
  if (fieldCache.has(type)) return fieldCache.get(type);
  const cls = CLASSES[type];
  const attrs = typeof cls?.getAttributeTypeMap === 'function' ? cls.getAttributeTypeMap() : undefined;
  const fields = attrs ? new Map(attrs.map((a) => [a.baseName, a.type])) : undefined;
  fieldCache.set(type, fields);
  return fields;
}

export function elementType(type: TypeName): TypeName | undefined {
  return /^Array<(.+)>$/.exec(type)?.[1];
}

export function mapValueType(type: TypeName): TypeName | undefined {
  return /^\{ \[key: string\]: (.+); \}$/.exec(type)?.[1];
}

/** The type of `field` inside `type` (struct field or map value), or undefined when unknown. */
export function childType(type: TypeName | undefined, field: string): TypeName | undefined {
  if (!type) return undefined;
  const map = mapValueType(type);
  if (map) return map;
  return structFields(type)?.get(field);
}

export interface PatchMeta {
  /** `merge` merges lists by key (or as a set for primitives); `retainKeys` clears union members not patched. */
  strategy: ('merge' | 'retainKeys')[];
  key?: string;
}

/**
 * `patchStrategy`/`patchMergeKey` tags of k8s.io/api (core/v1, apps/v1, policy/v1, meta/v1) for the fields of the
 * kinds the lab serves. Lists not named here are atomic (replaced by a patch), as in the real API.
 */
const PATCH_META: Record<string, PatchMeta> = {
  'V1ObjectMeta.finalizers': { strategy: ['merge'] },
  'V1ObjectMeta.ownerReferences': { strategy: ['merge'], key: 'uid' },
  'V1PodSpec.volumes': { strategy: ['merge', 'retainKeys'], key: 'name' },
  'V1PodSpec.initContainers': { strategy: ['merge'], key: 'name' },
  'V1PodSpec.containers': { strategy: ['merge'], key: 'name' },
  'V1PodSpec.ephemeralContainers': { strategy: ['merge'], key: 'name' },
  'V1PodSpec.imagePullSecrets': { strategy: ['merge'], key: 'name' },
  'V1PodSpec.hostAliases': { strategy: ['merge'], key: 'ip' },
  'V1PodSpec.topologySpreadConstraints': { strategy: ['merge'], key: 'topologyKey' },
  'V1PodSpec.resourceClaims': { strategy: ['merge', 'retainKeys'], key: 'name' },
  'V1PodSpec.schedulingGates': { strategy: ['merge'], key: 'name' },
  'V1Container.ports': { strategy: ['merge'], key: 'containerPort' },
  'V1Container.env': { strategy: ['merge'], key: 'name' },
  'V1Container.volumeMounts': { strategy: ['merge'], key: 'mountPath' },
  'V1Container.volumeDevices': { strategy: ['merge'], key: 'devicePath' },
  'V1EphemeralContainer.ports': { strategy: ['merge'], key: 'containerPort' },
  'V1EphemeralContainer.env': { strategy: ['merge'], key: 'name' },
  'V1EphemeralContainer.volumeMounts': { strategy: ['merge'], key: 'mountPath' },
  'V1EphemeralContainer.volumeDevices': { strategy: ['merge'], key: 'devicePath' },
  'V1PodStatus.conditions': { strategy: ['merge'], key: 'type' },
  'V1PodStatus.podIPs': { strategy: ['merge'], key: 'ip' },
  'V1PodStatus.hostIPs': { strategy: ['merge'], key: 'ip' },
  'V1PodStatus.resourceClaimStatuses': { strategy: ['merge', 'retainKeys'], key: 'name' },
  'V1ServiceSpec.ports': { strategy: ['merge'], key: 'port' },
  'V1ServiceStatus.conditions': { strategy: ['merge'], key: 'type' },
  'V1DeploymentSpec.strategy': { strategy: ['retainKeys'] },
  'V1DeploymentStatus.conditions': { strategy: ['merge'], key: 'type' },
  'V1ReplicaSetStatus.conditions': { strategy: ['merge'], key: 'type' },
  'V1StatefulSetStatus.conditions': { strategy: ['merge'], key: 'type' },
  'V1DaemonSetStatus.conditions': { strategy: ['merge'], key: 'type' },
  'V1NodeSpec.podCIDRs': { strategy: ['merge'] },
  'V1NodeStatus.conditions': { strategy: ['merge'], key: 'type' },
  'V1NodeStatus.addresses': { strategy: ['merge'], key: 'type' },
  'V1NamespaceStatus.conditions': { strategy: ['merge'], key: 'type' },
  'V1PodDisruptionBudgetStatus.conditions': { strategy: ['merge'], key: 'type' },
};

export function patchMeta(type: TypeName | undefined, field: string): PatchMeta | undefined {
  return type ? PATCH_META[`${type}.${field}`] : undefined;
}

/** A field-validation finding, with the path the way the real API prints it (`spec.containers[0].imag`). */
export interface FieldProblem {
  path: string;
  kind: 'unknown' | 'type';
  /** For type errors: what the schema wants (`int32`, `string`, …) and what came. */
  want?: string;
  got?: string;
  /** The Go struct the field belongs to, for the real API's "Go struct field X.y" wording. */
  struct?: string;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function goType(type: TypeName): string {
  if (type === 'number') return 'int32';
  if (type === 'Array<string>') return '[]string';
  if (elementType(type)) return `[]${goType(elementType(type) as string)}`;
  if (mapValueType(type)) return `map[string]${goType(mapValueType(type) as string)}`;
  return type.replace(/^V1/, 'v1.');
}

/**
 * Walks `value` against `type`: unknown fields and wrong JSON types (a string where an int32 belongs, an object
 * where a list belongs), the checks a real API server's strict decoder makes. Unknown types are not checked.
 */
export function checkFields(value: unknown, type: TypeName, path = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  walk(value, type, path, out, undefined);
  return out;
}

function walk(value: unknown, type: TypeName, path: string, out: FieldProblem[], struct?: string): void {
  if (value === null || value === undefined) return;
  const got = jsonType(value);
  const bad = (want: string): void => {
    out.push({ path, kind: 'type', want, got, struct });
  };
  if (type === 'string' || type === 'Date') {
    if (got !== 'string') bad('string');
    return;
  }
  if (type === 'number') {
    if (got !== 'number') bad('int32');
    return;
  }
  if (type === 'boolean') {
    if (got !== 'boolean') bad('bool');
    return;
  }
  if (type === 'IntOrString') {
    if (got !== 'string' && got !== 'number') bad('intstr.IntOrString');
    return;
  }
  if (type === 'any' || type === 'object') return;
  const element = elementType(type);
  if (element) {
    if (got !== 'array') {
      bad(goType(type));
      return;
    }
    (value as unknown[]).forEach((v, i) => {
      walk(v, element, `${path}[${i}]`, out, struct);
    });
    return;
  }
  const mapValue = mapValueType(type);
  if (mapValue) {
    if (got !== 'object') {
      bad(goType(type));
      return;
    }
    // Quantities (resources.limits) are strings on the wire but numbers are accepted: only structs are walked.
    if (structFields(mapValue)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        walk(v, mapValue, `${path}[${k}]`, out, struct);
    }
    return;
  }
  const fields = structFields(type);
  if (!fields) return;
  if (got !== 'object') {
    bad(goType(type));
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const child = fields.get(k);
    const childPath = path ? `${path}.${k}` : k;
    if (child === undefined) out.push({ path: childPath, kind: 'unknown' });
    else walk(v, child, childPath, out, type.replace(/^V1/, ''));
  }
}
