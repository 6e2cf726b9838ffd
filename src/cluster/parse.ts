/**
 * Manifests in, typed snapshot out. Usage:
 *
 *   const parsed = parseManifests(text, 'k8s/app.yaml');          // { objects, origins, warnings }
 *   const snapshot = snapshotFromObjects(parsed.objects, parsed.origins);
 *   // parse warnings are in parsed.warnings, sorting warnings (no kind, no name…) in snapshot.warnings
 *
 * From plain objects (tests, the lab): `snapshotFromObjects([svc, deploy, ingress])`, or `addObject(snapshot,
 * obj)` one at a time. Files, directories and stdin: FileSource in files.ts.
 *
 * Parsing never throws on bad input: malformed documents, alias bombs, binary data and objects without
 * kind/name become SourceWarnings with file and line, and everything else is still read.
 */
import { groupOf, KIND_BY_NAME, type KindInfo } from './kinds.js';
import { type ListShape, type ManifestSink, ManifestStream } from './manifest-stream.js';
import { reduceObject } from './reduce.js';
import {
  type ClusterSnapshot,
  emptySnapshot,
  isObject,
  type Origin,
  type ParsedManifests,
  type SourceWarning,
} from './types.js';

export type { ParsedManifests } from './types.js';

export interface ParseOptions {
  /** Aliases a YAML document may expand before it is rejected (billion-laughs guard). */
  maxAliasCount?: number;
  /** Record origins here instead of a new map (a snapshot's own map: saves a second entry per object). */
  origins?: WeakMap<object, Origin>;
  /** Force a format; by default JSON is tried for `.json` files and text that starts with `{` or `[`. */
  format?: 'yaml' | 'json';
  /** false: every YAML document through the `yaml` library, none through js-yaml (tests compare the two). */
  fastYaml?: boolean;
}

type Json = Record<string, unknown>;

/**
 * Collects what a stream reads into ParsedManifests: documents as they are, a List read item by item as the
 * List again (its envelope with the items put back).
 */
class CollectSink implements ManifestSink {
  readonly out: ParsedManifests;
  private list: { items: unknown[]; origin: Origin; head?: Json; shape: ListShape } | undefined;

  constructor(origins: WeakMap<object, Origin>) {
    this.out = { objects: [], origins, warnings: [] };
  }
  document(value: unknown, origin: Origin): void {
    this.out.objects.push(value);
    if (typeof value === 'object' && value !== null && !this.out.origins.has(value)) {
      this.out.origins.set(value, origin);
    }
  }
  listStart(origin: Origin, head: Json | undefined, shape: ListShape): void {
    this.list = { items: [], origin, head, shape };
  }
  listItem(value: unknown, origin: Origin): void {
    this.list?.items.push(value);
    if (typeof value === 'object' && value !== null) this.out.origins.set(value, origin);
  }
  listEnd(envelope: unknown): void {
    const list = this.list;
    this.list = undefined;
    if (!list) return;
    if (envelope === undefined || list.shape === 'array') {
      this.flush(list);
      return;
    }
    // A repeated "items" key: the last one counts, as with JSON.parse.
    if (isObject(envelope) && Array.isArray(envelope.items) && envelope.items.length > 0) {
      this.document(envelope, list.origin);
      return;
    }
    const root = isObject(envelope) ? envelope : {};
    root.items = list.items;
    this.document(root, list.origin);
  }
  warning(w: SourceWarning): void {
    this.out.warnings.push(w);
  }
  /** A List the input ended in: its head and items when its kind is known, else the items one by one. */
  finish(): void {
    if (this.list) this.flush(this.list);
    this.list = undefined;
  }
  private flush(list: NonNullable<CollectSink['list']>): void {
    if (list.shape === 'array') {
      this.document(list.items, list.origin);
      return;
    }
    if (typeof list.head?.kind === 'string') {
      this.document({ ...list.head, items: list.items }, list.origin);
      return;
    }
    for (const item of list.items) {
      const origin = (typeof item === 'object' && item !== null && this.out.origins.get(item)) || list.origin;
      this.document(item, origin);
    }
  }
}

/** Parse file bytes (YAML, multi-document, or JSON: one value or several). Never throws; see manifest-stream.ts. */
export function parseManifestBytes(
  bytes: Uint8Array,
  file: string,
  options: ParseOptions = {},
): ParsedManifests {
  const sink = new CollectSink(options.origins ?? new WeakMap());
  const stream = new ManifestStream(file, sink, {
    origins: sink.out.origins,
    format: options.format,
    maxAliasCount: options.maxAliasCount,
    fastYaml: options.fastYaml,
  });
  stream.feed(bytes);
  stream.end();
  sink.finish();
  return sink.out;
}

/** Parse YAML (multi-document) or JSON (one value, or several concatenated) text. Never throws. */
export function parseManifests(text: string, file: string, options: ParseOptions = {}): ParsedManifests {
  return parseManifestBytes(Buffer.from(text, 'utf8'), file, options);
}

// ---------------------------------------------------------------------------------------------
// Objects → snapshot.

export interface AddOptions {
  /** Namespace for namespaced objects that name none (manifests usually don't). Default "default". */
  defaultNamespace?: string;
  /** Keep only the typed subset the checks read (reduce.ts): audit's readers. */
  reduce?: boolean;
}

/** Warnings already given once per snapshot (e.g. one per unknown apiVersion, not one per object). */
const saidOnce = new WeakMap<ClusterSnapshot, Set<string>>();

function warnOnce(snapshot: ClusterSnapshot, key: string, w: SourceWarning): void {
  let said = saidOnce.get(snapshot);
  if (!said) {
    said = new Set();
    saidOnce.set(snapshot, said);
  }
  if (said.has(key)) return;
  said.add(key);
  snapshot.warnings.push(w);
}

function where(origin: Origin | undefined): string {
  return origin ? `${origin.file}:${origin.line}: ` : '';
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return `a ${typeof v}`;
}

/** Labels and annotations are string maps; YAML `yes`/`1` become strings as the API server would reject. */
function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  let clean = true;
  for (const k in v) {
    if (typeof v[k] !== 'string') {
      clean = false;
      break;
    }
  }
  if (clean) return v as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (val === null || val === undefined) continue;
    out[k] = typeof val === 'string' ? val : typeof val === 'object' ? JSON.stringify(val) : String(val);
  }
  return out;
}

/**
 * Sort one object into the snapshot by kind. Lists (`List`, `PodList`, …) are unwrapped; items of a typed
 * list without kind/apiVersion (raw API output) take them from the list. Objects without kind or
 * metadata.name become warnings; kinds we do not read are counted in unknownKinds.
 */
export function addObject(
  snapshot: ClusterSnapshot,
  obj: unknown,
  origin?: Origin,
  options: AddOptions = {},
  origins?: WeakMap<object, Origin>,
): void {
  if (!isObject(obj)) {
    snapshot.warnings.push({
      code: 'invalid-object',
      ...origin,
      message: `${where(origin)}document is ${describeValue(obj)}, not a Kubernetes object; skipped`,
    });
    return;
  }
  const kind = obj.kind;
  if (typeof kind !== 'string' || kind === '') {
    snapshot.warnings.push({
      code: 'invalid-object',
      ...origin,
      message: `${where(origin)}object has no "kind"; skipped (add e.g. "kind: Service")`,
    });
    return;
  }
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined;
  if (isListKind(kind, obj.items)) {
    const items = Array.isArray(obj.items) ? obj.items : [];
    for (const item of items) {
      const itemOrigin = (isObject(item) && (origins?.get(item) ?? snapshot.origins.get(item))) || origin;
      addObject(snapshot, typeListItem(item, kind, apiVersion), itemOrigin, options, origins);
    }
    return;
  }
  if (apiVersion === undefined) {
    snapshot.warnings.push({
      code: 'invalid-object',
      ...origin,
      message: `${where(origin)}${kind} has no "apiVersion"; skipped`,
    });
    return;
  }
  const info = KIND_BY_NAME.get(kind);
  const group = groupOf(apiVersion);
  if (!info || !info.groups.includes(group)) {
    const key = info ? `${kind} (${apiVersion})` : kind;
    snapshot.unknownKinds[key] = (snapshot.unknownKinds[key] ?? 0) + 1;
    if (info) {
      warnOnce(snapshot, `api:${kind}:${apiVersion}`, {
        code: 'unknown-api-version',
        ...origin,
        message: `${where(origin)}${kind} in unknown apiVersion "${apiVersion}" (expected ${info.groups
          .map((g) => (g ? `${g}/…` : 'v1'))
          .join(' or ')}); objects of it are ignored`,
      });
    }
    return;
  }
  const meta = obj.metadata;
  if (!isObject(meta) || typeof meta.name !== 'string' || meta.name === '') {
    snapshot.warnings.push({
      code: 'invalid-object',
      ...origin,
      message: `${where(origin)}${kind} has no metadata.name; skipped`,
    });
    return;
  }
  if (obj.spec !== undefined && obj.spec !== null && !isObject(obj.spec)) {
    snapshot.warnings.push({
      code: 'invalid-object',
      ...origin,
      message: `${where(origin)}${kind} ${meta.name}: "spec" is ${describeValue(obj.spec)}, not a mapping; skipped`,
    });
    return;
  }
  if (meta.namespace !== undefined && typeof meta.namespace !== 'string')
    meta.namespace = String(meta.namespace);
  if (info.namespaced && !meta.namespace) meta.namespace = options.defaultNamespace ?? 'default';
  if (!info.namespaced && meta.namespace !== undefined) delete meta.namespace;
  if (meta.labels !== undefined) meta.labels = stringMap(meta.labels);
  if (meta.annotations !== undefined) meta.annotations = stringMap(meta.annotations);
  let value: Json = obj;
  if (
    kind === 'Ingress' &&
    (apiVersion === 'extensions/v1beta1' || apiVersion === 'networking.k8s.io/v1beta1')
  ) {
    value = ingressV1beta1ToV1(obj);
  }
  if (value !== obj) {
    warnOnce(snapshot, `api:${kind}:${apiVersion}`, {
      code: 'deprecated-api-version',
      ...origin,
      message: `${where(origin)}${kind} uses removed apiVersion "${apiVersion}"; read as networking.k8s.io/v1 (migrate: kubectl convert)`,
    });
  }
  if (options.reduce) value = reduceObject(value);
  addTyped(snapshot, info, value);
  if (origin && snapshot.origins.get(value) !== origin) snapshot.origins.set(value, origin);
}

/** `List`, or a typed list (`PodList`) holding an items array. */
function isListKind(kind: string, items: unknown): boolean {
  return kind === 'List' || (kind.endsWith('List') && Array.isArray(items));
}

/** An item of a typed list (`PodList`) without kind/apiVersion (raw API output) takes them from the list. */
function typeListItem(item: unknown, listKind: string | undefined, listApiVersion: unknown): unknown {
  const itemKind =
    listKind === undefined || listKind === 'List' ? undefined : listKind.slice(0, -'List'.length);
  if (isObject(item) && itemKind && (item.kind === undefined || item.apiVersion === undefined)) {
    return Object.assign(item, {
      kind: item.kind ?? itemKind,
      apiVersion: item.apiVersion ?? (typeof listApiVersion === 'string' ? listApiVersion : undefined),
    });
  }
  return item;
}

type SnapshotList = keyof {
  [K in keyof ClusterSnapshot as ClusterSnapshot[K] extends unknown[] ? K : never]: true;
};

/** Where a snapshot stood, to undo what a List added when it turns out not to be one. */
interface Checkpoint {
  lengths: Map<SnapshotList, number>;
  unknownKinds: Record<string, number>;
}

function checkpoint(snapshot: ClusterSnapshot): Checkpoint {
  const lengths = new Map<SnapshotList, number>();
  for (const key of Object.keys(snapshot) as (keyof ClusterSnapshot)[]) {
    const v = snapshot[key];
    if (Array.isArray(v)) lengths.set(key as SnapshotList, v.length);
  }
  return { lengths, unknownKinds: { ...snapshot.unknownKinds } };
}

function rollback(snapshot: ClusterSnapshot, cp: Checkpoint): void {
  for (const [key, n] of cp.lengths) (snapshot[key] as unknown[]).length = n;
  snapshot.unknownKinds = cp.unknownKinds;
}

/**
 * Adds what a stream reads straight into a snapshot (audit's readers): documents through addObject, a List's
 * items one at a time as they arrive. Items of a typed list without kind/apiVersion wait until the List's kind
 * is known (kubectl writes it after the items, the API server before). When the envelope turns out not to be
 * a List after all (an object with an `items` member), what its items added is undone and the object is added.
 */
export class SnapshotSink implements ManifestSink {
  /** Objects read so far: documents and List items (for progress). */
  objects = 0;
  private list:
    | { origin: Origin; head?: Json; shape: ListShape; checkpoint: Checkpoint; pending: [unknown, Origin][] }
    | undefined;

  constructor(
    private readonly snapshot: ClusterSnapshot,
    private readonly options: AddOptions = {},
  ) {}

  document(value: unknown, origin: Origin): void {
    this.objects++;
    addObject(this.snapshot, value, origin, this.options, this.snapshot.origins);
  }
  listStart(origin: Origin, head: Json | undefined, shape: ListShape): void {
    this.list = { origin, head, shape, checkpoint: checkpoint(this.snapshot), pending: [] };
  }
  listItem(value: unknown, origin: Origin): void {
    const list = this.list;
    if (!list || list.shape === 'array') return;
    this.objects++;
    const kind = list.head?.kind;
    if (typeof kind === 'string') {
      this.add(typeListItem(value, kind, list.head?.apiVersion), origin);
    } else if (
      list.pending.length > 0 ||
      (isObject(value) && (value.kind === undefined || value.apiVersion === undefined))
    ) {
      list.pending.push([value, origin]);
    } else this.add(value, origin);
  }
  listEnd(envelope: unknown): void {
    const list = this.list;
    this.list = undefined;
    if (!list) return;
    if (list.shape === 'array') {
      addObject(this.snapshot, [], list.origin); // "document is a list, not a Kubernetes object"
      return;
    }
    if (envelope === undefined) {
      this.flush(list, list.head);
      return;
    }
    const kind = isObject(envelope) ? envelope.kind : undefined;
    const repeated = isObject(envelope) && Array.isArray(envelope.items) && envelope.items.length > 0;
    if (typeof kind === 'string' && isListKind(kind, []) && !repeated) {
      this.flush(list, envelope as Json);
      return;
    }
    rollback(this.snapshot, list.checkpoint);
    this.objects -= list.pending.length;
    addObject(this.snapshot, envelope, list.origin, this.options, this.snapshot.origins);
  }
  warning(w: SourceWarning): void {
    this.snapshot.warnings.push(w);
  }
  /** The input ended (or failed) inside a List: its items stand. */
  finish(): void {
    if (this.list) this.flush(this.list, this.list.head);
    this.list = undefined;
  }
  private flush(list: NonNullable<SnapshotSink['list']>, envelope: Json | undefined): void {
    const kind = typeof envelope?.kind === 'string' ? envelope.kind : undefined;
    for (const [value, origin] of list.pending)
      this.add(typeListItem(value, kind, envelope?.apiVersion), origin);
    list.pending = [];
  }
  private add(value: unknown, origin: Origin): void {
    addObject(this.snapshot, value, origin, this.options, this.snapshot.origins);
  }
}

function addTyped(snapshot: ClusterSnapshot, info: KindInfo, obj: Json): void {
  // The shape was checked above as far as the graph relies on it; the API types are structural.
  (snapshot[info.key] as unknown[]).push(obj);
}

/** extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress → v1 (serviceName/servicePort → service.name/port). */
function ingressV1beta1ToV1(obj: Json): Json {
  const convertBackend = (b: unknown): unknown => {
    if (!isObject(b)) return b;
    if (b.service !== undefined || b.resource !== undefined) return b;
    const port = b.servicePort;
    return {
      service: {
        name: b.serviceName,
        port:
          typeof port === 'number' || /^\d+$/.test(String(port)) ? { number: Number(port) } : { name: port },
      },
    };
  };
  const spec = isObject(obj.spec) ? obj.spec : {};
  const rules = Array.isArray(spec.rules)
    ? spec.rules.map((r) => {
        if (!isObject(r) || !isObject(r.http) || !Array.isArray(r.http.paths)) return r;
        return {
          ...r,
          http: {
            ...r.http,
            paths: r.http.paths.map((p) =>
              isObject(p)
                ? {
                    ...p,
                    pathType: p.pathType ?? 'ImplementationSpecific',
                    backend: convertBackend(p.backend),
                  }
                : p,
            ),
          },
        };
      })
    : spec.rules;
  const newSpec: Json = { ...spec, rules };
  if (spec.backend !== undefined && spec.defaultBackend === undefined) {
    newSpec.defaultBackend = convertBackend(spec.backend);
    delete newSpec.backend;
  }
  if (rules === undefined) delete newSpec.rules;
  return { ...obj, apiVersion: 'networking.k8s.io/v1', spec: newSpec };
}

/**
 * A snapshot from plain objects (manifests, API items, test fixtures). `origins` maps objects (and List
 * items) to file:line; the snapshot keeps them. Not live: template pods of workloads stand in for pods.
 */
export function snapshotFromObjects(
  objects: unknown[],
  origins?: WeakMap<object, Origin>,
  options: AddOptions & { live?: boolean } = {},
): ClusterSnapshot {
  const snapshot = emptySnapshot(options.live ?? false);
  for (const obj of objects) {
    const origin = typeof obj === 'object' && obj !== null ? origins?.get(obj) : undefined;
    addObject(snapshot, obj, origin, options, origins);
  }
  return snapshot;
}
