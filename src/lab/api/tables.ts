import type { ResourceInfo } from './resources.js';
import type { KubeObject } from './store.js';

/** Server-side printing for `kubectl get`: meta.k8s.io/v1 Table objects with the columns kubectl users know. */

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  priority?: number;
  description: string;
  cell: (o: Obj) => string | number;
}

type Obj = Record<string, unknown>;

function get(o: unknown, ...path: (string | number)[]): unknown {
  let cur = o;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}
function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? (v as Obj[]) : [];
}
function str(v: unknown, fallback = '<none>'): string {
  return v === undefined || v === null || v === '' ? fallback : String(v);
}

/** kubectl's duration.HumanDuration, so ages read like a real cluster's. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  if (y < 8) return `${y}y${Math.floor(h / 24) % 365}d`;
  return `${y}y`;
}

function age(o: Obj): string {
  const t = get(o, 'metadata', 'creationTimestamp');
  if (t === undefined) return '<unknown>';
  const ms = new Date(t as string).getTime();
  return Number.isNaN(ms) ? '<unknown>' : humanDuration(Date.now() - ms);
}

export function formatSelector(sel: unknown): string {
  const parts: string[] = [];
  const labels = get(sel, 'matchLabels');
  if (labels && typeof labels === 'object') {
    for (const [k, v] of Object.entries(labels)) parts.push(`${k}=${v}`);
  }
  for (const e of arr(get(sel, 'matchExpressions'))) {
    const op = String(e.operator ?? '');
    const values = Array.isArray(e.values) ? (e.values as string[]).join(',') : '';
    if (op === 'In') parts.push(`${e.key} in (${values})`);
    else if (op === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (op === 'Exists') parts.push(String(e.key));
    else if (op === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

function mapSelector(m: unknown): string {
  if (!m || typeof m !== 'object' || Object.keys(m).length === 0) return '<none>';
  return Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function firstN(items: string[], n = 3): string {
  if (items.length === 0) return '<none>';
  const shown = items.slice(0, n).join(',');
  return items.length > n ? `${shown} + ${items.length - n} more...` : shown;
}

function podStatus(o: Obj): string {
  let reason = str(get(o, 'status', 'reason'), '') || str(get(o, 'status', 'phase'), 'Unknown');
  for (const c of arr(get(o, 'status', 'containerStatuses'))) {
    const waiting = get(c, 'state', 'waiting', 'reason');
    const terminated = get(c, 'state', 'terminated', 'reason');
    if (waiting) reason = String(waiting);
    else if (terminated) reason = String(terminated);
  }
  if (get(o, 'metadata', 'deletionTimestamp')) reason = 'Terminating';
  return reason;
}

function podReady(o: Obj): string {
  const total = arr(get(o, 'spec', 'containers')).length;
  const ready = arr(get(o, 'status', 'containerStatuses')).filter((c) => c.ready === true).length;
  return `${ready}/${total}`;
}

function servicePorts(o: Obj): string {
  const ports = arr(get(o, 'spec', 'ports')).map((p) => {
    const np = p.nodePort ? `:${p.nodePort}` : '';
    return `${p.port}${np}/${p.protocol ?? 'TCP'}`;
  });
  return ports.length ? ports.join(',') : '<none>';
}

function lbAddresses(o: Obj): string[] {
  return arr(get(o, 'status', 'loadBalancer', 'ingress')).map((i) => String(i.ip ?? i.hostname ?? ''));
}

function externalIP(o: Obj): string {
  const type = str(get(o, 'spec', 'type'), 'ClusterIP');
  const external = [...((get(o, 'spec', 'externalIPs') as string[] | undefined) ?? []), ...lbAddresses(o)];
  if (type === 'ExternalName') return str(get(o, 'spec', 'externalName'));
  if (type === 'LoadBalancer' && external.length === 0) return '<pending>';
  return external.length ? external.join(',') : '<none>';
}

function nodeStatus(o: Obj): string {
  const ready = arr(get(o, 'status', 'conditions')).find((c) => c.type === 'Ready');
  let s = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if (get(o, 'spec', 'unschedulable') === true) s += ',SchedulingDisabled';
  return s;
}

function nodeRoles(o: Obj): string {
  const labels = (get(o, 'metadata', 'labels') ?? {}) as Record<string, string>;
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter((r) => r !== '');
  return roles.length ? roles.sort().join(',') : '<none>';
}

function nodeAddress(o: Obj, type: string): string {
  return str(arr(get(o, 'status', 'addresses')).find((a) => a.type === type)?.address);
}

function condition(o: Obj, type: string): string {
  return str(arr(get(o, 'status', 'conditions')).find((c) => c.type === type)?.status, 'Unknown');
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

const NAME: Column = {
  name: 'Name',
  type: 'string',
  description: 'Name must be unique within a namespace.',
  cell: (o) => str(get(o, 'metadata', 'name')),
};
const AGE: Column = {
  name: 'Age',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: age,
};
function col(name: string, cell: Column['cell'], priority = 0, type: Column['type'] = 'string'): Column {
  return { name, type, priority, description: name, cell };
}

const COLUMNS: Record<string, Column[]> = {
  pods: [
    NAME,
    col('Ready', podReady),
    col('Status', podStatus),
    col('Restarts', (o) =>
      String(arr(get(o, 'status', 'containerStatuses')).reduce((n, c) => n + num(c.restartCount), 0)),
    ),
    AGE,
    col('IP', (o) => str(get(o, 'status', 'podIP')), 1),
    col('Node', (o) => str(get(o, 'spec', 'nodeName')), 1),
    col('Nominated Node', (o) => str(get(o, 'status', 'nominatedNodeName')), 1),
    col('Readiness Gates', () => '<none>', 1),
  ],
  services: [
    NAME,
    col('Type', (o) => str(get(o, 'spec', 'type'), 'ClusterIP')),
    col('Cluster-IP', (o) => str(get(o, 'spec', 'clusterIP'))),
    col('External-IP', externalIP),
    col('Port(s)', servicePorts),
    AGE,
    col('Selector', (o) => mapSelector(get(o, 'spec', 'selector')), 1),
  ],
  endpoints: [
    NAME,
    col('Endpoints', (o) => {
      const out: string[] = [];
      for (const s of arr(get(o, 'subsets'))) {
        const ports = arr(s.ports);
        for (const a of arr(s.addresses)) {
          if (ports.length === 0) out.push(String(a.ip));
          for (const p of ports) out.push(`${a.ip}:${p.port}`);
        }
      }
      return firstN(out);
    }),
    AGE,
  ],
  endpointslices: [
    NAME,
    col('AddressType', (o) => str(get(o, 'addressType'))),
    col('Ports', (o) => {
      const ports = arr(get(o, 'ports')).map((p) => String(p.port ?? ''));
      return ports.length ? ports.join(',') : '<unset>';
    }),
    col('Endpoints', (o) => firstN(arr(get(o, 'endpoints')).flatMap((e) => (e.addresses as string[]) ?? []))),
    AGE,
  ],
  namespaces: [NAME, col('Status', (o) => str(get(o, 'status', 'phase'), 'Active')), AGE],
  nodes: [
    NAME,
    col('Status', nodeStatus),
    col('Roles', nodeRoles),
    AGE,
    col('Version', (o) => str(get(o, 'status', 'nodeInfo', 'kubeletVersion'), '')),
    col('Internal-IP', (o) => nodeAddress(o, 'InternalIP'), 1),
    col('External-IP', (o) => nodeAddress(o, 'ExternalIP'), 1),
    col('OS-Image', (o) => str(get(o, 'status', 'nodeInfo', 'osImage'), '<unknown>'), 1),
    col('Kernel-Version', (o) => str(get(o, 'status', 'nodeInfo', 'kernelVersion'), '<unknown>'), 1),
    col(
      'Container-Runtime',
      (o) => str(get(o, 'status', 'nodeInfo', 'containerRuntimeVersion'), '<unknown>'),
      1,
    ),
  ],
  configmaps: [
    NAME,
    col(
      'Data',
      (o) => Object.keys(get(o, 'data') ?? {}).length + Object.keys(get(o, 'binaryData') ?? {}).length,
      0,
      'integer',
    ),
    AGE,
  ],
  events: [
    col('Last Seen', (o) => age({ metadata: { creationTimestamp: get(o, 'lastTimestamp') } })),
    col('Type', (o) => str(get(o, 'type'))),
    col('Reason', (o) => str(get(o, 'reason'))),
    col('Object', (o) => `${get(o, 'involvedObject', 'kind')}/${get(o, 'involvedObject', 'name')}`),
    col('Message', (o) => str(get(o, 'message'), '')),
  ],
  ingresses: [
    NAME,
    col('Class', (o) => str(get(o, 'spec', 'ingressClassName'))),
    col('Hosts', (o) => {
      const hosts = arr(get(o, 'spec', 'rules')).map((r) => String(r.host ?? '*'));
      return hosts.length ? firstN(hosts, 4) : '*';
    }),
    col('Address', (o) => lbAddresses(o).join(',')),
    col('Ports', (o) => (arr(get(o, 'spec', 'tls')).length ? '80, 443' : '80')),
    AGE,
  ],
  ingressclasses: [
    NAME,
    col('Controller', (o) => str(get(o, 'spec', 'controller'))),
    col('Parameters', (o) => {
      const p = get(o, 'spec', 'parameters');
      return p ? `${get(p, 'kind')}/${get(p, 'name')}` : '<none>';
    }),
    AGE,
  ],
  networkpolicies: [NAME, col('Pod-Selector', (o) => formatSelector(get(o, 'spec', 'podSelector'))), AGE],
  deployments: [
    NAME,
    col('Ready', (o) => `${num(get(o, 'status', 'readyReplicas'))}/${num(get(o, 'spec', 'replicas') ?? 1)}`),
    col('Up-to-date', (o) => num(get(o, 'status', 'updatedReplicas')), 0, 'integer'),
    col('Available', (o) => num(get(o, 'status', 'availableReplicas')), 0, 'integer'),
    AGE,
    col(
      'Containers',
      (o) =>
        arr(get(o, 'spec', 'template', 'spec', 'containers'))
          .map((c) => c.name)
          .join(','),
      1,
    ),
    col(
      'Images',
      (o) =>
        arr(get(o, 'spec', 'template', 'spec', 'containers'))
          .map((c) => c.image)
          .join(','),
      1,
    ),
    col('Selector', (o) => formatSelector(get(o, 'spec', 'selector')), 1),
  ],
  statefulsets: [
    NAME,
    col('Ready', (o) => `${num(get(o, 'status', 'readyReplicas'))}/${num(get(o, 'spec', 'replicas') ?? 1)}`),
    AGE,
  ],
  daemonsets: [
    NAME,
    col('Desired', (o) => num(get(o, 'status', 'desiredNumberScheduled')), 0, 'integer'),
    col('Current', (o) => num(get(o, 'status', 'currentNumberScheduled')), 0, 'integer'),
    col('Ready', (o) => num(get(o, 'status', 'numberReady')), 0, 'integer'),
    col('Up-to-date', (o) => num(get(o, 'status', 'updatedNumberScheduled')), 0, 'integer'),
    col('Available', (o) => num(get(o, 'status', 'numberAvailable')), 0, 'integer'),
    col('Node Selector', (o) => mapSelector(get(o, 'spec', 'template', 'spec', 'nodeSelector'))),
    AGE,
  ],
  replicasets: [
    NAME,
    col('Desired', (o) => num(get(o, 'spec', 'replicas') ?? 1), 0, 'integer'),
    col('Current', (o) => num(get(o, 'status', 'replicas')), 0, 'integer'),
    col('Ready', (o) => num(get(o, 'status', 'readyReplicas')), 0, 'integer'),
    AGE,
  ],
  poddisruptionbudgets: [
    NAME,
    col('Min Available', (o) => str(get(o, 'spec', 'minAvailable'), 'N/A')),
    col('Max Unavailable', (o) => str(get(o, 'spec', 'maxUnavailable'), 'N/A')),
    col('Allowed Disruptions', (o) => num(get(o, 'status', 'disruptionsAllowed')), 0, 'integer'),
    AGE,
  ],
  gateways: [
    NAME,
    col('Class', (o) => str(get(o, 'spec', 'gatewayClassName'))),
    col('Address', (o) => str(get(o, 'status', 'addresses', 0, 'value'), '')),
    col('Programmed', (o) => condition(o, 'Programmed')),
    AGE,
  ],
  gatewayclasses: [
    NAME,
    col('Controller', (o) => str(get(o, 'spec', 'controllerName'))),
    col('Accepted', (o) => condition(o, 'Accepted')),
    AGE,
  ],
  leases: [NAME, col('Holder', (o) => str(get(o, 'spec', 'holderIdentity'), '')), AGE],
  httproutes: [
    NAME,
    col('Hostnames', (o) => ((get(o, 'spec', 'hostnames') as string[]) ?? []).join(',')),
    AGE,
  ],
  grpcroutes: [
    NAME,
    col('Hostnames', (o) => ((get(o, 'spec', 'hostnames') as string[]) ?? []).join(',')),
    AGE,
  ],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** A meta.k8s.io/v1 Table of `objects`; rows carry the object (or its metadata) so kubectl can add columns. */
export function toTable(
  info: ResourceInfo,
  objects: readonly KubeObject[],
  listMeta: { resourceVersion: string; continue?: string; remainingItemCount?: number },
  include: IncludeObject = 'Metadata',
): Record<string, unknown> {
  const columns = COLUMNS[info.resource] ?? [NAME, AGE];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c === NAME ? 'name' : '',
      description: c.description,
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o)),
      ...(include === 'None'
        ? {}
        : {
            object:
              include === 'Object'
                ? o
                : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
          }),
    })),
  };
}
