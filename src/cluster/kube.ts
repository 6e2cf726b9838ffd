/**
 * A thin, typed, counting wrapper over @kubernetes/client-node 1.4 for narrow reads.
 *
 *   const kube = await connect({ kubeconfig, context, env });   // kubeconfig resolution exactly like kubectl
 *   const pods = await kube.list('pods', { namespace: 'shop', labelSelector: 'app=web' });
 *   const svc = await kube.get('services', 'shop', 'web');    // undefined when it does not exist
 *   kube.requestCount;                                         // HTTP requests made so far (pages included)
 *   kube.warnings;                                             // 403s: SourceWarning naming verb, resource, namespace
 *
 * A 403 is not an exception: the call returns [] / undefined and a `forbidden` warning says which permission
 * is missing. A 404 on a CRD kind (Gateway API, BackendConfig) means "not installed": [] quietly, and
 * `kube.notInstalled` lists the kind. Unreachable servers and rejected credentials throw KubeError, whose
 * message says what to do.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ApiException,
  AppsV1Api,
  type Cluster,
  type Context,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  PolicyV1Api,
  type RequestContext,
  type ResponseContext,
  ServerConfiguration,
  type User,
  type V1ConfigMap,
  type V1DaemonSet,
  type V1Deployment,
  type V1EndpointSlice,
  type V1Endpoints,
  type V1Ingress,
  type V1IngressClass,
  type V1Namespace,
  type V1NetworkPolicy,
  type V1Node,
  type V1Pod,
  type V1PodDisruptionBudget,
  type V1ReplicaSet,
  type V1Service,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { kindByResource } from './kinds.js';
import type {
  BackendConfig,
  BackendTLSPolicy,
  Gateway,
  GatewayClass,
  GRPCRoute,
  HTTPRoute,
  SourceWarning,
} from './types.js';

/** The resources we read, by their plural API name, and the object type each returns. */
export interface ResourceTypes {
  namespaces: V1Namespace;
  nodes: V1Node;
  pods: V1Pod;
  services: V1Service;
  endpoints: V1Endpoints;
  configmaps: V1ConfigMap;
  deployments: V1Deployment;
  statefulsets: V1StatefulSet;
  daemonsets: V1DaemonSet;
  replicasets: V1ReplicaSet;
  endpointslices: V1EndpointSlice;
  ingresses: V1Ingress;
  ingressclasses: V1IngressClass;
  networkpolicies: V1NetworkPolicy;
  poddisruptionbudgets: V1PodDisruptionBudget;
  backendconfigs: BackendConfig;
  gateways: Gateway;
  gatewayclasses: GatewayClass;
  httproutes: HTTPRoute;
  grpcroutes: GRPCRoute;
  backendtlspolicies: BackendTLSPolicy;
}
export type Resource = keyof ResourceTypes;

export interface ListOptions {
  /** Omit for all namespaces (namespaced kinds) or for cluster-scoped kinds. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; lists follow `continue` until done (bounded). Default 500, like kubectl. */
  limit?: number;
}

/** A failure the user must act on (unreachable server, bad credentials, bad kubeconfig). */
export class KubeError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  /** Environment for KUBECONFIG, HOME and in-cluster detection (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  /** Per-request timeout in ms (default 15 s). */
  timeoutMs?: number;
  /** Use this KubeConfig as is (tests, the lab). */
  kubeConfig?: KubeConfig;
}

export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  context: string;
  /** The context's namespace, else "default". */
  namespace: string;
  server: string;
  /** Where it came from, for messages: a file list, or "in-cluster". */
  origin: string;
}

function kubeconfigFiles(opts: ConnectOptions, env: NodeJS.ProcessEnv): string[] | 'in-cluster' {
  if (opts.kubeconfig) {
    if (!existsSync(opts.kubeconfig)) {
      throw new KubeError(`kubeconfig ${opts.kubeconfig} does not exist`, 'Check the --kubeconfig path.');
    }
    return [opts.kubeconfig];
  }
  if (env.KUBECONFIG) {
    // kubectl: every listed file that exists is merged; missing ones are ignored.
    const files = env.KUBECONFIG.split(path.delimiter).filter((f) => f !== '' && existsSync(f));
    if (files.length > 0) return files;
  }
  const home = env.HOME ?? env.USERPROFILE ?? os.homedir();
  const def = path.join(home, '.kube', 'config');
  if (existsSync(def)) return [def];
  const tokenFile = '/var/run/secrets/kubernetes.io/serviceaccount/token';
  if (env.KUBERNETES_SERVICE_HOST && existsSync(tokenFile)) return 'in-cluster';
  throw new KubeError(
    'no kubeconfig found (looked at --kubeconfig, $KUBECONFIG, ~/.kube/config and the in-cluster service account)',
    'Point --kubeconfig at a kubeconfig file, or audit manifests with -f PATH.',
  );
}

/** Merge kubeconfig files as kubectl does: the first file to set a value (or define a name) wins. */
function mergeKubeconfigs(files: string[]): KubeConfig {
  const clusters: Cluster[] = [];
  const users: User[] = [];
  const contexts: Context[] = [];
  let currentContext = '';
  for (const file of files) {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file); // also makes relative certificate paths absolute to the file's directory
    } catch (err) {
      throw new KubeError(`cannot read kubeconfig ${file}: ${(err as Error).message}`);
    }
    if (!currentContext && kc.currentContext) currentContext = kc.currentContext;
    for (const c of kc.clusters) if (!clusters.some((x) => x.name === c.name)) clusters.push(c);
    for (const u of kc.users) if (!users.some((x) => x.name === u.name)) users.push(u);
    for (const c of kc.contexts) if (!contexts.some((x) => x.name === c.name)) contexts.push(c);
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({ clusters, users, contexts, currentContext });
  return merged;
}

/** kubectl's kubeconfig resolution: --kubeconfig, else $KUBECONFIG (merged), else ~/.kube/config, else in-cluster. */
export function loadKubeConfig(opts: ConnectOptions = {}): LoadedKubeConfig {
  const env = opts.env ?? process.env;
  let kc: KubeConfig;
  let origin: string;
  if (opts.kubeConfig) {
    kc = opts.kubeConfig;
    origin = 'kubeconfig';
  } else {
    const files = kubeconfigFiles(opts, env);
    if (files === 'in-cluster') {
      kc = new KubeConfig();
      kc.loadFromCluster();
      origin = 'in-cluster';
    } else {
      kc = mergeKubeconfigs(files);
      origin = files.join(path.delimiter);
    }
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.contexts.map((c) => c.name).join(', ') || 'none';
      throw new KubeError(`context "${opts.context}" not found in ${origin}`, `Known contexts: ${known}.`);
    }
    kc.setCurrentContext(opts.context);
  }
  const ctx = kc.getContextObject(kc.getCurrentContext());
  if (!ctx) {
    throw new KubeError(
      `no current context in ${origin}`,
      'Pass --context NAME, or set one with "kubectl config use-context".',
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new KubeError(
      `context "${ctx.name}" names cluster "${ctx.cluster}", which is not defined in ${origin}`,
    );
  return {
    kubeConfig: kc,
    context: ctx.name,
    namespace: ctx.namespace || 'default',
    server: cluster.server,
    origin,
  };
}

type Page<T> = { items: T[]; continueToken?: string };
type Query = { labelSelector?: string; fieldSelector?: string; limit?: number; _continue?: string };

interface Endpoint<T> {
  list(namespace: string | undefined, q: Query): Promise<Page<T>>;
  read(namespace: string | undefined, name: string): Promise<T>;
}

function page<T>(list: { items: T[]; metadata?: { _continue?: string } }): Page<T> {
  return { items: list.items ?? [], continueToken: list.metadata?._continue || undefined };
}

function customPage<T>(raw: unknown): Page<T> {
  const r = raw as { items?: T[]; metadata?: { continue?: string; _continue?: string } };
  return {
    items: Array.isArray(r?.items) ? r.items : [],
    continueToken: r?.metadata?.continue || r?.metadata?._continue || undefined,
  };
}

interface Apis {
  core: CoreV1Api;
  apps: AppsV1Api;
  networking: NetworkingV1Api;
  discovery: DiscoveryV1Api;
  policy: PolicyV1Api;
  custom: CustomObjectsApi;
}

function builtinEndpoints(a: Apis): { [R in Resource]?: Endpoint<ResourceTypes[R]> } {
  const ns = (n: string | undefined) => n as string;
  return {
    namespaces: {
      list: async (_n, q) => page(await a.core.listNamespace(q)),
      read: (_n, name) => a.core.readNamespace({ name }),
    },
    nodes: {
      list: async (_n, q) => page(await a.core.listNode(q)),
      read: (_n, name) => a.core.readNode({ name }),
    },
    pods: {
      list: async (n, q) =>
        page(
          n
            ? await a.core.listNamespacedPod({ namespace: n, ...q })
            : await a.core.listPodForAllNamespaces(q),
        ),
      read: (n, name) => a.core.readNamespacedPod({ namespace: ns(n), name }),
    },
    services: {
      list: async (n, q) =>
        page(
          n
            ? await a.core.listNamespacedService({ namespace: n, ...q })
            : await a.core.listServiceForAllNamespaces(q),
        ),
      read: (n, name) => a.core.readNamespacedService({ namespace: ns(n), name }),
    },
    endpoints: {
      list: async (n, q) =>
        page(
          n
            ? await a.core.listNamespacedEndpoints({ namespace: n, ...q })
            : await a.core.listEndpointsForAllNamespaces(q),
        ),
      read: (n, name) => a.core.readNamespacedEndpoints({ namespace: ns(n), name }),
    },
    configmaps: {
      list: async (n, q) =>
        page(
          n
            ? await a.core.listNamespacedConfigMap({ namespace: n, ...q })
            : await a.core.listConfigMapForAllNamespaces(q),
        ),
      read: (n, name) => a.core.readNamespacedConfigMap({ namespace: ns(n), name }),
    },
    deployments: {
      list: async (n, q) =>
        page(
          n
            ? await a.apps.listNamespacedDeployment({ namespace: n, ...q })
            : await a.apps.listDeploymentForAllNamespaces(q),
        ),
      read: (n, name) => a.apps.readNamespacedDeployment({ namespace: ns(n), name }),
    },
    statefulsets: {
      list: async (n, q) =>
        page(
          n
            ? await a.apps.listNamespacedStatefulSet({ namespace: n, ...q })
            : await a.apps.listStatefulSetForAllNamespaces(q),
        ),
      read: (n, name) => a.apps.readNamespacedStatefulSet({ namespace: ns(n), name }),
    },
    daemonsets: {
      list: async (n, q) =>
        page(
          n
            ? await a.apps.listNamespacedDaemonSet({ namespace: n, ...q })
            : await a.apps.listDaemonSetForAllNamespaces(q),
        ),
      read: (n, name) => a.apps.readNamespacedDaemonSet({ namespace: ns(n), name }),
    },
    replicasets: {
      list: async (n, q) =>
        page(
          n
            ? await a.apps.listNamespacedReplicaSet({ namespace: n, ...q })
            : await a.apps.listReplicaSetForAllNamespaces(q),
        ),
      read: (n, name) => a.apps.readNamespacedReplicaSet({ namespace: ns(n), name }),
    },
    endpointslices: {
      list: async (n, q) =>
        page(
          n
            ? await a.discovery.listNamespacedEndpointSlice({ namespace: n, ...q })
            : await a.discovery.listEndpointSliceForAllNamespaces(q),
        ),
      read: (n, name) => a.discovery.readNamespacedEndpointSlice({ namespace: ns(n), name }),
    },
    ingresses: {
      list: async (n, q) =>
        page(
          n
            ? await a.networking.listNamespacedIngress({ namespace: n, ...q })
            : await a.networking.listIngressForAllNamespaces(q),
        ),
      read: (n, name) => a.networking.readNamespacedIngress({ namespace: ns(n), name }),
    },
    ingressclasses: {
      list: async (_n, q) => page(await a.networking.listIngressClass(q)),
      read: (_n, name) => a.networking.readIngressClass({ name }),
    },
    networkpolicies: {
      list: async (n, q) =>
        page(
          n
            ? await a.networking.listNamespacedNetworkPolicy({ namespace: n, ...q })
            : await a.networking.listNetworkPolicyForAllNamespaces(q),
        ),
      read: (n, name) => a.networking.readNamespacedNetworkPolicy({ namespace: ns(n), name }),
    },
    poddisruptionbudgets: {
      list: async (n, q) =>
        page(
          n
            ? await a.policy.listNamespacedPodDisruptionBudget({ namespace: n, ...q })
            : await a.policy.listPodDisruptionBudgetForAllNamespaces(q),
        ),
      read: (n, name) => a.policy.readNamespacedPodDisruptionBudget({ namespace: ns(n), name }),
    },
  };
}

function customEndpoint<T>(
  a: Apis,
  group: string,
  version: string,
  plural: string,
  namespaced: boolean,
): Endpoint<T> {
  return {
    list: async (n, q) => {
      const base = { group, version, plural, ...q };
      if (!namespaced) return customPage<T>(await a.custom.listClusterCustomObject(base));
      if (n) return customPage<T>(await a.custom.listNamespacedCustomObject({ ...base, namespace: n }));
      return customPage<T>(await a.custom.listCustomObjectForAllNamespaces(base));
    },
    read: async (n, name) =>
      (namespaced
        ? await a.custom.getNamespacedCustomObject({ group, version, plural, namespace: n as string, name })
        : await a.custom.getClusterCustomObject({ group, version, plural, name })) as T,
  };
}

/** The Status message of an API error body, when there is one. */
function statusMessage(err: ApiException<unknown>): string | undefined {
  const body = err.body;
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    if (
      parsed &&
      typeof parsed === 'object' &&
      typeof (parsed as { message?: unknown }).message === 'string'
    ) {
      return (parsed as { message: string }).message;
    }
  } catch {
    // not JSON
  }
  return typeof body === 'string' && body.length < 300 ? body : undefined;
}

const MAX_PAGES = 2000;
/** Times a list starts over when its continue token has expired (410), before the read fails. */
const MAX_RESTARTS = 3;

/** Where a paged list's pages go as they arrive (Kube.list): nothing is kept in between. */
export interface ListPages<T> {
  onPage(items: T[]): void;
  /** The list starts over (its continue token expired): forget its pages so far. */
  onRestart?(): void;
}

export class Kube {
  readonly kubeConfig: KubeConfig;
  readonly context: string;
  /** The namespace of the current context ("default" when it names none). */
  readonly namespace: string;
  readonly server: string;
  readonly origin: string;
  /** HTTP requests sent (each page of a list counts). */
  requestCount = 0;
  readonly warnings: SourceWarning[] = [];
  /** Kinds the server does not serve (404 on list: CRD not installed, or an old cluster), e.g. "HTTPRoute". */
  readonly notInstalled = new Set<string>();
  private readonly apis: Apis;
  private readonly builtins: ReturnType<typeof builtinEndpoints>;
  /** For CRDs: the version that answered, per resource. */
  private readonly crdVersion = new Map<string, string>();

  constructor(loaded: LoadedKubeConfig, timeoutMs = 15_000) {
    this.kubeConfig = loaded.kubeConfig;
    this.context = loaded.context;
    this.namespace = loaded.namespace;
    this.server = loaded.server;
    this.origin = loaded.origin;
    const counter = {
      pre: async (ctx: RequestContext) => {
        this.requestCount++;
        ctx.setSignal(
          AbortSignal.timeout(timeoutMs) as unknown as Parameters<RequestContext['setSignal']>[0],
        );
        return ctx;
      },
      post: async (ctx: ResponseContext) => ctx,
    };
    const config = createConfiguration({
      baseServer: new ServerConfiguration(loaded.server, {}),
      authMethods: { default: loaded.kubeConfig },
      promiseMiddleware: [counter],
    });
    this.apis = {
      core: new CoreV1Api(config),
      apps: new AppsV1Api(config),
      networking: new NetworkingV1Api(config),
      discovery: new DiscoveryV1Api(config),
      policy: new PolicyV1Api(config),
      custom: new CustomObjectsApi(config),
    };
    this.builtins = builtinEndpoints(this.apis);
  }

  private info(resource: Resource) {
    const info = kindByResource(resource);
    if (!info) throw new Error(`unknown resource ${resource}`); // a bug, not user input
    return info;
  }

  private qualified(resource: Resource): string {
    const g = this.info(resource).groups[0];
    return g ? `${resource}.${g}` : resource;
  }

  private forbidden(
    verb: string,
    resource: Resource,
    namespace: string | undefined,
    err: ApiException<unknown>,
  ) {
    const qualified = this.qualified(resource);
    const where = namespace
      ? `in namespace "${namespace}"`
      : this.info(resource).namespaced
        ? 'in all namespaces'
        : '';
    this.warnings.push({
      code: 'forbidden',
      message:
        `forbidden: cannot ${verb} ${qualified}${where ? ` ${where}` : ''} (context ${this.context}); skipped. ${
          statusMessage(err) ?? ''
        }`.trim(),
      permission: { verb, resource: qualified, namespace },
    });
  }

  private transportError(err: unknown, verb: string, resource: Resource): KubeError {
    if (err instanceof ApiException && err.code === 401) {
      return new KubeError(
        `the API server ${this.server} rejected the credentials of context "${this.context}" (401 Unauthorized)`,
        'Refresh your credentials (e.g. log in to the cloud CLI again) and retry.',
      );
    }
    if (err instanceof ApiException) {
      return new KubeError(
        `the API server ${this.server} answered ${err.code} to ${verb} ${this.qualified(resource)}: ${
          statusMessage(err) ?? 'no message'
        }`,
        'Retry; if it persists, check the API server (kubectl get --raw /readyz).',
      );
    }
    const e = err as Error & { code?: string; type?: string; cause?: { code?: string } };
    const reason =
      e.name === 'AbortError' || e.type === 'aborted' ? 'timed out' : (e.code ?? e.cause?.code ?? e.message);
    return new KubeError(
      `cannot reach the API server ${this.server} (context "${this.context}"): ${reason}`,
      'Check the network/VPN and the context (kubectl cluster-info), or audit manifests with -f PATH.',
    );
  }

  private async endpoint<R extends Resource>(
    resource: R,
  ): Promise<{ ep: Endpoint<ResourceTypes[R]>; crd: boolean; versions: string[] }> {
    const builtin = this.builtins[resource] as Endpoint<ResourceTypes[R]> | undefined;
    const info = this.info(resource);
    if (builtin) return { ep: builtin, crd: false, versions: info.versions };
    const known = this.crdVersion.get(resource);
    const versions = known ? [known] : info.versions;
    return {
      ep: customEndpoint<ResourceTypes[R]>(this.apis, info.groups[0], versions[0], resource, info.namespaced),
      crd: true,
      versions,
    };
  }

  /** Set kind/apiVersion (list items come without them) so the objects sort into a snapshot. */
  private stamp<T>(resource: Resource, items: T[], version: string): T[] {
    const info = this.info(resource);
    const apiVersion = info.groups[0] ? `${info.groups[0]}/${version}` : version;
    for (const item of items) {
      const o = item as { kind?: string; apiVersion?: string };
      if (o && typeof o === 'object') {
        o.kind ??= info.kind;
        o.apiVersion ??= apiVersion;
      }
    }
    return items;
  }

  /**
   * List objects page by page (`limit`, 500 by default, and `continue`, like kubectl); [] with a warning on 403,
   * [] quietly when a CRD kind is not installed. With `pages`, each page goes to `pages.onPage` as it arrives
   * (kind and apiVersion set) and nothing is kept here. A continue token the server has expired (410 Expired:
   * the list took longer than its compaction window) starts that list over, at most MAX_RESTARTS times.
   */
  async list<R extends Resource>(
    resource: R,
    opts: ListOptions = {},
    pages?: ListPages<ResourceTypes[R]>,
  ): Promise<ResourceTypes[R][]> {
    const info = this.info(resource);
    const namespace = info.namespaced ? opts.namespace : undefined;
    const { crd, versions } = await this.endpoint(resource);
    for (const version of versions) {
      const ep = crd
        ? customEndpoint<ResourceTypes[R]>(this.apis, info.groups[0], version, resource, info.namespaced)
        : (this.builtins[resource] as Endpoint<ResourceTypes[R]>);
      const items: ResourceTypes[R][] = [];
      let token: string | undefined;
      let restarts = 0;
      try {
        for (let pageNo = 0; pageNo < MAX_PAGES; pageNo++) {
          const q: Query = { limit: opts.limit ?? 500 };
          if (opts.labelSelector) q.labelSelector = opts.labelSelector;
          if (opts.fieldSelector) q.fieldSelector = opts.fieldSelector;
          if (token) q._continue = token;
          let p: Page<ResourceTypes[R]>;
          try {
            p = await ep.list(namespace, q);
          } catch (err) {
            if (token && err instanceof ApiException && err.code === 410 && restarts < MAX_RESTARTS) {
              restarts++;
              token = undefined;
              items.length = 0;
              pages?.onRestart?.();
              pageNo = -1;
              continue;
            }
            throw err;
          }
          this.stamp(resource, p.items, version);
          if (pages) pages.onPage(p.items);
          else items.push(...p.items);
          token = p.continueToken;
          if (!token) break;
        }
      } catch (err) {
        if (err instanceof ApiException && err.code === 403) {
          this.forbidden('list', resource, namespace, err);
          return [];
        }
        // A kind the server does not serve (CRD not installed, or an API version this cluster predates):
        // try the next version, then say "not installed" quietly.
        if (err instanceof ApiException && err.code === 404) continue;
        if (err instanceof ApiException && err.code === 410) {
          throw new KubeError(
            `the API server ${this.server} expired the list of ${this.qualified(resource)} ${MAX_RESTARTS + 1} times in a row (410 Expired: reading its pages took longer than the server keeps a list consistent)`,
            'Retry when the API server is less busy, or audit one namespace at a time (-n NAMESPACE) so each list is shorter.',
          );
        }
        throw this.transportError(err, 'list', resource);
      }
      if (crd) this.crdVersion.set(resource, version);
      return items;
    }
    this.notInstalled.add(info.kind);
    return [];
  }

  /** Read one object; undefined when it does not exist (or on 403, with a warning). */
  async get<R extends Resource>(
    resource: R,
    namespace: string | undefined,
    name: string,
  ): Promise<ResourceTypes[R] | undefined> {
    const info = this.info(resource);
    const ns = info.namespaced ? (namespace ?? this.namespace) : undefined;
    const { crd, versions } = await this.endpoint(resource);
    for (const version of versions) {
      const ep = crd
        ? customEndpoint<ResourceTypes[R]>(this.apis, info.groups[0], version, resource, info.namespaced)
        : (this.builtins[resource] as Endpoint<ResourceTypes[R]>);
      try {
        const obj = await ep.read(ns, name);
        if (crd) this.crdVersion.set(resource, version);
        return this.stamp(resource, [obj], version)[0];
      } catch (err) {
        if (err instanceof ApiException && err.code === 403) {
          this.forbidden('get', resource, ns, err);
          return undefined;
        }
        if (err instanceof ApiException && err.code === 404) {
          // For a CRD a 404 may mean "this version is not served": try the next one.
          if (crd && versions.length > 1) continue;
          return undefined;
        }
        throw this.transportError(err, 'get', resource);
      }
    }
    return undefined;
  }
}

/** Resolve the kubeconfig like kubectl and return a client. Throws KubeError with a hint on bad config. */
export function connect(opts: ConnectOptions = {}): Kube {
  return new Kube(loadKubeConfig(opts), opts.timeoutMs);
}
