/**
 * The indexes a route graph is built on: objects by namespace and name, EndpointSlices by Service, workloads by
 * kind, pods by label. Built once, O(objects); every lookup is a map access, never a scan of all pods.
 */
import type {
  V1EndpointSlice,
  V1Endpoints,
  V1LabelSelector,
  V1Namespace,
  V1Node,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import type { ClusterSnapshot, Gateway, Workload } from '../cluster/types.js';
import { labelSelectorMatches, mapSelectorMatches } from './selector.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** A list field as a list: [] when missing or not a list, without null entries (malformed manifests). */
export function arr<T>(v: T[] | undefined | null | unknown): T[] {
  if (!Array.isArray(v)) return [];
  // A loop, not includes(null) || includes(undefined): this runs per pod and port, and lists are tiny.
  for (let i = 0; i < v.length; i++) {
    if (v[i] === null || v[i] === undefined) return v.filter((x) => x !== null && x !== undefined);
  }
  return v as T[];
}

export function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function nsOf(obj: { metadata?: { namespace?: string } }): string {
  return obj.metadata?.namespace ?? 'default';
}

/** creationTimestamp in ms; objects without one sort last. */
export function createdAt(obj: { metadata?: { creationTimestamp?: Date | string } }): number {
  const t = obj.metadata?.creationTimestamp;
  if (t === undefined) return Number.POSITIVE_INFINITY;
  const ms = new Date(t).getTime();
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/** /^\d+$/.test(s) without a regular expression for strings (called per pod); anything else as before. */
export function isDigits(s: string): boolean {
  if (typeof s !== 'string') return /^\d+$/.test(String(s));
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Objects by namespace, then name. Nested maps rather than "ns/name" keys: a lookup then hashes strings the
 * objects already hold (V8 caches a string's hash) instead of building and hashing a new string every time.
 */
export class NsIndex<T> {
  private readonly byNs = new Map<string, Map<string, T>>();
  get(namespace: string | undefined, name: string | undefined): T | undefined {
    return this.byNs.get(namespace ?? '')?.get(name ?? '');
  }
  set(namespace: string | undefined, name: string | undefined, value: T): void {
    const ns = namespace ?? '';
    let names = this.byNs.get(ns);
    if (!names) {
      names = new Map();
      this.byNs.set(ns, names);
    }
    names.set(name ?? '', value);
  }
}

/** The object indexes of one snapshot (pods have their own, see PodIndex). */
export interface ObjectIndexes {
  services: NsIndex<V1Service>;
  nodes: Map<string, V1Node>;
  namespaces: Map<string, V1Namespace>;
  endpoints: NsIndex<V1Endpoints>;
  /** EndpointSlices by their kubernetes.io/service-name label. */
  slicesByService: NsIndex<V1EndpointSlice[]>;
  /** kind → namespace → name. */
  workloads: Map<string, NsIndex<Workload>>;
  gateways: NsIndex<Gateway>;
}

export function indexObjects(snapshot: ClusterSnapshot): ObjectIndexes {
  const services = new NsIndex<V1Service>();
  for (const s of snapshot.services) services.set(nsOf(s), s.metadata?.name, s);
  const nodes = new Map<string, V1Node>();
  for (const n of snapshot.nodes) if (n.metadata?.name) nodes.set(n.metadata.name, n);
  const namespaces = new Map<string, V1Namespace>();
  for (const n of snapshot.namespaces) if (n.metadata?.name) namespaces.set(n.metadata.name, n);
  const endpoints = new NsIndex<V1Endpoints>();
  for (const e of snapshot.endpoints) endpoints.set(nsOf(e), e.metadata?.name, e);
  const slicesByService = new NsIndex<V1EndpointSlice[]>();
  for (const s of snapshot.endpointSlices) {
    const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (!svc) continue;
    const list = slicesByService.get(nsOf(s), svc);
    if (list) list.push(s);
    else slicesByService.set(nsOf(s), svc, [s]);
  }
  const workloads = new Map<string, NsIndex<Workload>>();
  for (const w of snapshot.workloads) {
    let byKind = workloads.get(w.kind);
    if (!byKind) {
      byKind = new NsIndex();
      workloads.set(w.kind, byKind);
    }
    byKind.set(nsOf(w), w.metadata?.name, w);
  }
  const gateways = new NsIndex<Gateway>();
  for (const g of snapshot.gateways) gateways.set(nsOf(g), g.metadata?.name, g);
  return { services, nodes, namespaces, endpoints, slicesByService, workloads, gateways };
}

/**
 * Pods by namespace and by label (namespace → key → value → pods), with selector queries answered from the
 * smallest matching label list. Nested maps: no "k=v" string per pod label (50,000 pods, 150,000 labels).
 */
export class PodIndex {
  readonly all: V1Pod[] = [];
  private readonly byNs = new Map<string, V1Pod[]>();
  private readonly byLabel = new Map<string, Map<string, Map<string, V1Pod[]>>>();
  private readonly cache = new Map<string, V1Pod[]>();

  add(p: V1Pod): void {
    this.all.push(p);
    const ns = nsOf(p);
    let list = this.byNs.get(ns);
    if (!list) {
      list = [];
      this.byNs.set(ns, list);
    }
    list.push(p);
    let byKey = this.byLabel.get(ns);
    if (!byKey) {
      byKey = new Map();
      this.byLabel.set(ns, byKey);
    }
    const labels = p.metadata?.labels;
    if (!isStringMap(labels)) return;
    for (const k in labels) {
      const v = labels[k];
      let byValue = byKey.get(k);
      if (!byValue) {
        byValue = new Map();
        byKey.set(k, byValue);
      }
      const l = byValue.get(v);
      if (l) l.push(p);
      else byValue.set(v, [p]);
    }
    // A pod added after a query would be missing from cached answers.
    if (this.cache.size > 0) this.cache.clear();
  }

  inNamespace(namespace: string): V1Pod[] {
    return this.byNs.get(namespace) ?? [];
  }

  /** Pods of a namespace matching a map selector; `{}` matches every pod of the namespace. */
  matching(namespace: string, selector: Record<string, string>): V1Pod[] {
    const keys = Object.keys(selector ?? {});
    if (keys.length === 0) return this.byNs.get(namespace) ?? [];
    const byKey = this.byLabel.get(namespace);
    // One label: the index answers directly, no cache needed.
    if (keys.length === 1) return byKey?.get(keys[0] as string)?.get(selector[keys[0] as string]) ?? [];
    keys.sort();
    let cacheKey = namespace;
    for (const k of keys) cacheKey += `\u0000${k}=${selector[k]}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    let smallest: V1Pod[] | undefined;
    for (const k of keys) {
      const l = byKey?.get(k)?.get(selector[k] as string);
      if (!l) {
        smallest = [];
        break;
      }
      if (!smallest || l.length < smallest.length) smallest = l;
    }
    const result = (smallest ?? []).filter((p) => mapSelectorMatches(selector, p.metadata?.labels));
    this.cache.set(cacheKey, result);
    return result;
  }

  /** Pods matching a LabelSelector (matchLabels + matchExpressions); an absent selector selects none. */
  matchingSelector(namespace: string, selector: V1LabelSelector | undefined): V1Pod[] {
    if (!selector) return [];
    const base = this.matching(namespace, isStringMap(selector.matchLabels) ? selector.matchLabels : {});
    const exprs = arr(selector.matchExpressions);
    if (exprs.length === 0) return base;
    const only = { matchExpressions: exprs } as V1LabelSelector;
    return base.filter((p) => labelSelectorMatches(only, p.metadata?.labels, 'selects-nothing'));
  }
}
