/**
 * The typed subset the graph and the audit's checks read, and the reduction of an object to it, applied by
 * audit's readers (files, stdin, live pages) to each object as it is read: peak memory then grows with what is
 * kept, not with what was read (managedFields, container statuses, Node images, tolerations, volumes…).
 *
 *   const kept = reduceObject(pod);              // same object, members the checks never read removed
 *   keptPath('Pod', ['spec', 'volumes']);         // false: dropped
 *   cutTable('Pod')                               // what a reader may skip unparsed (managedFields…)
 *
 * The subset (KEEP below) is written down per kind: a member is kept whole (`ALL`), by the members listed, or
 * for each element of a list. A value of another type than the subset expects (a string where a mapping
 * belongs) is kept as it is: malformed input reaches the checks unchanged and they report it as before.
 * Tests hold the checks to it: every check test and fixture runs on the reduced input too and must give the
 * same findings, and a recording proxy fails any read of a member the subset drops (test/cluster/reduce.test.ts,
 * test/checks/harness.ts). Diagnose reads its few objects whole; only audit reduces.
 */
import { isObject } from './types.js';

/** Keep the value whole. */
const ALL = true;
type Keep = true | KeepMap | KeepList | KeepExcept;
interface KeepMap {
  readonly [key: string]: Keep;
}
/** A list whose elements are reduced by the one shape inside. */
type KeepList = readonly [Keep];
/** A string map kept whole except the named keys. */
class KeepExcept {
  constructor(readonly except: ReadonlySet<string>) {}
}

/** `kubectl apply`'s copy of the whole object: no check reads it, and it is as large as the object. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const ANNOTATIONS = new KeepExcept(new Set([LAST_APPLIED]));

const METADATA: KeepMap = {
  name: ALL,
  namespace: ALL,
  labels: ALL,
  annotations: ANNOTATIONS,
  ownerReferences: ALL,
  creationTimestamp: ALL,
  deletionTimestamp: ALL,
};

const CONTAINER: KeepMap = {
  name: ALL,
  image: ALL,
  args: ALL,
  command: ALL,
  // valueFrom: the data-plane model expands $(VAR) in arguments as the kubelet does (fieldRefs, ConfigMap keys).
  env: [{ name: ALL, value: ALL, valueFrom: ALL }],
  envFrom: ALL,
  ports: ALL,
  readinessProbe: ALL,
  livenessProbe: ALL,
  startupProbe: ALL,
  lifecycle: ALL,
  restartPolicy: ALL,
};

const POD_SPEC: KeepMap = {
  containers: [CONTAINER],
  initContainers: [CONTAINER],
  nodeName: ALL,
  serviceAccountName: ALL,
  hostNetwork: ALL,
  terminationGracePeriodSeconds: ALL,
};

const CONTAINER_STATUS: KeepMap = { name: ALL, ready: ALL, restartCount: ALL, state: ALL, lastState: ALL };

const WORKLOAD: KeepMap = {
  metadata: METADATA,
  spec: {
    replicas: ALL,
    selector: ALL,
    template: { metadata: { labels: ALL, annotations: ANNOTATIONS }, spec: POD_SPEC },
  },
};

/** Kinds with spec (and status) read whole: their objects are small and the checks read most of them. */
const WHOLE_SPEC: KeepMap = { metadata: METADATA, spec: ALL };

const KEEP: Readonly<Record<string, KeepMap>> = {
  Namespace: { metadata: METADATA },
  Node: {
    metadata: METADATA,
    spec: { providerID: ALL, podCIDR: ALL, podCIDRs: ALL },
    status: { addresses: ALL },
  },
  Pod: {
    metadata: METADATA,
    spec: POD_SPEC,
    status: {
      phase: ALL,
      podIP: ALL,
      hostIP: ALL,
      conditions: [{ type: ALL, status: ALL, reason: ALL, message: ALL }],
      containerStatuses: [CONTAINER_STATUS],
      initContainerStatuses: [CONTAINER_STATUS],
    },
  },
  Deployment: WORKLOAD,
  StatefulSet: WORKLOAD,
  DaemonSet: WORKLOAD,
  ReplicaSet: WORKLOAD,
  Service: { metadata: METADATA, spec: ALL, status: { loadBalancer: ALL } },
  Endpoints: { metadata: METADATA, subsets: ALL },
  EndpointSlice: {
    metadata: METADATA,
    addressType: ALL,
    ports: ALL,
    endpoints: [
      { addresses: ALL, conditions: ALL, nodeName: ALL, targetRef: { kind: ALL, name: ALL, namespace: ALL } },
    ],
  },
  Ingress: { metadata: METADATA, spec: ALL, status: ALL },
  IngressClass: WHOLE_SPEC,
  NetworkPolicy: WHOLE_SPEC,
  ConfigMap: { metadata: METADATA, data: ALL },
  PodDisruptionBudget: WHOLE_SPEC,
  BackendConfig: WHOLE_SPEC,
  Gateway: { metadata: METADATA, spec: ALL, status: { addresses: ALL } },
  GatewayClass: WHOLE_SPEC,
  HTTPRoute: WHOLE_SPEC,
  GRPCRoute: WHOLE_SPEC,
  BackendTLSPolicy: WHOLE_SPEC,
};

/** Members every object keeps besides its kind's subset. */
const TOP: ReadonlySet<string> = new Set(['apiVersion', 'kind']);

function reduceValue(value: unknown, keep: Keep): unknown {
  if (keep === ALL) return value;
  if (keep instanceof KeepExcept) {
    if (!isObject(value)) return value;
    let drop = false;
    for (const k of keep.except) if (k in value) drop = true;
    if (!drop) return value;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) if (!keep.except.has(k)) out[k] = value[k];
    return out;
  }
  if (Array.isArray(keep)) {
    if (!Array.isArray(value)) return value;
    const element = keep[0] as Keep;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const r = reduceValue(v, element);
      if (r !== v) value[i] = r;
    }
    return value;
  }
  if (!isObject(value)) return value;
  return reduceMap(value, keep as KeepMap, undefined);
}

/**
 * The members of `obj` that `keep` lists, each reduced; `obj` itself (its members reduced in place) when it
 * holds nothing else, which is the usual case for manifests and saves a copy.
 */
function reduceMap(
  obj: Record<string, unknown>,
  keep: KeepMap,
  extra: ReadonlySet<string> | undefined,
): Record<string, unknown> {
  let foreign = false;
  for (const k in obj) {
    if (!Object.hasOwn(keep, k) && !extra?.has(k)) {
      foreign = true;
      break;
    }
  }
  if (!foreign) {
    for (const k in obj) {
      const shape = keep[k];
      if (shape === undefined || shape === ALL) continue;
      const v = obj[k];
      const r = reduceValue(v, shape);
      if (r !== v) obj[k] = r;
    }
    return obj;
  }
  const out: Record<string, unknown> = {};
  for (const k in obj) {
    const shape = Object.hasOwn(keep, k) ? keep[k] : extra?.has(k) ? ALL : undefined;
    if (shape === undefined) continue;
    out[k] = reduceValue(obj[k], shape);
  }
  return out;
}

/** The object reduced to what the checks read of its kind; unknown kinds are returned as they are. */
export function reduceObject<T extends object>(obj: T): T {
  const o = obj as Record<string, unknown>;
  const keep = typeof o.kind === 'string' ? KEEP[o.kind] : undefined;
  if (!keep) return obj;
  return reduceMap(o, keep, TOP) as T;
}

/** The subset of one kind member by member, for the readers below and for tests. */
function shapeAt(kind: string, path: readonly string[]): Keep | undefined {
  const top = KEEP[kind];
  if (!top) return undefined;
  let shape: Keep = top;
  for (const seg of path) {
    if (shape === ALL) return ALL;
    if (shape instanceof KeepExcept) return shape.except.has(seg) ? undefined : ALL;
    if (Array.isArray(shape)) {
      if (seg !== '[]') return ALL; // a list's own members (length…) are read as a list
      shape = shape[0] as Keep;
      continue;
    }
    if (seg === '[]') return shape; // a map read as a list: kept as it is (malformed input)
    const map = shape as KeepMap;
    if (!Object.hasOwn(map, seg)) return TOP.has(seg) && shape === top ? ALL : undefined;
    shape = map[seg] as Keep;
  }
  return shape;
}

/**
 * Whether a reduced object of `kind` still holds the member at `path` (segments; "[]" for any list element,
 * "*" for enumerating a map's keys). Unknown kinds are not read by the checks at all.
 */
export function keptPath(kind: string, path: readonly string[]): boolean {
  const last = path[path.length - 1];
  if (last === '*') {
    const shape = shapeAt(kind, path.slice(0, -1));
    // Enumerating a map keeps its meaning only when the map is kept whole (or whole but for named keys).
    return shape === ALL || shape instanceof KeepExcept;
  }
  return shapeAt(kind, path) !== undefined;
}

/**
 * Which members a reader may cut unread from an object of one kind, as byte strings for comparing in place:
 * members of the object that the reduction drops whole (`top` lists the kept ones; `cutTop` false when
 * nothing may be cut at that level), and per kept member the kept members inside it (`children[i]` for
 * `top[i]`; undefined when it is kept whole or is no mapping in the subset).
 */
export interface CutTable {
  readonly top: readonly Uint8Array[];
  readonly cutTop: boolean;
  readonly children: readonly (readonly Uint8Array[] | undefined)[];
}

const bytesOf = (k: string) => Buffer.from(k, 'latin1');

function tableOf(keep: KeepMap, cutTop: boolean): CutTable {
  const names = [...Object.keys(keep), ...(cutTop ? TOP : [])];
  const children = names.map((name) => {
    const shape = keep[name];
    if (shape === undefined || shape === ALL || shape instanceof KeepExcept || Array.isArray(shape))
      return undefined;
    return Object.keys(shape as KeepMap).map(bytesOf);
  });
  return { top: names.map(bytesOf), cutTop, children };
}

const CUT_TABLES = new Map<string, CutTable>(
  Object.entries(KEEP).map(([kind, keep]) => [kind, tableOf(keep, true)]),
);
/** Before an object's kind is read, and for kinds the checks do not read: only metadata's drops are cut. */
const ANY_KIND = tableOf({ metadata: METADATA }, false);

export function cutTable(kind: string | undefined): CutTable {
  return (kind !== undefined && CUT_TABLES.get(kind)) || ANY_KIND;
}
