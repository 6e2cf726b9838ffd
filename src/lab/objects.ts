import type {
  V1ConfigMap,
  V1Container,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Endpoints,
  V1Ingress,
  V1IngressClass,
  V1Namespace,
  V1NetworkPolicy,
  V1Node,
  V1Pod,
  V1PodDisruptionBudget,
  V1PodSpec,
  V1ReplicaSet,
  V1Secret,
  V1Service,
  V1Volume,
} from '@kubernetes/client-node';
import { CLUSTER, INTERNET, NODES, PUBLIC_HOST, UNDERLAY } from './topology.js';

/**
 * The lab is described by Kubernetes objects; the data plane is rendered from them. Kinds are kept apart so
 * faults and renderers stay typed; `labObjectList` flattens them for the API (objects.json).
 */
export interface LabObjects {
  namespaces: V1Namespace[];
  nodes: V1Node[];
  deployments: V1Deployment[];
  daemonSets?: V1DaemonSet[];
  replicaSets: V1ReplicaSet[];
  pods: V1Pod[];
  services: V1Service[];
  endpointSlices: V1EndpointSlice[];
  endpoints: V1Endpoints[];
  ingresses: V1Ingress[];
  ingressClasses: V1IngressClass[];
  networkPolicies: V1NetworkPolicy[];
  configMaps: V1ConfigMap[];
  podDisruptionBudgets: V1PodDisruptionBudget[];
  secrets?: V1Secret[];
}

/** Images the lab knows how to run (anything else, e.g. a probe pod's image, gets a namespace and no process). */
export const IMAGES = {
  controller: 'registry.k8s.io/ingress-nginx/controller:v1.11.3',
  coredns: 'registry.k8s.io/coredns/coredns:v1.11.3',
  web: 'registry.example.test/shop/web:1.4.2',
} as const;

export const NAMES = {
  controllerNamespace: 'ingress-nginx',
  controllerService: 'ingress-nginx-controller',
  controllerConfigMap: 'ingress-nginx-controller',
  appNamespace: 'shop',
  appService: 'web',
  appIngress: 'web',
  cniConfigMap: 'calico-config',
  ingressClass: 'nginx',
} as const;

export const ANNOTATIONS = {
  healthCheckPath: 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path',
  healthCheckProtocol: 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol',
  healthCheckPort: 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-port',
  nginx: (key: string) => `nginx.ingress.kubernetes.io/${key}`,
} as const;

export const SERVICE_IPS = {
  kubernetes: '198.18.128.1',
  kubeDns: CLUSTER.dnsServiceIP,
  web: '198.18.129.20',
  controller: '198.18.131.7',
} as const;

export const NODE_PORT_HTTP = 30080;
export const APP_PORT = 8080;

/** A fixed creation time keeps objects.json reproducible (ages in kubectl still look plausible). */
const CREATED = new Date('2026-01-05T09:00:00Z');

function nsObject(name: string, extraLabels: Record<string, string> = {}): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      creationTimestamp: CREATED,
      labels: { 'kubernetes.io/metadata.name': name, ...extraLabels },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function nodeObject(index: number): V1Node {
  const layout = NODES[index] as (typeof NODES)[number];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: layout.name,
      creationTimestamp: CREATED,
      labels: {
        'kubernetes.io/hostname': layout.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': `lab-${String.fromCharCode(96 + layout.index)}`,
        'node.kubernetes.io/instance-type': 'lab.netns',
      },
      annotations: {
        'projectcalico.org/IPv4Address': `${layout.ip}/${UNDERLAY.prefix}`,
        'projectcalico.org/IPv4VXLANTunnelAddr': layout.overlayIP,
      },
    },
    spec: { podCIDR: layout.podCidr, podCIDRs: [layout.podCidr] },
    status: {
      addresses: [
        { type: 'InternalIP', address: layout.ip },
        { type: 'Hostname', address: layout.name },
      ],
      capacity: { cpu: '2', memory: '4Gi', pods: '110' },
      allocatable: { cpu: '1900m', memory: '3800Mi', pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: CREATED,
          lastTransitionTime: CREATED,
        },
        {
          type: 'NetworkUnavailable',
          status: 'False',
          reason: 'CalicoIsUp',
          message: 'Calico is running on this node',
          lastHeartbeatTime: CREATED,
          lastTransitionTime: CREATED,
        },
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: `00000000-0000-0000-0000-00000000000${layout.index}`,
        containerRuntimeVersion: 'containerd://1.7.22',
        kernelVersion: '6.1.0-lab',
        kubeProxyVersion: 'v1.32.4',
        kubeletVersion: 'v1.32.4',
        machineID: `lab${layout.index}`.padEnd(32, '0'),
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: `00000000-0000-0000-0000-00000000000${layout.index}`,
      },
    },
  };
}

function hexId(seed: string, len: number): string {
  let out = '';
  let h = 2166136261;
  while (out.length < len) {
    for (let i = 0; i < seed.length; i++) {
      h ^= seed.charCodeAt(i) + out.length;
      h = Math.imul(h, 16777619) >>> 0;
    }
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, len);
}

function uid(seed: string): string {
  const h = hexId(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function deployment(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  replicas: number,
  template: { containers: V1Container[]; serviceAccountName?: string; volumes?: V1Volume[] },
): { deployment: V1Deployment; replicaSet: V1ReplicaSet; rsName: string; rsUid: string } {
  const hash = hexId(`${namespace}/${name}`, 10).replace(/[0-9]/g, (d) => 'bcdfghjklm'[Number(d)] as string);
  const rsName = `${name}-${hash}`;
  const rsUid = uid(`rs/${namespace}/${rsName}`);
  const podTemplate = { metadata: { labels: { ...labels, 'pod-template-hash': hash } }, spec: template };
  const deploymentObj: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace,
      uid: uid(`deploy/${namespace}/${name}`),
      creationTimestamp: CREATED,
      generation: 1,
      labels,
      annotations: { 'deployment.kubernetes.io/revision': '1' },
    },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels }, spec: template },
    },
  };
  const replicaSet: V1ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName,
      namespace,
      uid: rsUid,
      creationTimestamp: CREATED,
      labels: { ...labels, 'pod-template-hash': hash },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name,
          uid: deploymentObj.metadata?.uid as string,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...labels, 'pod-template-hash': hash } },
      template: podTemplate,
    },
    status: { replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
  };
  return { deployment: deploymentObj, replicaSet, rsName, rsUid };
}

function controllerContainer(): V1Container {
  return {
    name: 'controller',
    image: IMAGES.controller,
    args: [
      '/nginx-ingress-controller',
      `--publish-service=$(POD_NAMESPACE)/${NAMES.controllerService}`,
      '--election-id=ingress-nginx-leader',
      '--controller-class=k8s.io/ingress-nginx',
      `--ingress-class=${NAMES.ingressClass}`,
      `--configmap=$(POD_NAMESPACE)/${NAMES.controllerConfigMap}`,
    ],
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ],
    ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
    readinessProbe: {
      httpGet: { path: '/healthz', port: 10254, scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
    },
    livenessProbe: {
      httpGet: { path: '/healthz', port: 10254, scheme: 'HTTP' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 5,
    },
    lifecycle: { preStop: { exec: { command: ['/wait-shutdown'] } } },
    resources: { requests: { cpu: '100m', memory: '90Mi' } },
  };
}

/** The shop's web app; its env is what the app process reads (faults change it, kubectl shows it). */
export function webContainer(): V1Container {
  return {
    name: 'web',
    image: IMAGES.web,
    ports: [{ name: 'http', containerPort: APP_PORT, protocol: 'TCP' }],
    env: [
      { name: 'HOST', value: '0.0.0.0' },
      { name: 'PORT', value: String(APP_PORT) },
      // Longer than the controller's upstream keep-alive (60 s), so the backend never closes first.
      { name: 'KEEP_ALIVE_TIMEOUT_MS', value: '65000' },
    ],
    readinessProbe: {
      httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
      periodSeconds: 5,
      timeoutSeconds: 1,
      failureThreshold: 3,
    },
    livenessProbe: {
      httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
    },
    lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
  };
}

function corednsContainer(): V1Container {
  return {
    name: 'coredns',
    image: IMAGES.coredns,
    args: ['-conf', '/etc/coredns/Corefile'],
    ports: [
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    ],
    readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' }, periodSeconds: 10 },
    livenessProbe: { httpGet: { path: '/health', port: 8080, scheme: 'HTTP' }, periodSeconds: 10 },
    volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
    resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } },
  };
}

function kubeProxyContainer(): V1Container {
  return {
    name: 'kube-proxy',
    image: 'registry.k8s.io/kube-proxy:v1.32.4',
    command: [
      '/usr/local/bin/kube-proxy',
      '--config=/var/lib/kube-proxy/config.conf',
      '--hostname-override=$(NODE_NAME)',
    ],
    env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
    securityContext: { privileged: true },
  };
}

export const CONTROLLER_LABELS = {
  'app.kubernetes.io/name': 'ingress-nginx',
  'app.kubernetes.io/instance': 'ingress-nginx',
  'app.kubernetes.io/component': 'controller',
  'app.kubernetes.io/part-of': 'ingress-nginx',
};
export const WEB_LABELS = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'shop' };
const DNS_LABELS = { 'k8s-app': 'kube-dns' };

function service(
  namespace: string,
  name: string,
  clusterIP: string,
  spec: Partial<NonNullable<V1Service['spec']>>,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace,
      uid: uid(`svc/${namespace}/${name}`),
      creationTimestamp: CREATED,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: {
      type: 'ClusterIP',
      clusterIP,
      clusterIPs: [clusterIP],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ...spec,
    },
    status: { loadBalancer: {} },
  };
}

function configMap(namespace: string, name: string, data: Record<string, string>, labels = {}): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, creationTimestamp: CREATED, labels },
    data,
  };
}

/** Calico's CNI config template, as calico.yaml ships it (the installer substitutes __CNI_MTU__ from veth_mtu). */
const CALICO_CNI_CONFIG = JSON.stringify(
  {
    name: 'k8s-pod-network',
    cniVersion: '0.3.1',
    plugins: [
      {
        type: 'calico',
        log_level: 'info',
        datastore_type: 'kubernetes',
        nodename: '__KUBERNETES_NODE_NAME__',
        mtu: '__CNI_MTU__',
        ipam: { type: 'calico-ipam' },
        policy: { type: 'k8s' },
        kubernetes: { kubeconfig: '__KUBECONFIG_FILEPATH__' },
      },
      { type: 'portmap', snat: true, capabilities: { portMappings: true } },
      { type: 'bandwidth', capabilities: { bandwidth: true } },
    ],
  },
  null,
  2,
);

/** kube-proxy as kubeadm installs it: a DaemonSet of hostNetwork pods, one per node. */
function kubeProxyDaemonSet(): V1DaemonSet {
  const labels = { 'k8s-app': 'kube-proxy' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: 'kube-proxy',
      namespace: 'kube-system',
      uid: uid('ds/kube-system/kube-proxy'),
      creationTimestamp: CREATED,
      generation: 1,
      labels,
      annotations: { 'deprecated.daemonset.template.generation': '1' },
    },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [kubeProxyContainer()],
          hostNetwork: true,
          dnsPolicy: 'ClusterFirst',
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'kube-proxy',
          tolerations: [{ operator: 'Exists' }],
        },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    },
  };
}

/** The healthy lab: every object the API serves, before faults and before the endpoint controller runs. */
export function healthyObjects(): LabObjects {
  const controllerDeploy = deployment(
    NAMES.controllerNamespace,
    'ingress-nginx-controller',
    CONTROLLER_LABELS,
    1,
    {
      containers: [controllerContainer()],
      serviceAccountName: 'ingress-nginx',
    },
  );
  const webDeploy = deployment(NAMES.appNamespace, 'web', WEB_LABELS, 2, { containers: [webContainer()] });
  const dnsDeploy = deployment('kube-system', 'coredns', DNS_LABELS, 1, {
    containers: [corednsContainer()],
    serviceAccountName: 'coredns',
    volumes: [
      {
        name: 'config-volume',
        configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] },
      },
    ],
  });
  const services: V1Service[] = [
    service(
      'default',
      'kubernetes',
      SERVICE_IPS.kubernetes,
      {
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: UNDERLAY.apiPort }],
      },
      { component: 'apiserver', provider: 'kubernetes' },
    ),
    service(
      'kube-system',
      'kube-dns',
      SERVICE_IPS.kubeDns,
      {
        selector: DNS_LABELS,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
      },
      { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' },
    ),
    service(
      NAMES.appNamespace,
      NAMES.appService,
      SERVICE_IPS.web,
      {
        selector: WEB_LABELS,
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }],
      },
      WEB_LABELS,
    ),
    {
      ...service(
        NAMES.controllerNamespace,
        NAMES.controllerService,
        SERVICE_IPS.controller,
        {
          type: 'LoadBalancer',
          selector: CONTROLLER_LABELS,
          externalTrafficPolicy: 'Cluster',
          allocateLoadBalancerNodePorts: true,
          ports: [
            {
              name: 'http',
              port: 80,
              protocol: 'TCP',
              targetPort: 'http',
              nodePort: NODE_PORT_HTTP,
              appProtocol: 'http',
            },
          ],
        },
        CONTROLLER_LABELS,
        {
          [ANNOTATIONS.healthCheckProtocol]: 'http',
          [ANNOTATIONS.healthCheckPort]: 'traffic-port',
          [ANNOTATIONS.healthCheckPath]: '/healthz',
        },
      ),
      status: { loadBalancer: { ingress: [{ ip: INTERNET.lbPublic, ipMode: 'VIP' }] } },
    },
  ];

  const ingress: V1Ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: NAMES.appIngress,
      namespace: NAMES.appNamespace,
      uid: uid('ing/shop/web'),
      creationTimestamp: CREATED,
      generation: 1,
      labels: WEB_LABELS,
      annotations: {
        [ANNOTATIONS.nginx('proxy-connect-timeout')]: '3',
        [ANNOTATIONS.nginx('proxy-read-timeout')]: '60',
        [ANNOTATIONS.nginx('proxy-send-timeout')]: '60',
        [ANNOTATIONS.nginx('proxy-body-size')]: '8m',
        [ANNOTATIONS.nginx('backend-protocol')]: 'HTTP',
      },
    },
    spec: {
      ingressClassName: NAMES.ingressClass,
      rules: [
        {
          host: PUBLIC_HOST,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: NAMES.appService, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
    status: { loadBalancer: { ingress: [{ ip: INTERNET.lbPublic }] } },
  };

  const ingressClass: V1IngressClass = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name: NAMES.ingressClass,
      creationTimestamp: CREATED,
      labels: CONTROLLER_LABELS,
      annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
    },
    spec: { controller: 'k8s.io/ingress-nginx' },
  };

  const networkPolicies: V1NetworkPolicy[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny-ingress', namespace: NAMES.appNamespace, creationTimestamp: CREATED },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'allow-from-ingress-nginx',
        namespace: NAMES.appNamespace,
        creationTimestamp: CREATED,
      },
      spec: {
        podSelector: { matchLabels: WEB_LABELS },
        policyTypes: ['Ingress'],
        ingress: [
          {
            _from: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': NAMES.controllerNamespace },
                },
                podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
              },
            ],
          },
        ],
      },
    },
  ];

  const configMaps: V1ConfigMap[] = [
    configMap(
      NAMES.controllerNamespace,
      NAMES.controllerConfigMap,
      {
        'allow-snippet-annotations': 'false',
        'proxy-buffer-size': '4k',
        'proxy-connect-timeout': '5',
        'proxy-read-timeout': '60',
        'proxy-send-timeout': '60',
        'upstream-keepalive-timeout': '60',
        'upstream-keepalive-connections': '320',
        'keep-alive': '75',
        'use-forwarded-headers': 'false',
      },
      CONTROLLER_LABELS,
    ),
    configMap('kube-system', NAMES.cniConfigMap, {
      calico_backend: 'vxlan',
      cluster_type: 'k8s,bgp',
      typha_service_name: 'none',
      veth_mtu: '1450',
      cni_network_config: CALICO_CNI_CONFIG,
    }),
    configMap(
      'kube-system',
      'kube-proxy',
      {
        'config.conf': [
          'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
          'kind: KubeProxyConfiguration',
          `clusterCIDR: ${CLUSTER.podCidr}`,
          'mode: iptables',
          'conntrack:',
          '  maxPerCore: 32768',
          '  min: 131072',
          '',
        ].join('\n'),
      },
      { app: 'kube-proxy' },
    ),
    configMap('kube-system', 'coredns', {
      Corefile: [
        '.:53 {',
        '    errors',
        '    health',
        '    ready',
        `    kubernetes ${CLUSTER.domain} in-addr.arpa ip6.arpa {`,
        '       pods insecure',
        '       fallthrough in-addr.arpa ip6.arpa',
        '    }',
        '    forward . /etc/resolv.conf',
        '    cache 30',
        '}',
        '',
      ].join('\n'),
    }),
  ];

  const pdb: V1PodDisruptionBudget = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: NAMES.appNamespace, creationTimestamp: CREATED },
    spec: { minAvailable: 1, selector: { matchLabels: WEB_LABELS } },
    status: {
      currentHealthy: 2,
      desiredHealthy: 1,
      disruptionsAllowed: 1,
      expectedPods: 2,
      observedGeneration: 1,
    },
  };

  return {
    namespaces: [
      nsObject('default'),
      nsObject('kube-system'),
      nsObject('kube-public'),
      nsObject('kube-node-lease'),
      nsObject(NAMES.controllerNamespace, { 'app.kubernetes.io/name': 'ingress-nginx' }),
      nsObject(NAMES.appNamespace),
    ],
    nodes: NODES.map((_, i) => nodeObject(i)),
    deployments: [controllerDeploy.deployment, webDeploy.deployment, dnsDeploy.deployment],
    daemonSets: [kubeProxyDaemonSet()],
    // ReplicaSets and pods are the controllers' to make (the Deployment and DaemonSet controllers, the scheduler
    // and the kubelet), as in a cluster that just started.
    replicaSets: [],
    pods: [],
    services,
    endpointSlices: [],
    endpoints: [],
    ingresses: [ingress],
    ingressClasses: [ingressClass],
    networkPolicies,
    configMaps,
    podDisruptionBudgets: [pdb],
  };
}

/** A kubernetes.io/tls Secret from PEM files. */
export function tlsSecret(namespace: string, name: string, cert: Buffer, key: Buffer): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name, namespace, creationTimestamp: CREATED },
    data: { 'tls.crt': cert.toString('base64'), 'tls.key': key.toString('base64') },
  };
}

/** Every object, as the `kind: List` the lab API serves (objects.json). */
export function labObjectList(objects: LabObjects): { apiVersion: 'v1'; kind: 'List'; items: unknown[] } {
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      ...objects.namespaces,
      ...objects.nodes,
      ...objects.configMaps,
      ...objects.deployments,
      ...(objects.daemonSets ?? []),
      ...objects.replicaSets,
      ...objects.pods,
      ...objects.services,
      ...objects.endpoints,
      ...objects.endpointSlices,
      ...objects.ingressClasses,
      ...objects.ingresses,
      ...objects.networkPolicies,
      ...objects.podDisruptionBudgets,
      ...(objects.secrets ?? []),
    ].map(toWire),
  };
}

/**
 * client-node's models name a few fields differently from the wire format (NetworkPolicy `_from`), so the
 * objects are converted once here, where they leave the lab.
 */
function toWire(obj: object): unknown {
  const rename = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rename);
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k === '_from' ? 'from' : k, rename(v)]),
      );
    }
    return value;
  };
  return JSON.parse(JSON.stringify(rename(obj)));
}

export function findService(objects: LabObjects, namespace: string, name: string): V1Service | undefined {
  return objects.services.find((s) => s.metadata?.namespace === namespace && s.metadata?.name === name);
}

export function findConfigMap(objects: LabObjects, namespace: string, name: string): V1ConfigMap | undefined {
  return objects.configMaps.find((s) => s.metadata?.namespace === namespace && s.metadata?.name === name);
}

/**
 * The app's pod templates (the web Deployment's, which its ReplicaSet's pods are made from) and any app pods
 * already in the objects: what a fault on the app changes.
 */
export function appPods(objects: LabObjects): { spec?: V1PodSpec }[] {
  const templates = objects.deployments
    .filter((d) => d.spec?.template.spec?.containers?.some((c) => c.image === IMAGES.web))
    .map((d) => d.spec?.template as { spec?: V1PodSpec });
  return [
    ...templates,
    ...objects.pods.filter((p) => p.spec?.containers?.some((c) => c.image === IMAGES.web)),
  ];
}

export function appIngress(objects: LabObjects): V1Ingress | undefined {
  return objects.ingresses.find(
    (i) => i.metadata?.namespace === NAMES.appNamespace && i.metadata?.name === NAMES.appIngress,
  );
}

/** Deep copy, so faults can mutate freely (Dates survive as Dates). */
export function cloneObjects(objects: LabObjects): LabObjects {
  return structuredClone(objects);
}
