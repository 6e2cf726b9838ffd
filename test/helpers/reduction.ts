/**
 * Holds the checks to the typed subset audit's readers keep (src/cluster/reduce.ts):
 *
 *   const { snapshot, reads } = recordReads(fullSnapshot);   // objects wrapped in recording proxies
 *   runChecks(checkInput(buildGraph(snapshot)));
 *   assertReadsKept(reads);          // fails on any member read that the reduction drops
 *
 * With `snapshotFromObjects(objects, origins, { reduce: true })` the same input as audit's readers keep it, to
 * compare findings.
 */
import assert from 'node:assert/strict';
import { keptPath, LAST_APPLIED } from '../../src/cluster/reduce.js';
import type { ClusterSnapshot } from '../../src/cluster/types.js';

/** kind → member paths read ("metadata.labels", "spec.containers.[].ports", "metadata.labels.*"). */
export type Reads = Map<string, Set<string>>;

const SNAPSHOT_LISTS = [
  'namespaces',
  'nodes',
  'pods',
  'workloads',
  'services',
  'endpoints',
  'endpointSlices',
  'ingresses',
  'ingressClasses',
  'networkPolicies',
  'configMaps',
  'podDisruptionBudgets',
  'backendConfigs',
  'gateways',
  'gatewayClasses',
  'httpRoutes',
  'grpcRoutes',
  'backendTLSPolicies',
] as const satisfies readonly (keyof ClusterSnapshot)[];

/** Names every object answers without owning them (a template literal, JSON.stringify, an await). */
const INHERITED = new Set([...Object.getOwnPropertyNames(Object.prototype), 'toJSON', 'then']);

/** A copy of the snapshot whose objects record every member read, by kind and path. */
export function recordReads(source: ClusterSnapshot): { snapshot: ClusterSnapshot; reads: Reads } {
  const reads: Reads = new Map();
  const proxies = new WeakMap<object, Map<string, object>>();
  const enumerated = new WeakSet<object>();
  const note = (kind: string, path: string[]) => {
    let set = reads.get(kind);
    if (!set) {
      set = new Set();
      reads.set(kind, set);
    }
    set.add(path.join('.'));
  };
  const wrap = (value: unknown, kind: string, path: string[]): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const key = `${kind} ${path.join('.')}`;
    let byPath = proxies.get(value);
    if (!byPath) {
      byPath = new Map();
      proxies.set(value, byPath);
    }
    const known = byPath.get(key);
    if (known) return known;
    const isArray = Array.isArray(value);
    const proxy = new Proxy(value, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof prop === 'symbol') return v;
        if (isArray) return /^\d+$/.test(prop) ? wrap(v, kind, [...path, '[]']) : v;
        if (INHERITED.has(prop) && !Object.hasOwn(target, prop)) return v;
        // Reading each member of a map being enumerated is the enumeration; the last-applied annotation is
        // dropped from maps the reduction otherwise keeps whole.
        if (!(prop === LAST_APPLIED && enumerated.has(target))) note(kind, [...path, prop]);
        return wrap(v, kind, [...path, prop]);
      },
      has(target, prop) {
        if (typeof prop === 'string' && !isArray) note(kind, [...path, prop]);
        return Reflect.has(target, prop);
      },
      ownKeys(target) {
        if (!isArray) {
          enumerated.add(target);
          note(kind, [...path, '*']);
        }
        return Reflect.ownKeys(target);
      },
    });
    byPath.set(key, proxy);
    return proxy;
  };
  const snapshot: ClusterSnapshot = { ...source, origins: new WeakMap() };
  for (const list of SNAPSHOT_LISTS) {
    (snapshot[list] as unknown[]) = (source[list] as { kind?: string }[]).map((obj) => {
      const proxy = wrap(obj, obj.kind ?? list, []) as object;
      const origin = source.origins.get(obj);
      if (origin) snapshot.origins.set(proxy, origin);
      return proxy;
    });
  }
  return { snapshot, reads };
}

/** Every member read is one the reduction keeps. */
export function assertReadsKept(reads: Reads, context = ''): void {
  const dropped: string[] = [];
  for (const [kind, paths] of reads) {
    for (const p of paths) if (!keptPath(kind, p.split('.'))) dropped.push(`${kind} ${p}`);
  }
  assert.deepEqual(
    dropped,
    [],
    `${context}the checks read members that audit's readers drop (add them to KEEP in src/cluster/reduce.ts):\n  ${dropped.join('\n  ')}`,
  );
}
