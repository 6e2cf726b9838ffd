import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { apiVersionOf, RESOURCES, type ResourceInfo, resourceForKind, resourceKey } from './resources.js';

/** Any object the API stores: the typed metadata, the rest kept as the file gave it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta & { name: string };
  [field: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  resource: string;
  type: WatchEventType;
  object: KubeObject;
  /** The state before a MODIFIED, so filtered watches can turn it into ADDED/DELETED like the real API. */
  previous?: KubeObject;
}

/** How many past events a watch with an old resourceVersion can replay before getting 410 Expired. */
const HISTORY_LIMIT = 5000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The lab API's objects: seeded from `kind: List` files, indexed by resource, namespace and name, with a
 * single resourceVersion counter and an event history for watches.
 */
export class ObjectStore {
  private rv = 1;
  private readonly objects = new Map<string, Map<string, Map<string, KubeObject>>>();
  private readonly sorted = new Map<string, KubeObject[]>();
  private readonly history: StoreEvent[] = [];
  private trimmedUpTo = 0;
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly seeded = new Set<string>();

  /** Reads objects.json and any extra files; each is a List (JSON, or YAML documents). */
  static async fromFiles(paths: string[]): Promise<{ store: ObjectStore; warnings: string[] }> {
    const store = new ObjectStore();
    const warnings: string[] = [];
    for (const file of paths) {
      const text = await readFile(file, 'utf8');
      warnings.push(...store.seed(parseObjectsText(text, file), file));
    }
    store.ensureNamespaces();
    store.ensureNodeLeases();
    return { store, warnings };
  }

  /** Seeds objects (no watch events). Returns one warning per item that was skipped, with where it was. */
  seed(items: unknown[], source = 'seed'): string[] {
    const warnings: string[] = [];
    const now = timestamp();
    items.forEach((item, i) => {
      const where = `${source}: item ${i}`;
      if (!isRecord(item) || typeof item.apiVersion !== 'string' || typeof item.kind !== 'string') {
        warnings.push(`${where}: not an object with apiVersion and kind; skipped`);
        return;
      }
      const info = resourceForKind(item.apiVersion, item.kind);
      if (!info) {
        warnings.push(`${where}: ${item.apiVersion} ${item.kind} is not served by the lab API; skipped`);
        return;
      }
      const meta = isRecord(item.metadata) ? item.metadata : {};
      if (typeof meta.name !== 'string' || meta.name === '') {
        warnings.push(`${where}: ${item.kind} without metadata.name; skipped`);
        return;
      }
      const ns = info.namespaced
        ? (typeof meta.namespace === 'string' && meta.namespace) || 'default'
        : undefined;
      // Seeding takes ownership of the parsed items: no copies, which matters for 20,000 objects.
      const obj = item as KubeObject;
      obj.apiVersion = apiVersionOf(info);
      obj.metadata = meta as unknown as KubeObject['metadata'];
      if (ns) obj.metadata.namespace = ns;
      else delete obj.metadata.namespace;
      if (info.kind === 'Namespace') {
        // The real API server labels every namespace with its name; NetworkPolicy namespaceSelectors use it.
        obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': meta.name };
      }
      this.stamp(obj, now);
      this.put(info, obj);
      this.seeded.add(this.id(info, ns, meta.name));
    });
    return warnings;
  }

  /** Namespaces referenced by objects but not listed become Namespace objects, as in a real cluster. */
  ensureNamespaces(): void {
    const info = RESOURCES.find((r) => r.resource === 'namespaces')!;
    const wanted = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
    let oldest: string | undefined;
    for (const byNs of this.objects.values()) {
      for (const [ns, byName] of byNs) {
        if (ns) wanted.add(ns);
        for (const o of byName.values()) {
          const t = o.metadata.creationTimestamp as unknown as string | undefined;
          if (typeof t === 'string' && (oldest === undefined || t < oldest)) oldest = t;
        }
      }
    }
    for (const ns of wanted) {
      if (this.get(info, undefined, ns)) continue;
      const obj: KubeObject = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      };
      // As old as the oldest object, so they do not look younger than what they contain.
      this.stamp(obj, (oldest as unknown as Date | undefined) ?? timestamp());
      this.put(info, obj);
      this.seeded.add(this.id(info, undefined, ns));
    }
  }

  /** Every node gets the kubelet's heartbeat Lease in kube-node-lease, renewed "now" (load time). */
  ensureNodeLeases(): void {
    const leases = RESOURCES.find((r) => r.resource === 'leases')!;
    const nodes = RESOURCES.find((r) => r.resource === 'nodes')!;
    // MicroTime: RFC 3339 with exactly six fractional digits, or Go clients refuse it.
    const micro = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    for (const node of this.list(nodes)) {
      const name = node.metadata.name;
      if (this.get(leases, 'kube-node-lease', name)) continue;
      const lease: KubeObject = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name,
          namespace: 'kube-node-lease',
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? '' }],
        },
        spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: micro },
      };
      this.stamp(lease);
      this.put(leases, lease);
      this.seeded.add(this.id(leases, 'kube-node-lease', name));
    }
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  get(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects
      .get(resourceKey(info))
      ?.get(namespace ?? '')
      ?.get(name);
  }

  /** Objects of a resource, in one namespace or all, ordered by namespace then name (like etcd keys). */
  list(info: ResourceInfo, namespace?: string): readonly KubeObject[] {
    const key = `${resourceKey(info)}|${namespace ?? '*'}`;
    const cached = this.sorted.get(key);
    if (cached) return cached;
    const byNs = this.objects.get(resourceKey(info));
    let out: KubeObject[] = [];
    if (byNs) {
      if (namespace !== undefined) out = [...(byNs.get(namespace)?.values() ?? [])];
      else for (const m of byNs.values()) out.push(...m.values());
    }
    out.sort((a, b) => compareKeys(a, b));
    this.sorted.set(key, out);
    return out;
  }

  count(info: ResourceInfo): number {
    let n = 0;
    for (const m of this.objects.get(resourceKey(info))?.values() ?? []) n += m.size;
    return n;
  }

  isSeeded(info: ResourceInfo, namespace: string | undefined, name: string): boolean {
    return this.seeded.has(this.id(info, namespace, name));
  }

  /** Adds a new object (the caller checked it does not exist) and emits ADDED. */
  create(info: ResourceInfo, obj: KubeObject): KubeObject {
    this.rv++;
    obj.metadata.uid ??= randomUUID();
    obj.metadata.creationTimestamp ??= timestamp();
    obj.metadata.resourceVersion = String(this.rv);
    this.put(info, obj);
    this.emit({ rv: this.rv, resource: resourceKey(info), type: 'ADDED', object: obj });
    return obj;
  }

  /** Replaces an existing object with a new revision and emits MODIFIED. */
  replace(info: ResourceInfo, obj: KubeObject): KubeObject {
    const previous = this.get(info, obj.metadata.namespace, obj.metadata.name);
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    this.put(info, obj);
    this.emit({ rv: this.rv, resource: resourceKey(info), type: 'MODIFIED', object: obj, previous });
    return obj;
  }

  /** Removes an object and emits DELETED carrying its last state. */
  remove(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    const byNs = this.objects.get(resourceKey(info))?.get(namespace ?? '');
    const obj = byNs?.get(name);
    if (!byNs || !obj) return undefined;
    byNs.delete(name);
    this.invalidate(info);
    this.seeded.delete(this.id(info, namespace, name));
    this.rv++;
    const last = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } };
    this.emit({ rv: this.rv, resource: resourceKey(info), type: 'DELETED', object: last });
    return last;
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `rv` for one resource, or 'expired' when they have left the history. */
  eventsSince(info: ResourceInfo, rv: number): StoreEvent[] | 'expired' {
    if (rv < this.trimmedUpTo) return 'expired';
    const key = resourceKey(info);
    return this.history.filter((e) => e.rv > rv && e.resource === key);
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > HISTORY_LIMIT) {
      const dropped = this.history.splice(0, this.history.length - HISTORY_LIMIT);
      this.trimmedUpTo = dropped[dropped.length - 1]!.rv;
    }
    for (const l of [...this.listeners]) l(e);
  }

  private stamp(obj: KubeObject, now = timestamp()): void {
    obj.metadata.uid ??= randomUUID();
    obj.metadata.creationTimestamp ??= now;
    obj.metadata.resourceVersion = String(this.rv);
  }

  private put(info: ResourceInfo, obj: KubeObject): void {
    const key = resourceKey(info);
    let byNs = this.objects.get(key);
    if (!byNs) {
      byNs = new Map();
      this.objects.set(key, byNs);
    }
    const ns = obj.metadata.namespace ?? '';
    let byName = byNs.get(ns);
    if (!byName) {
      byName = new Map();
      byNs.set(ns, byName);
    }
    byName.set(obj.metadata.name, obj);
    this.invalidate(info);
  }

  private invalidate(info: ResourceInfo): void {
    const prefix = `${resourceKey(info)}|`;
    for (const k of this.sorted.keys()) if (k.startsWith(prefix)) this.sorted.delete(k);
  }

  private id(info: ResourceInfo, namespace: string | undefined, name: string): string {
    return `${resourceKey(info)}/${namespace ?? ''}/${name}`;
  }
}

/**
 * Now as RFC 3339 without fractions, the way the real API writes timestamps. Typed as Date because the
 * client-node models declare it so; on the wire both are the same string.
 */
export function timestamp(): Date {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') as unknown as Date;
}

function compareKeys(a: KubeObject, b: KubeObject): number {
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** The items of a List file (JSON or YAML, one List or plain objects); throws with the file name if unreadable. */
export function parseObjectsText(text: string, file: string): unknown[] {
  let docs: unknown[];
  try {
    docs = [JSON.parse(text)];
  } catch {
    try {
      docs = parseAllDocuments(text).map((d) => {
        if (d.errors.length > 0) throw new Error(d.errors[0]!.message);
        return d.toJS();
      });
    } catch (err) {
      throw new Error(`${file}: not a JSON or YAML object list: ${(err as Error).message}`);
    }
  }
  const items: unknown[] = [];
  for (const doc of docs) {
    if (doc === null || doc === undefined) continue;
    if (
      isRecord(doc) &&
      Array.isArray(doc.items) &&
      typeof doc.kind === 'string' &&
      doc.kind.endsWith('List')
    ) {
      items.push(...doc.items);
    } else items.push(doc);
  }
  return items;
}
