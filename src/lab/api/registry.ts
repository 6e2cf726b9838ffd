import { randomBytes } from 'node:crypto';
import type { StrategyContext } from './kinds/types.js';
import {
  annotations,
  type Cause,
  canonical,
  dns1035Label,
  dns1123Label,
  dns1123Subdomain,
  invalidValue,
  isObj,
  labels,
  type Obj,
  required,
} from './kinds/validation.js';
import { applyManagedFields } from './managed-fields.js';
import { applyPatch, type PatchType } from './patch.js';
import { apiVersionOf, type ResourceInfo, resourceNamed } from './resources.js';
import { checkFields, KIND_TYPES } from './schema.js';
import { ApiError, alreadyExists, badRequest, invalid, notFound, status } from './status.js';
import { type KubeObject, type ObjectStore, timestamp } from './store.js';

/** How a write is made: who makes it (managedFields), whether it persists, how unknown fields are treated. */
export interface WriteOptions {
  manager: string;
  dryRun?: boolean;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export interface WriteResult {
  object: KubeObject;
  /** Warning header values (unknown fields with fieldValidation=Warn). */
  warnings: string[];
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export type Subresource = 'status' | 'scale' | undefined;

const NAMESPACES = resourceNamed('namespaces');
const SERVICES = resourceNamed('services');
const PODS = resourceNamed('pods');

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** apimachinery's names.SimpleNameGenerator: 5 characters that never spell words. */
export function randomSuffix(n = 5): string {
  const bytes = randomBytes(n);
  return [...bytes].map((b) => GENERATE_ALPHABET[b % GENERATE_ALPHABET.length]).join('');
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, p) => (a << 8) + Number(p), 0) >>> 0;
}
function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function conflict(info: ResourceInfo, name: string, why: string): ApiError {
  return new ApiError(
    status(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${info.group ? `${info.resource}.${info.group}` : info.resource} "${name}": ${why}`,
      { name, ...(info.group ? { group: info.group } : {}), kind: info.resource },
    ),
  );
}

type Doc = Obj & { metadata: Obj };
const doc = (k: KubeObject): Doc => k as unknown as Doc;
const kube = (d: Doc): KubeObject => d as unknown as KubeObject;

const MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

/**
 * The write path of the lab API, like kube-apiserver's generic registry: decoding checks (kind, strict fields),
 * server-managed metadata, status and scale subresources, defaults and admission, validation (422 with field
 * paths), optimistic concurrency (409 on a stale resourceVersion), metadata.generation, graceful deletion,
 * finalizers, and no write (no new resourceVersion) when nothing changed. Controllers in the control plane
 * write through it too, so every change looks the same to a watcher.
 */
export class Registry {
  private clusterIPs: Set<number> | undefined;
  private nodePorts: Set<number> | undefined;
  private readonly serviceRange: { first: number; last: number };

  constructor(
    readonly store: ObjectStore,
    opts: { serviceCidr: string; nodePorts?: [number, number] },
  ) {
    const [base, bits] = opts.serviceCidr.split('/');
    const size = 2 ** (32 - Number(bits));
    const first = ipToInt(base as string);
    this.serviceRange = { first: first + 1, last: first + size - 2 };
    this.nodePortRange = opts.nodePorts ?? [30000, 32767];
  }

  private readonly nodePortRange: [number, number];

  // ---- allocations (rebuilt from the store on first use, then kept in step by writes) ----

  private allocations() {
    if (!this.clusterIPs || !this.nodePorts) {
      this.clusterIPs = new Set();
      this.nodePorts = new Set();
      for (const s of this.store.list(SERVICES)) this.track(s, true);
    }
    return { ips: this.clusterIPs, ports: this.nodePorts };
  }

  private track(svc: KubeObject | undefined, add: boolean): void {
    if (!svc || !this.clusterIPs || !this.nodePorts) return;
    const spec = (svc.spec ?? {}) as Obj;
    const op = (set: Set<number>, v: number) => (add ? set.add(v) : set.delete(v));
    if (typeof spec.clusterIP === 'string' && spec.clusterIP !== 'None' && spec.clusterIP)
      op(this.clusterIPs, ipToInt(spec.clusterIP));
    for (const p of (spec.ports as Obj[] | undefined) ?? [])
      if (typeof p.nodePort === 'number') op(this.nodePorts, p.nodePort);
  }

  private context(pending: { ips: number[]; ports: number[] }): StrategyContext {
    const causes: Cause[] = [];
    const fail = (c: Cause) => {
      causes.push(c);
      return undefined;
    };
    return {
      causes,
      randomSuffix: () => randomSuffix(),
      allocateClusterIP: (requested, field) => {
        const { ips } = this.allocations();
        if (requested !== undefined) {
          const n = ipToInt(requested);
          if (n < this.serviceRange.first || n > this.serviceRange.last)
            return fail(
              invalidValue(
                field,
                requested,
                `provided IP is not in the valid range. The range of valid IPs is ${intToIp(this.serviceRange.first - 1)}/${32 - Math.log2(this.serviceRange.last - this.serviceRange.first + 2)}`,
              ),
            );
          if (ips.has(n) || pending.ips.includes(n))
            return fail(invalidValue(field, requested, 'provided IP is already allocated'));
          pending.ips.push(n);
          return requested;
        }
        // Like the real allocator: random within the range, so addresses do not reveal creation order.
        const span = this.serviceRange.last - this.serviceRange.first + 1;
        const start = randomBytes(4).readUInt32BE() % span;
        for (let i = 0; i < span; i++) {
          const n = this.serviceRange.first + ((start + i) % span);
          if (!ips.has(n) && !pending.ips.includes(n)) {
            pending.ips.push(n);
            return intToIp(n);
          }
        }
        return fail(invalidValue(field, '', 'range is full'));
      },
      allocateNodePort: (requested, field) => {
        const { ports } = this.allocations();
        const [lo, hi] = this.nodePortRange;
        if (requested !== undefined) {
          if (ports.has(requested) || pending.ports.includes(requested))
            return fail(invalidValue(field, requested, 'provided port is already allocated'));
          pending.ports.push(requested);
          return requested;
        }
        const span = hi - lo + 1;
        const start = randomBytes(4).readUInt32BE() % span;
        for (let i = 0; i < span; i++) {
          const n = lo + ((start + i) % span);
          if (!ports.has(n) && !pending.ports.includes(n)) {
            pending.ports.push(n);
            return n;
          }
        }
        return fail(invalidValue(field, '', 'range is full'));
      },
    };
  }

  // ---- reads used by writers ----

  get(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(info, info.namespaced ? namespace : undefined, name);
  }

  private mustGet(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    const obj = this.get(info, namespace, name);
    if (!obj) throw notFound(info, name);
    return obj;
  }

  // ---- create ----

  create(info: ResourceInfo, namespace: string | undefined, body: unknown, opts: WriteOptions): WriteResult {
    const warnings: string[] = [];
    const obj = this.decode(info, body, warnings, opts);
    const meta = obj.metadata;
    this.checkNamespace(info, namespace, meta);
    if (!meta.name && typeof meta.generateName === 'string' && meta.generateName)
      meta.name = `${meta.generateName}${randomSuffix()}`;
    for (const k of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'selfLink',
      'generation',
      'managedFields',
    ])
      delete (meta as Obj)[k];
    if (info.namespaced) {
      meta.namespace = namespace;
      const ns = this.get(NAMESPACES, undefined, namespace as string);
      if (!ns) throw notFound(NAMESPACES, namespace as string);
      if ((ns.status as Obj | undefined)?.phase === 'Terminating' || ns.metadata.deletionTimestamp) {
        throw new ApiError(
          status(
            403,
            'Forbidden',
            `${info.resource} "${meta.name ?? ''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
            {
              name: String(meta.name ?? ''),
              kind: info.resource,
            },
          ),
        );
      }
    } else delete meta.namespace;
    const strategy = info.strategy;
    if (strategy.statusSubresource) {
      const initial = strategy.initialStatus?.(obj);
      if (initial === undefined) delete obj.status;
      else obj.status = initial;
    }
    const pending = { ips: [] as number[], ports: [] as number[] };
    const ctx = this.context(pending);
    const causes = this.metaCauses(info, obj);
    strategy.defaults?.(obj, ctx);
    strategy.admit?.(obj, ctx);
    causes.push(...ctx.causes, ...(strategy.validate?.(obj) ?? []));
    if (causes.length) throw invalid(info.kind, String(meta.name ?? ''), dedupe(causes), info.group);
    if (this.get(info, namespace, meta.name as string)) throw alreadyExists(info, meta.name as string);
    if (strategy.generation) meta.generation = 1;
    meta.creationTimestamp = timestamp();
    applyManagedFields(obj, undefined, opts.manager, info, undefined);
    if (opts.dryRun)
      return { object: { ...obj, metadata: { ...meta, uid: meta.uid ?? '' } } as KubeObject, warnings };
    const created = this.store.create(info, kube(obj));
    if (info === SERVICES) this.track(created, true);
    return { object: created, warnings };
  }

  // ---- update (PUT), status and scale included ----

  update(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
    subresource?: Subresource,
  ): WriteResult & { created: boolean } {
    if (subresource === 'scale')
      return { ...this.updateScale(info, namespace, name, body, opts), created: false };
    const warnings: string[] = [];
    const current = this.get(info, namespace, name);
    if (!current) {
      if (info.strategy.allowCreateOnUpdate && !subresource) {
        const created = this.create(info, namespace, body, opts);
        return { ...created, created: true };
      }
      throw notFound(info, name);
    }
    const obj = this.decode(info, body, warnings, opts);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name)
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    if (info.namespaced && obj.metadata.namespace !== undefined && obj.metadata.namespace !== namespace)
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion)
      throw conflict(info, name, MODIFIED);
    return { ...this.commit(info, current, obj, opts, subresource, warnings), created: false };
  }

  // ---- patch ----

  patch(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    opts: WriteOptions,
    subresource?: Subresource,
  ): WriteResult {
    const current = this.mustGet(info, namespace, name);
    if (subresource === 'scale') {
      const scale = this.scaleOf(info, current);
      const patched = applyPatch(scale as never, type, body, KIND_TYPES.Scale);
      return this.updateScale(info, namespace, name, patched, opts);
    }
    const patched = applyPatch(
      structuredClone(current) as never,
      type,
      body,
      info.custom ? undefined : KIND_TYPES[info.kind],
    );
    const warnings: string[] = [];
    const obj = this.decode(info, patched, warnings, opts);
    if (obj.metadata.name !== name) throw badRequest('metadata.name cannot be changed by a patch');
    const rv = obj.metadata.resourceVersion;
    if (rv !== undefined && rv !== current.metadata.resourceVersion) throw conflict(info, name, MODIFIED);
    return this.commit(info, current, obj, opts, subresource, warnings);
  }

  /** The shared tail of update and patch: subresource rules, defaults, validation, generation, the write. */
  private commit(
    info: ResourceInfo,
    current: KubeObject,
    given: Doc,
    opts: WriteOptions,
    subresource: Subresource,
    warnings: string[],
  ): WriteResult {
    const strategy = info.strategy;
    let obj: Doc;
    if (subresource === 'status') {
      if (!strategy.statusSubresource) throw notFound(info, current.metadata.name);
      // Through /status only the status changes (and the finalizers/labels a controller may not touch here).
      obj = { ...doc(structuredClone(current)), status: given.status };
    } else {
      obj = given;
      const meta = obj.metadata;
      // Server-managed metadata comes from the stored object, whatever the client sent.
      for (const k of [
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation',
        'selfLink',
      ])
        if (doc(current).metadata[k] !== undefined) meta[k] = doc(current).metadata[k];
        else delete meta[k];
      meta.name = current.metadata.name;
      if (info.namespaced) meta.namespace = current.metadata.namespace;
      if (current.metadata.managedFields && meta.managedFields === undefined)
        meta.managedFields = current.metadata.managedFields;
      if (strategy.statusSubresource) {
        if (current.status === undefined) delete obj.status;
        else obj.status = structuredClone(current.status);
      }
    }
    const pending = { ips: [] as number[], ports: [] as number[] };
    const ctx = this.context(pending);
    if (info === SERVICES) this.track(current, false);
    try {
      const causes = this.metaCauses(info, obj);
      if (subresource !== 'status') strategy.defaults?.(obj, ctx, doc(current));
      causes.push(...ctx.causes);
      if (subresource !== 'status') causes.push(...(strategy.validate?.(obj, doc(current)) ?? []));
      if (causes.length) throw invalid(info.kind, current.metadata.name, dedupe(causes), info.group);
    } finally {
      if (info === SERVICES) this.track(current, true);
    }
    if (strategy.generation && subresource !== 'status') {
      const specOf = (o: Obj) => canonical({ ...o, metadata: undefined, status: undefined });
      const gen = Number(current.metadata.generation ?? 1);
      obj.metadata.generation = specOf(obj) === specOf(doc(current)) ? gen : gen + 1;
    }
    const sameAs = (a: Obj) =>
      canonical({
        ...a,
        metadata: { ...(a.metadata as Obj), resourceVersion: undefined, managedFields: undefined },
      });
    if (sameAs(obj) === sameAs(doc(current))) return { object: current, warnings };
    applyManagedFields(obj, current, opts.manager, info, subresource);
    obj.metadata.resourceVersion = current.metadata.resourceVersion;
    if (opts.dryRun) return { object: kube(obj), warnings };
    // The last finalizer of an object being deleted is gone: the object goes (graceful pods wait for the kubelet).
    const meta = kube(obj).metadata;
    if (meta.deletionTimestamp && (meta.finalizers ?? []).length === 0 && this.graceOver(info, obj)) {
      return { object: this.remove(info, kube(obj)), warnings };
    }
    if (info === SERVICES) this.track(current, false);
    const stored = this.store.replace(info, kube(obj));
    if (info === SERVICES) this.track(stored, true);
    return { object: stored, warnings };
  }

  private graceOver(info: ResourceInfo, obj: Obj): boolean {
    if (info !== PODS) return true;
    return Number((obj.metadata as Obj).deletionGracePeriodSeconds ?? 0) === 0;
  }

  private remove(info: ResourceInfo, obj: KubeObject): KubeObject {
    const last = this.store.remove(info, obj.metadata.namespace, obj.metadata.name) ?? obj;
    if (info === SERVICES) this.track(obj, false);
    return last;
  }

  // ---- binding (pods/binding: how a scheduler assigns a node) ----

  /** Binds an unscheduled pod to a node: spec.nodeName and the PodScheduled condition, in one write. */
  bind(info: ResourceInfo, namespace: string, name: string, node: string): KubeObject | undefined {
    const pod = this.get(info, namespace, name);
    if (!pod || (pod.spec as Obj | undefined)?.nodeName) return pod;
    const next = structuredClone(pod);
    (next.spec as Obj).nodeName = node;
    const st = (next.status ?? {}) as Obj;
    const conditions = ((st.conditions as Obj[] | undefined) ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({
      type: 'PodScheduled',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: timestamp(),
    });
    next.status = { ...st, conditions };
    return this.store.replace(info, next);
  }

  // ---- scale subresource ----

  scaleOf(info: ResourceInfo, obj: KubeObject): Obj {
    if (!info.strategy.scale) throw notFound(info, obj.metadata.name);
    const spec = (obj.spec ?? {}) as Obj;
    const st = (obj.status ?? {}) as Obj;
    const sel = (spec.selector ?? {}) as Obj;
    const parts = Object.entries((sel.matchLabels as Record<string, string>) ?? {}).map(
      ([k, v]) => `${k}=${v}`,
    );
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: spec.replicas ?? 0 },
      status: { replicas: st.replicas ?? 0, selector: parts.join(',') },
    };
  }

  getScale(info: ResourceInfo, namespace: string | undefined, name: string): Obj {
    return this.scaleOf(info, this.mustGet(info, namespace, name));
  }

  private updateScale(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
  ): WriteResult {
    const current = this.mustGet(info, namespace, name);
    if (!info.strategy.scale) throw notFound(info, name);
    if (!isObj(body))
      throw badRequest('the request body is not a JSON object (expected an autoscaling/v1 Scale)');
    const meta = isObj(body.metadata) ? body.metadata : {};
    if (meta.resourceVersion && meta.resourceVersion !== current.metadata.resourceVersion)
      throw conflict(info, name, MODIFIED);
    const replicas = isObj(body.spec) ? body.spec.replicas : undefined;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', name, [
        replicas === undefined
          ? required('spec.replicas')
          : invalidValue('spec.replicas', replicas, 'must be greater than or equal to 0'),
      ]);
    }
    const next = doc(structuredClone(current));
    (next.spec as Obj).replicas = replicas;
    const { object } = this.commit(info, current, next, opts, undefined, []);
    return { object: this.scaleOf(info, object) as unknown as KubeObject, warnings: [] };
  }

  // ---- delete ----

  /** Deletes now, or marks for deletion (graceful pods, finalizers): `deleted` says which. */
  delete(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
    opts: WriteOptions,
  ): { object: KubeObject; deleted: boolean } {
    const current = this.mustGet(info, namespace, name);
    const pre = options.preconditions ?? {};
    if (pre.uid && pre.uid !== current.metadata.uid)
      throw conflict(
        info,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    if (pre.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion)
      throw conflict(
        info,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    const next = structuredClone(current) as KubeObject;
    const meta = next.metadata;
    const finalizers = new Set(meta.finalizers ?? []);
    if (!meta.deletionTimestamp) {
      if (options.propagationPolicy === 'Orphan') finalizers.add('orphan');
      if (options.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
    }
    let grace = 0;
    if (info === PODS) {
      const spec = (current.spec ?? {}) as Obj;
      const phase = (current.status as Obj | undefined)?.phase;
      grace = options.gracePeriodSeconds ?? Number(spec.terminationGracePeriodSeconds ?? 30);
      // Unscheduled or finished pods have nothing to stop: they go at once (the real API does the same).
      if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
      if (meta.deletionTimestamp && meta.deletionGracePeriodSeconds !== undefined)
        grace = Math.min(grace, Number(meta.deletionGracePeriodSeconds));
    }
    if (info === NAMESPACES) {
      // The namespace controller empties it, then removes spec.finalizers; until then it is Terminating.
      const nsFinalizers = ((next.spec as Obj | undefined)?.finalizers as string[] | undefined) ?? [];
      if (nsFinalizers.length > 0 || finalizers.size > 0) {
        if (options.dryRun) return { object: current, deleted: false };
        if (current.metadata.deletionTimestamp) return { object: current, deleted: false };
        meta.deletionTimestamp = timestamp();
        meta.deletionGracePeriodSeconds = 0;
        meta.finalizers = finalizers.size ? [...finalizers] : undefined;
        next.status = { ...((next.status as Obj) ?? {}), phase: 'Terminating' };
        return { object: this.store.replace(info, next), deleted: false };
      }
    }
    if (grace > 0 || finalizers.size > 0) {
      if (options.dryRun) return { object: current, deleted: false };
      const already =
        meta.deletionTimestamp &&
        Number(meta.deletionGracePeriodSeconds ?? 0) === grace &&
        sameSet(meta.finalizers, finalizers);
      if (already) return { object: current, deleted: false };
      meta.deletionTimestamp =
        meta.deletionTimestamp && grace >= Number(meta.deletionGracePeriodSeconds ?? 0)
          ? meta.deletionTimestamp
          : (new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') as unknown as Date);
      meta.deletionGracePeriodSeconds = grace;
      meta.finalizers = finalizers.size ? [...finalizers] : undefined;
      if (!meta.finalizers) delete meta.finalizers;
      return { object: this.store.replace(info, next), deleted: false };
    }
    if (options.dryRun) return { object: current, deleted: true };
    void opts;
    return { object: this.remove(info, current), deleted: true };
  }

  // ---- helpers ----

  /** Parses and checks a body: an object of this kind, strict fields, metadata present. */
  private decode(info: ResourceInfo, body: unknown, warnings: string[], opts: WriteOptions): Doc {
    if (!isObj(body))
      throw badRequest(
        `the request body is not a JSON object (expected a ${apiVersionOf(info)} ${info.kind})`,
      );
    if (body.kind !== undefined && body.kind !== info.kind)
      throw badRequest(
        `the object provided is unrecognized (must be of type ${info.kind}): Object 'Kind' is "${String(body.kind)}"`,
      );
    if (typeof body.apiVersion === 'string') {
      const group = body.apiVersion.includes('/') ? body.apiVersion.split('/')[0] : '';
      if (group !== info.group)
        throw badRequest(
          `the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersionOf(info)})`,
        );
    }
    const modelType = info.custom ? undefined : KIND_TYPES[info.kind];
    if (modelType) {
      const problems = checkFields(body, modelType);
      const typeErr = problems.find((p) => p.kind === 'type');
      if (typeErr) {
        throw badRequest(
          `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: json: cannot unmarshal ${typeErr.got === 'object' ? 'object' : typeErr.got} into Go struct field ${typeErr.struct ?? info.kind}.${typeErr.path} of type ${typeErr.want}`,
        );
      }
      const unknown = problems.filter((p) => p.kind === 'unknown').map((p) => `unknown field "${p.path}"`);
      if (unknown.length) {
        if ((opts.fieldValidation ?? 'Warn') === 'Strict')
          throw badRequest(`strict decoding error: ${unknown.join(', ')}`);
        if (opts.fieldValidation !== 'Ignore') warnings.push(...unknown);
      }
    }
    const obj = structuredClone(body) as Doc;
    obj.apiVersion = apiVersionOf(info);
    obj.kind = info.kind;
    if (!isObj(obj.metadata)) obj.metadata = {};
    return obj;
  }

  private checkNamespace(info: ResourceInfo, namespace: string | undefined, meta: Obj): void {
    if (!info.namespaced) return;
    if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace)
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
  }

  private metaCauses(info: ResourceInfo, obj: Obj): Cause[] {
    const meta = obj.metadata as Obj;
    const name = meta.name;
    const out: Cause[] = [];
    if (typeof name !== 'string' || name === '')
      out.push(required('metadata.name', 'name or generateName is required'));
    else if (info.strategy.name === 'label') out.push(...dns1123Label('metadata.name', name));
    else if (info.strategy.name === 'dns1035') out.push(...dns1035Label('metadata.name', name));
    else if (info.strategy.name === 'subdomain') out.push(...dns1123Subdomain('metadata.name', name));
    out.push(
      ...labels('metadata.labels', meta.labels),
      ...annotations('metadata.annotations', meta.annotations),
    );
    return out;
  }
}

function sameSet(a: string[] | undefined, b: Set<string>): boolean {
  const x = new Set(a ?? []);
  return x.size === b.size && [...x].every((v) => b.has(v));
}

function dedupe(causes: Cause[]): Cause[] {
  const seen = new Set<string>();
  return causes.filter((c) => {
    const k = `${c.field}|${c.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
