import { randomBytes } from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import type { PodRuntime } from '../runtime.js';
import { RESOURCES, type ResourceInfo } from './resources.js';
import { ApiError, alreadyExists, badRequest, forbidden, invalid, notFound } from './status.js';
import { type KubeObject, type ObjectStore, timestamp } from './store.js';

export const PODS: ResourceInfo = RESOURCES.find((r) => r.resource === 'pods')!;
const NAMESPACES: ResourceInfo = RESOURCES.find((r) => r.resource === 'namespaces')!;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Pods created through the API: validated, stored Pending, started by the runtime (Running with addresses)
 * and stopped on delete. Pods seeded from the lab's objects belong to the lab and cannot be deleted here.
 */
export class PodLifecycle {
  /** Start operations in flight, so a delete waits for the start it would otherwise race. */
  private readonly starting = new Map<string, Promise<void>>();
  private readonly deleting = new Map<string, Promise<KubeObject>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly runtime: PodRuntime,
  ) {}

  create(namespace: string, body: unknown): KubeObject {
    if (!isRecord(body)) throw badRequest('the request body is not a JSON object (expected a v1 Pod)');
    if (body.kind !== undefined && body.kind !== 'Pod') {
      throw badRequest(
        `the object kind "${String(body.kind)}" does not match the resource "pods"; expected Pod`,
      );
    }
    const meta = isRecord(body.metadata) ? { ...body.metadata } : {};
    if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    let name = typeof meta.name === 'string' ? meta.name : '';
    if (!name && typeof meta.generateName === 'string' && meta.generateName) {
      name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    }
    const causes = this.validate(name, body.spec);
    if (causes.length) throw invalid('Pod', name, causes);
    if (!this.store.get(NAMESPACES, undefined, namespace)) throw notFound(NAMESPACES, namespace);
    if (this.store.get(PODS, namespace, name)) throw alreadyExists(PODS, name);

    const spec = { ...(body.spec as Record<string, unknown>) };
    const containers = (spec.containers as Record<string, unknown>[]).map((c) => ({
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
      resources: {},
      ...c,
    }));
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...meta, name, namespace, creationTimestamp: timestamp() },
      spec: {
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
        serviceAccountName: 'default',
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
        priority: 0,
        securityContext: {},
        ...spec,
        containers,
      },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    };
    const created = this.store.create(PODS, pod);
    const key = `${namespace}/${name}`;
    const start = this.start(created).finally(() => this.starting.delete(key));
    this.starting.set(key, start);
    return created;
  }

  private validate(name: string, spec: unknown): { field: string; reason: string; message: string }[] {
    const causes: { field: string; reason: string; message: string }[] = [];
    if (!name) {
      causes.push({
        field: 'metadata.name',
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
      });
    } else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
      causes.push({
        field: 'metadata.name',
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      });
    }
    const containers = isRecord(spec) ? spec.containers : undefined;
    if (!Array.isArray(containers) || containers.length === 0) {
      causes.push({ field: 'spec.containers', reason: 'FieldValueRequired', message: 'Required value' });
      return causes;
    }
    const seen = new Set<string>();
    containers.forEach((c, i) => {
      const cname = isRecord(c) && typeof c.name === 'string' ? c.name : '';
      if (!cname) {
        causes.push({
          field: `spec.containers[${i}].name`,
          reason: 'FieldValueRequired',
          message: 'Required value',
        });
      } else if (cname.length > 63 || !DNS1123_LABEL.test(cname)) {
        causes.push({
          field: `spec.containers[${i}].name`,
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${cname}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
        });
      } else if (seen.has(cname)) {
        causes.push({
          field: `spec.containers[${i}].name`,
          reason: 'FieldValueDuplicate',
          message: `Duplicate value: "${cname}"`,
        });
      }
      seen.add(cname);
      if (!isRecord(c) || typeof c.image !== 'string' || c.image.trim() === '') {
        causes.push({
          field: `spec.containers[${i}].image`,
          reason: 'FieldValueRequired',
          message: 'Required value',
        });
      }
    });
    return causes;
  }

  private async start(pod: KubeObject): Promise<void> {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name;
    try {
      const addr = await this.runtime.startPod(pod as unknown as V1Pod);
      const current = this.store.get(PODS, ns, name);
      if (!current || current.metadata.uid !== pod.metadata.uid) return;
      const started = timestamp() as unknown as string;
      const spec = current.spec as Record<string, unknown>;
      const containers = (spec.containers as Record<string, unknown>[]) ?? [];
      const cond = (type: string) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: started,
      });
      this.store.replace(PODS, {
        ...current,
        spec: { ...spec, nodeName: addr.nodeName },
        status: {
          phase: 'Running',
          conditions: [
            'PodReadyToStartContainers',
            'Initialized',
            'Ready',
            'ContainersReady',
            'PodScheduled',
          ].map(cond),
          hostIP: addr.hostIP,
          hostIPs: [{ ip: addr.hostIP }],
          podIP: addr.podIP,
          podIPs: [{ ip: addr.podIP }],
          startTime: started,
          qosClass: 'BestEffort',
          containerStatuses: containers.map((c) => ({
            name: c.name,
            image: c.image,
            imageID: '',
            containerID: `lab://${pod.metadata.uid}/${c.name}`,
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: started } },
          })),
        },
      });
    } catch (err) {
      const current = this.store.get(PODS, ns, name);
      if (!current || current.metadata.uid !== pod.metadata.uid) return;
      // The pod cannot run; Failed (not stuck Pending) so a client waiting for Running stops waiting.
      this.store.replace(PODS, {
        ...current,
        status: {
          phase: 'Failed',
          reason: 'LabRuntimeError',
          message: `the lab could not start the pod: ${(err as Error).message}`,
          qosClass: 'BestEffort',
        },
      });
    }
  }

  /** Stops and removes one pod; returns its last state. */
  async delete(namespace: string, name: string): Promise<KubeObject> {
    const pod = this.store.get(PODS, namespace, name);
    if (!pod) throw notFound(PODS, name);
    if (this.store.isSeeded(PODS, namespace, name)) {
      throw forbidden(
        PODS,
        name,
        'this pod is part of the lab; only pods created through the API can be deleted (use `ingress-doctor lab down` to remove the lab)',
      );
    }
    return this.stopAndRemove(pod);
  }

  /** deletecollection: refuses (403) if any match is a lab pod, else stops every match. */
  async deleteCollection(matches: readonly KubeObject[]): Promise<KubeObject[]> {
    const seeded = matches.find((p) => this.store.isSeeded(PODS, p.metadata.namespace, p.metadata.name));
    if (seeded) {
      throw forbidden(
        PODS,
        '',
        `the selection includes the lab's pod "${seeded.metadata.namespace}/${seeded.metadata.name}"; only pods created through the API can be deleted`,
      );
    }
    return Promise.all(matches.map((p) => this.stopAndRemove(p)));
  }

  /** Stops every pod created through the API (server shutdown). */
  async stopAll(): Promise<void> {
    const created = this.store
      .list(PODS)
      .filter((p) => !this.store.isSeeded(PODS, p.metadata.namespace, p.metadata.name));
    await Promise.allSettled(created.map((p) => this.stopAndRemove(p)));
  }

  private stopAndRemove(pod: KubeObject): Promise<KubeObject> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const inFlight = this.deleting.get(key);
    if (inFlight) return inFlight;
    const done = this.doStopAndRemove(pod).finally(() => this.deleting.delete(key));
    this.deleting.set(key, done);
    return done;
  }

  private async doStopAndRemove(pod: KubeObject): Promise<KubeObject> {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name;
    if (!pod.metadata.deletionTimestamp) {
      pod = this.store.replace(PODS, {
        ...pod,
        metadata: { ...pod.metadata, deletionTimestamp: timestamp(), deletionGracePeriodSeconds: 0 },
      });
    }
    await this.starting.get(`${ns}/${name}`);
    let stopError: Error | undefined;
    try {
      await this.runtime.stopPod(pod as unknown as V1Pod);
    } catch (err) {
      stopError = err as Error;
    }
    const last = this.store.remove(PODS, ns, name) ?? pod;
    if (stopError) {
      throw new ApiError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `pod "${name}" was removed from the API but the lab could not stop it: ${stopError.message}`,
        reason: 'InternalError',
        code: 500,
      });
    }
    return last;
  }
}
