/**
 * The synthetic cluster of the audit benchmark and the large-input tests. At scale 1 (100 %): 2,000
 * namespaces, 50,000 pods, 10,000 Services (and their Deployments and EndpointSlices), 5,000
 * Ingresses/HTTPRoutes, 2,000 NetworkPolicies, 5,000 PDBs and 6,000 ConfigMaps (~100,000 objects).
 *
 *   for (const obj of syntheticCluster(0.1)) …                      // the objects as written in manifests
 *   for (const obj of syntheticCluster(1, { served: true })) …      // as `kubectl get -A -o json` prints them
 *   await writeCluster(file, 1, 'json', { served: true });          // one List, 4-space indent, like kubectl
 *   for await (const chunk of clusterText(1, 'yaml-list')) …        // the same, streamed (no file needed)
 *
 * `served` adds what an API server adds and kubectl prints: uid, resourceVersion, creationTimestamp, the
 * last-applied annotation of `kubectl apply`, defaulted spec fields (tolerations, the service-account volume,
 * resources, termination settings) and full status (conditions, containerStatuses, Node images and capacity);
 * with `managedFields` also metadata.managedFields, as the API returns them. Keys are sorted, as kubectl's
 * printer sorts them. The served cluster holds the same objects with the same meaning: it gives the same
 * findings as the plain one.
 */
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { stringify } from 'yaml';

/** Addresses in the lab/benchmark range 198.18.0.0/15 only. */
function ip(n: number): string {
  return `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
}

export interface SyntheticOptions {
  /** As an API server returns the objects (see the header). Default false: as written in manifests. */
  served?: boolean;
  /**
   * With `served`: metadata.managedFields too, as the API returns them (`kubectl get --raw`, client libraries,
   * `kubectl get --show-managed-fields`). kubectl leaves them out by default since 1.21.
   */
  managedFields?: boolean;
}

/** The synthetic cluster at `scale` (1 = 100 %), as plain API objects, in a stable order. */
export function* syntheticCluster(scale: number, options: SyntheticOptions = {}): Generator<object> {
  const served = options.served ? new Server(options.managedFields === true) : undefined;
  for (const obj of manifests(scale)) yield served ? served.serve(obj) : obj;
}

function* manifests(scale: number): Generator<Record<string, unknown>> {
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  const nodes = n(100);
  const namespaces = n(2000);
  const routes = n(5000);
  yield {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
    spec: { controller: 'k8s.io/ingress-nginx' },
  };
  yield {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: 'eg' },
    spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
  };
  yield {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'public', namespace: 'infra' },
    spec: {
      gatewayClassName: 'eg',
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
      ],
    },
  };
  const ctl = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };
  yield {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx', labels: ctl },
    spec: {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      selector: ctl,
      ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }],
    },
    status: { loadBalancer: { ingress: [{ ip: ip(1) }] } },
  };
  yield {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
    spec: {
      replicas: 2,
      selector: { matchLabels: ctl },
      template: {
        metadata: { labels: ctl },
        spec: {
          containers: [
            {
              name: 'controller',
              image: 'registry.k8s.io/ingress-nginx/controller:v1.12.0',
              ports: [{ name: 'http', containerPort: 80 }],
            },
          ],
        },
      },
    },
  };
  for (let i = 0; i < nodes; i++) {
    yield {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}` } },
      status: { addresses: [{ type: 'InternalIP', address: ip(0x10000 + i) }] },
    };
  }
  let podNo = 0;
  for (let i = 0; i < namespaces; i++) {
    const ns = `app-${i}`;
    yield { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: `t${i % 50}` } } };
    yield i % 2 === 0
      ? {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'default-deny', namespace: ns },
          spec: { podSelector: {}, policyTypes: ['Ingress'] },
        }
      : {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'from-ingress', namespace: ns },
          spec: {
            podSelector: {},
            ingress: [
              {
                from: [
                  { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
                ],
              },
            ],
          },
        };
    for (let c = 0; c < 3; c++) {
      yield {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `config-${c}`, namespace: ns },
        data: { 'app.properties': `feature.${c}=true\nlevel=info\n` },
      };
    }
    for (let j = 0; j < 5; j++) {
      const app = `svc-${j}`;
      const labels = { app, 'app.kubernetes.io/part-of': ns };
      const container = {
        name: 'app',
        image: `registry.example/app-${j}:1.${i % 7}`,
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
        lifecycle: j % 2 === 0 ? { preStop: { exec: { command: ['sleep', '15'] } } } : undefined,
      };
      yield {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, namespace: ns, labels },
        spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      };
      yield {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: app, namespace: ns, labels },
        spec: {
          replicas: 5,
          selector: { matchLabels: { app } },
          template: { metadata: { labels }, spec: { containers: [container] } },
        },
      };
      if ((i * 5 + j) % 2 === 0) {
        yield {
          apiVersion: 'policy/v1',
          kind: 'PodDisruptionBudget',
          metadata: { name: app, namespace: ns },
          spec: { minAvailable: 1, selector: { matchLabels: { app } } },
        };
      }
      const endpoints: object[] = [];
      for (let k = 0; k < 5; k++) {
        const name = `${app}-7d9f8c-${k}`;
        const node = `node-${podNo % nodes}`;
        const podIP = ip(podNo + 256);
        podNo++;
        yield {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name,
            namespace: ns,
            labels: { ...labels, 'pod-template-hash': '7d9f8c' },
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: `${app}-7d9f8c`,
                uid: `u-${podNo}`,
                controller: true,
              },
            ],
          },
          spec: { nodeName: node, containers: [container] },
          status: {
            phase: 'Running',
            podIP,
            hostIP: ip(0x10000 + (podNo % nodes)),
            conditions: [{ type: 'Ready', status: k === 4 && j === 4 ? 'False' : 'True' }],
          },
        };
        endpoints.push({
          addresses: [podIP],
          conditions: { ready: !(k === 4 && j === 4) },
          nodeName: node,
          targetRef: { kind: 'Pod', name, namespace: ns },
        });
      }
      yield {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${app}-abcde`, namespace: ns, labels: { 'kubernetes.io/service-name': app } },
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints,
      };
    }
  }
  for (let k = 0; k < routes; k++) {
    const ns = `app-${k % namespaces}`;
    const svc = `svc-${Math.floor(k / namespaces) % 5}`;
    const host = `h${k}.example.com`;
    if (k % 2 === 0) {
      yield {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          name: `web-${k}`,
          namespace: ns,
          annotations: k % 4 === 0 ? { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '30' } : {},
        },
        spec: {
          ingressClassName: 'nginx',
          rules: [
            {
              host,
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: svc, port: { number: 80 } } },
                  },
                  {
                    path: '/api',
                    pathType: 'Prefix',
                    backend: { service: { name: svc, port: { name: 'http' } } },
                  },
                ],
              },
            },
          ],
        },
      };
    } else {
      yield {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: `route-${k}`, namespace: ns },
        spec: {
          parentRefs: [{ name: 'public', namespace: 'infra' }],
          hostnames: [host],
          rules: [
            {
              matches: [{ path: { type: 'PathPrefix', value: '/' } }],
              backendRefs: [{ name: svc, port: 80 }],
            },
            {
              matches: [{ path: { type: 'Exact', value: '/checkout' } }],
              backendRefs: [{ name: svc, port: 80 }],
              timeouts: { request: '10s' },
            },
          ],
        },
      };
    }
  }
}

type Obj = Record<string, unknown>;

const T0 = Date.UTC(2025, 9, 1, 8, 0, 0);

/** A deterministic hex string of `len` digits from a counter. */
function hex(n: number, len: number): string {
  let s = '';
  let x = (n + 1) * 2654435761;
  while (s.length < len) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += x.toString(16).padStart(8, '0');
  }
  return s.slice(0, len);
}

function uid(n: number): string {
  const h = hex(n, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Keys sorted at every level, as kubectl prints objects; undefined members dropped. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (typeof v !== 'object' || v === null) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Obj)[k];
    if (x !== undefined) out[k] = sorted(x);
  }
  return out;
}

/** The managedFields tree (FieldsV1) of a value, the way server-side field management records it. */
function fieldsV1(v: unknown): Obj {
  const out: Obj = {};
  if (typeof v !== 'object' || v === null) return out;
  if (Array.isArray(v)) {
    for (const e of v) {
      if (typeof e !== 'object' || e === null) out[`v:${JSON.stringify(e)}`] = {};
      else {
        const keyed = e as Obj;
        const k =
          keyed.name !== undefined
            ? { name: keyed.name }
            : keyed.type !== undefined
              ? { type: keyed.type }
              : keyed.ip !== undefined
                ? { ip: keyed.ip }
                : undefined;
        out[k ? `k:${JSON.stringify(k)}` : `i:${Object.keys(out).length}`] = { '.': {}, ...fieldsV1(e) };
      }
    }
    return out;
  }
  for (const [k, x] of Object.entries(v as Obj)) {
    if (x === undefined) continue;
    out[`f:${k}`] =
      typeof x === 'object' && x !== null && !Array.isArray(x) ? { '.': {}, ...fieldsV1(x) } : fieldsV1(x);
  }
  return out;
}

function time(minutes: number): string {
  return new Date(T0 + minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Decorates manifests the way an API server stores them (see the header). */
class Server {
  private n = 0;
  private svcNo = 0;

  constructor(private readonly managedFields: boolean) {}

  serve(obj: Obj): Obj {
    const n = this.n++;
    const kind = obj.kind as string;
    const meta = { ...(obj.metadata as Obj) };
    const applied = APPLIED.has(kind);
    const out: Obj = { ...obj, metadata: meta };
    const spec = obj.spec === undefined ? undefined : structuredClone(obj.spec as Obj);
    if (spec) out.spec = spec;
    if (applied) {
      meta.annotations = {
        ...((meta.annotations as Obj | undefined) ?? {}),
        'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(obj)}\n`,
      };
    }
    meta.creationTimestamp = time(n % 50_000);
    meta.resourceVersion = String(1_000_000 + n * 7);
    meta.uid = uid(n);
    const managed: Obj[] = [];
    const manager = applied ? 'kubectl-client-side-apply' : 'kube-controller-manager';
    switch (kind) {
      case 'Pod':
        this.pod(out, meta, spec as Obj, n);
        break;
      case 'Deployment':
        this.deployment(out, meta, spec as Obj);
        break;
      case 'Service':
        this.service(spec as Obj);
        out.status ??= { loadBalancer: {} };
        break;
      case 'EndpointSlice':
        this.endpointSlice(out, meta, n);
        break;
      case 'Node':
        this.node(out, meta, n);
        break;
      case 'Namespace':
        meta.labels = { ...(meta.labels as Obj), 'kubernetes.io/metadata.name': meta.name };
        out.spec = { finalizers: ['kubernetes'] };
        out.status = { phase: 'Active' };
        break;
      case 'PodDisruptionBudget':
        meta.generation = 1;
        out.status = {
          conditions: [
            {
              lastTransitionTime: time(5),
              message: '',
              observedGeneration: 1,
              reason: 'SufficientPods',
              status: 'True',
              type: 'DisruptionAllowed',
            },
          ],
          currentHealthy: 5,
          desiredHealthy: 1,
          disruptionsAllowed: 4,
          expectedPods: 5,
          observedGeneration: 1,
        };
        break;
      case 'Ingress':
        meta.generation = 1;
        out.status = { loadBalancer: { ingress: [{ ip: ip(1) }] } };
        break;
      case 'HTTPRoute':
        meta.generation = 1;
        out.status = {
          parents: [
            {
              conditions: ['Accepted', 'ResolvedRefs'].map((type) => ({
                lastTransitionTime: time(3),
                message:
                  type === 'Accepted'
                    ? 'Route is accepted'
                    : 'Resolved all the Object references for the Route',
                observedGeneration: 1,
                reason: type,
                status: 'True',
                type,
              })),
              controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
              parentRef: {
                group: 'gateway.networking.k8s.io',
                kind: 'Gateway',
                name: 'public',
                namespace: 'infra',
              },
            },
          ],
        };
        break;
    }
    const fields: Obj = { 'f:metadata': fieldsV1({ labels: meta.labels, annotations: meta.annotations }) };
    if (out.spec !== undefined) fields['f:spec'] = fieldsV1(out.spec);
    if (out.data !== undefined) fields['f:data'] = fieldsV1(out.data);
    if (out.endpoints !== undefined) fields['f:endpoints'] = fieldsV1(out.endpoints);
    managed.push({
      apiVersion: obj.apiVersion,
      fieldsType: 'FieldsV1',
      fieldsV1: fields,
      manager: kind === 'Pod' || kind === 'EndpointSlice' ? 'kube-controller-manager' : manager,
      operation: 'Update',
      time: meta.creationTimestamp,
    });
    if (out.status !== undefined && kind !== 'Namespace') {
      managed.push({
        apiVersion: obj.apiVersion,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:status': fieldsV1(out.status) },
        manager: kind === 'Pod' || kind === 'Node' ? 'kubelet' : 'kube-controller-manager',
        operation: 'Update',
        subresource: 'status',
        time: time((n % 50_000) + 1),
      });
    }
    if (this.managedFields) meta.managedFields = managed;
    return sorted(out) as Obj;
  }

  private container(c: Obj, n: number): void {
    c.imagePullPolicy = 'IfNotPresent';
    c.env = [
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'PORT', value: '8080' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    ];
    c.resources = { limits: { memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } };
    c.terminationMessagePath = '/dev/termination-log';
    c.terminationMessagePolicy = 'File';
    c.volumeMounts = [
      {
        mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
        name: `kube-api-access-${hex(n, 5)}`,
        readOnly: true,
      },
    ];
    for (const key of ['readinessProbe', 'livenessProbe']) {
      const p = c[key] as Obj | undefined;
      if (!p) continue;
      c[key] = {
        ...p,
        failureThreshold: 3,
        httpGet: { ...(p.httpGet as Obj), scheme: 'HTTP' },
        successThreshold: 1,
        timeoutSeconds: 1,
      };
    }
  }

  private podSpecDefaults(spec: Obj, n: number): void {
    for (const c of spec.containers as Obj[]) this.container(c, n);
    Object.assign(spec, {
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    });
  }

  private pod(out: Obj, meta: Obj, spec: Obj, n: number): void {
    const owner = (meta.ownerReferences as Obj[])[0];
    meta.generateName = `${owner.name}-`;
    meta.ownerReferences = [{ ...owner, blockOwnerDeletion: true, uid: uid(n + 7) }];
    this.podSpecDefaults(spec, n);
    Object.assign(spec, {
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      serviceAccount: 'default',
      serviceAccountName: 'default',
      tolerations: [
        {
          effect: 'NoExecute',
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          tolerationSeconds: 300,
        },
        {
          effect: 'NoExecute',
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          tolerationSeconds: 300,
        },
      ],
      volumes: [
        {
          name: `kube-api-access-${hex(n, 5)}`,
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
              {
                downwardAPI: {
                  items: [
                    { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' },
                  ],
                },
              },
            ],
          },
        },
      ],
    });
    const status = { ...(out.status as Obj) };
    const ready = ((status.conditions as Obj[])[0].status as string) === 'True';
    const started = time((n % 50_000) + 1);
    const c = (spec.containers as Obj[])[0];
    status.conditions = [
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ].map((type) => ({
      lastProbeTime: null,
      lastTransitionTime: started,
      status: type === 'Ready' || type === 'ContainersReady' ? (ready ? 'True' : 'False') : 'True',
      type,
    }));
    status.containerStatuses = [
      {
        containerID: `containerd://${hex(n, 64)}`,
        image: c.image,
        imageID: `${String(c.image).split(':')[0]}@sha256:${hex(n >> 4, 64)}`,
        lastState: {},
        name: c.name,
        ready,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: started } },
        volumeMounts: [
          {
            mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
            name: `kube-api-access-${hex(n, 5)}`,
            readOnly: true,
            recursiveReadOnly: 'Disabled',
          },
        ],
      },
    ];
    status.hostIPs = [{ ip: status.hostIP }];
    status.podIPs = [{ ip: status.podIP }];
    status.qosClass = 'Burstable';
    status.startTime = started;
    out.status = status;
  }

  private deployment(out: Obj, meta: Obj, spec: Obj): void {
    meta.generation = 1;
    meta.annotations = { ...(meta.annotations as Obj), 'deployment.kubernetes.io/revision': '1' };
    const tpl = spec.template as Obj;
    this.podSpecDefaults(tpl.spec as Obj, this.n);
    Object.assign(spec, {
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
    });
    const replicas = spec.replicas as number;
    out.status = {
      availableReplicas: replicas,
      conditions: [
        {
          lastTransitionTime: time(2),
          lastUpdateTime: time(2),
          message: 'Deployment has minimum availability.',
          reason: 'MinimumReplicasAvailable',
          status: 'True',
          type: 'Available',
        },
        {
          lastTransitionTime: time(1),
          lastUpdateTime: time(2),
          message: `ReplicaSet "${meta.name}-7d9f8c" has successfully progressed.`,
          reason: 'NewReplicaSetAvailable',
          status: 'True',
          type: 'Progressing',
        },
      ],
      observedGeneration: 1,
      readyReplicas: replicas,
      replicas,
      updatedReplicas: replicas,
    };
  }

  private service(spec: Obj): void {
    const clusterIP = `198.19.${128 + ((this.svcNo >> 8) & 127)}.${this.svcNo & 255}`;
    this.svcNo++;
    Object.assign(spec, {
      clusterIP,
      clusterIPs: [clusterIP],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
    });
    spec.type ??= 'ClusterIP';
    spec.ports = (spec.ports as Obj[]).map((p) => ({ ...p, protocol: 'TCP' }));
  }

  private endpointSlice(out: Obj, meta: Obj, n: number): void {
    const svc = (meta.labels as Obj)['kubernetes.io/service-name'];
    meta.generateName = `${svc}-`;
    meta.generation = 1;
    meta.labels = {
      ...(meta.labels as Obj),
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    };
    meta.annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': time(n % 50_000) };
    meta.ownerReferences = [
      {
        apiVersion: 'v1',
        blockOwnerDeletion: true,
        controller: true,
        kind: 'Service',
        name: svc,
        uid: uid(n + 3),
      },
    ];
    out.endpoints = (out.endpoints as Obj[]).map((e, k) => {
      const ready = (e.conditions as Obj).ready as boolean;
      return {
        ...e,
        conditions: { ready, serving: ready, terminating: false },
        targetRef: { ...(e.targetRef as Obj), uid: uid(n + 100 + k) },
      };
    });
  }

  private node(out: Obj, meta: Obj, n: number): void {
    const name = meta.name as string;
    meta.labels = {
      ...(meta.labels as Obj),
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': 'm5.xlarge',
      'topology.kubernetes.io/zone': `zone-${n % 3}`,
    };
    meta.annotations = {
      'node.alpha.kubernetes.io/ttl': '0',
      'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
    };
    out.spec = { podCIDR: ip(0x8000 + n), podCIDRs: [ip(0x8000 + n)], providerID: `synthetic://${name}` };
    const status = { ...(out.status as Obj) };
    status.addresses = [...(status.addresses as Obj[]), { address: name, type: 'Hostname' }];
    const resources = { cpu: '4', 'ephemeral-storage': '101430960Ki', memory: '16091560Ki', pods: '110' };
    status.allocatable = resources;
    status.capacity = resources;
    status.conditions = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((type) => ({
      lastHeartbeatTime: time(60),
      lastTransitionTime: time(0),
      message: type === 'Ready' ? 'kubelet is posting ready status' : `kubelet has no ${type}`,
      reason: type === 'Ready' ? 'KubeletReady' : `KubeletHasNo${type}`,
      status: type === 'Ready' ? 'True' : 'False',
      type,
    }));
    status.daemonEndpoints = { kubeletEndpoint: { Port: 10250 } };
    status.images = Array.from({ length: 20 }, (_, k) => ({
      names: [`registry.example/app-${k % 5}@sha256:${hex(k, 64)}`, `registry.example/app-${k % 5}:1.${k}`],
      sizeBytes: 20_000_000 + k * 1_000_003,
    }));
    status.nodeInfo = {
      architecture: 'amd64',
      bootID: uid(n + 11),
      containerRuntimeVersion: 'containerd://1.7.22',
      kernelVersion: '6.1.0-26-amd64',
      kubeProxyVersion: 'v1.31.2',
      kubeletVersion: 'v1.31.2',
      machineID: hex(n, 32),
      operatingSystem: 'linux',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      systemUUID: uid(n + 13),
    };
    out.status = status;
  }
}

/** Kinds the synthetic operators apply with `kubectl apply` (they carry its last-applied annotation). */
const APPLIED = new Set([
  'Deployment',
  'Service',
  'Ingress',
  'HTTPRoute',
  'ConfigMap',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'Gateway',
  'GatewayClass',
  'IngressClass',
]);

export type ClusterFormat = 'json' | 'json-compact' | 'yaml' | 'yaml-list';

export interface ClusterTextOptions extends SyntheticOptions {
  /** Only objects [from, to) of the cluster (e.g. to split it into halves). */
  from?: number;
  to?: number;
}

/**
 * The cluster as text, in pieces of about 1 MB: `json` one List with 4-space indent (kubectl's `-o json`),
 * `json-compact` one List on one line, `yaml` multi-document YAML, `yaml-list` one List as `kubectl get -o
 * yaml` prints it (items at indent 0). No anchors or aliases: kubectl writes none.
 */
export async function* clusterText(
  scale: number,
  format: ClusterFormat,
  options: ClusterTextOptions = {},
): AsyncGenerator<string> {
  let piece = '';
  let count = 0;
  let index = 0;
  const from = options.from ?? 0;
  const to = options.to ?? Number.POSITIVE_INFINITY;
  if (format === 'json') piece += '{\n    "apiVersion": "v1",\n    "items": [\n';
  else if (format === 'json-compact') piece += '{"apiVersion":"v1","items":[';
  else if (format === 'yaml-list') piece += 'apiVersion: v1\nitems:';
  for (const obj of syntheticCluster(scale, options)) {
    const k = index++;
    if (k < from) continue;
    if (k >= to) break;
    if (format === 'json') {
      piece += `${count > 0 ? ',\n' : ''}${JSON.stringify(obj, null, 4).replace(/^/gm, '        ')}`;
    } else if (format === 'json-compact') {
      piece += `${count > 0 ? ',' : ''}${JSON.stringify(obj)}`;
    } else if (format === 'yaml') {
      piece += `${count > 0 ? '---\n' : ''}${stringify(obj, { aliasDuplicateObjects: false })}`;
    } else {
      piece += `${count === 0 ? '\n' : ''}${stringify([obj], { aliasDuplicateObjects: false })}`;
    }
    count++;
    if (piece.length >= 1 << 20) {
      yield piece;
      piece = '';
    }
  }
  if (format === 'json')
    piece += `${count > 0 ? '\n' : ''}    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n`;
  else if (format === 'json-compact') piece += '],"kind":"List","metadata":{"resourceVersion":""}}\n';
  else if (format === 'yaml-list')
    piece += `${count === 0 ? ' []\n' : ''}kind: List\nmetadata:\n  resourceVersion: ""\n`;
  yield piece;
}

/** Write the cluster to a file (fsynced: the kernel writing it back must not be timed); returns the object count. */
export async function writeCluster(
  file: string,
  scale: number,
  format: ClusterFormat,
  options: ClusterTextOptions = {},
): Promise<number> {
  const out = createWriteStream(file);
  for await (const piece of clusterText(scale, format, options)) {
    if (!out.write(piece)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  const fh = await open(file, 'r');
  await fh.sync();
  await fh.close();
  return countObjects(scale, options);
}

/** How many objects the cluster at `scale` (and range) holds. */
export function countObjects(scale: number, options: ClusterTextOptions = {}): number {
  let n = 0;
  for (const _ of manifests(scale)) n++;
  return Math.max(0, Math.min(n, options.to ?? n) - (options.from ?? 0));
}

/**
 * A larger dump made fast: the cluster at `scale` rendered once as a JSON List (4-space indent), its items
 * repeated `copies` times with every name containing "app-" (namespaces, and what they hold) renamed per copy
 * ("c2-app-7"), so the copies are other namespaces of one cluster; the few cluster-wide objects repeat as they
 * are. For tests and benchmarks that need gigabytes without waiting for the generator.
 */
export async function* clusterCopies(
  scale: number,
  copies: number,
  options: SyntheticOptions = {},
): AsyncGenerator<string> {
  const pieces: string[] = [];
  for await (const p of clusterText(scale, 'json', options)) pieces.push(p);
  const text = pieces.join('');
  const open = text.indexOf('"items": [\n') + '"items": [\n'.length;
  const close = text.lastIndexOf('\n    ],');
  const items = text.slice(open, close);
  yield text.slice(0, open);
  for (let c = 0; c < copies; c++) {
    const copy = c === 0 ? items : items.replaceAll('app-', `c${c}-app-`);
    for (let i = 0; i < copy.length; i += 1 << 20) yield copy.slice(i, i + (1 << 20));
    if (c + 1 < copies) yield ',\n';
  }
  yield text.slice(close);
}
