import type { KindStrategy } from './types.js';
import {
  type Cause,
  duplicate,
  immutable,
  invalidValue,
  isObj,
  labels,
  list,
  type Obj,
  objAt,
  oneOf,
  port,
  portNameOrNumber,
  required,
} from './validation.js';

const TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

function needsClusterIP(spec: Obj): boolean {
  return spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
}

function needsNodePorts(spec: Obj): boolean {
  return (
    spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false)
  );
}

/**
 * Services: the defaults kube-apiserver fills (type, session affinity, IP families, traffic policies, protocol,
 * targetPort) and its allocations (ClusterIP from the service range, NodePorts from 30000–32767). On update the
 * allocated values are kept when the new object omits them (svcrest's patchAllocatedValues).
 */
export const serviceStrategy: KindStrategy = {
  statusSubresource: true,
  generation: false,
  name: 'dns1035',
  initialStatus: () => ({ loadBalancer: {} }),
  defaults(obj, ctx, old) {
    const spec = objAt(obj, 'spec');
    const oldSpec = old && isObj(old.spec) ? old.spec : undefined;
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    if (spec.type !== 'ExternalName') {
      spec.internalTrafficPolicy ??= 'Cluster';
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
    if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
    for (const p of list(spec.ports)) {
      if (!isObj(p)) continue;
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
    }
    if (oldSpec && needsClusterIP(oldSpec) && needsClusterIP(spec)) {
      spec.clusterIP ??= oldSpec.clusterIP;
      spec.clusterIPs ??= oldSpec.clusterIPs;
    }
    if (
      needsClusterIP(spec) &&
      (spec.clusterIP === undefined || spec.clusterIP === '') &&
      !oldSpec?.clusterIP
    ) {
      const ip = ctx.allocateClusterIP(undefined, 'spec.clusterIPs[0]');
      if (typeof ip === 'string') {
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      }
    } else if (
      !oldSpec &&
      typeof spec.clusterIP === 'string' &&
      spec.clusterIP !== 'None' &&
      spec.clusterIP
    ) {
      ctx.allocateClusterIP(spec.clusterIP, 'spec.clusterIPs[0]');
      spec.clusterIPs ??= [spec.clusterIP];
    }
    if (spec.clusterIP === 'None') spec.clusterIPs ??= ['None'];
    if (needsNodePorts(spec)) {
      list(spec.ports).forEach((p, i) => {
        if (!isObj(p)) return;
        const before = list(oldSpec?.ports).find(
          (o) => isObj(o) && o.port === p.port && (o.protocol ?? 'TCP') === p.protocol,
        ) as Obj | undefined;
        if (p.nodePort === undefined && typeof before?.nodePort === 'number') p.nodePort = before.nodePort;
        else if (p.nodePort === undefined || p.nodePort !== before?.nodePort) {
          const n = ctx.allocateNodePort(p.nodePort as number | undefined, `spec.ports[${i}].nodePort`);
          if (typeof n === 'number') p.nodePort = n;
        }
      });
    }
  },
  validate(obj, old) {
    const spec = isObj(obj.spec) ? obj.spec : {};
    const out: Cause[] = [];
    out.push(...oneOf('spec.type', spec.type, TYPES));
    out.push(...oneOf('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
    out.push(...oneOf('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']));
    out.push(...oneOf('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
    out.push(...labels('spec.selector', spec.selector));
    const ports = list(spec.ports);
    if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && ports.length === 0)
      out.push(required('spec.ports'));
    if (spec.type === 'ExternalName' && typeof spec.externalName !== 'string')
      out.push(required('spec.externalName'));
    const names = new Set<string>();
    ports.forEach((p, i) => {
      const f = `spec.ports[${i}]`;
      if (!isObj(p)) return;
      if (ports.length > 1 && (typeof p.name !== 'string' || p.name === '')) out.push(required(`${f}.name`));
      if (typeof p.name === 'string' && p.name !== '') {
        if (names.has(p.name)) out.push(duplicate(`${f}.name`, p.name));
        names.add(p.name);
      }
      out.push(...port(`${f}.port`, p.port));
      out.push(...oneOf(`${f}.protocol`, p.protocol, ['TCP', 'UDP', 'SCTP']));
      if (p.targetPort !== undefined && spec.clusterIP !== 'None')
        out.push(...portNameOrNumber(`${f}.targetPort`, p.targetPort));
      if (p.nodePort !== undefined && !(spec.type === 'NodePort' || spec.type === 'LoadBalancer'))
        out.push({
          field: `${f}.nodePort`,
          reason: 'FieldValueForbidden',
          message: "Forbidden: may not be used when `type` is 'ClusterIP'",
        });
      if (typeof p.nodePort === 'number' && (p.nodePort < 30000 || p.nodePort > 32767))
        out.push(
          invalidValue(
            `${f}.nodePort`,
            p.nodePort,
            'provided port is not in the valid range. The range of valid ports is 30000-32767',
          ),
        );
    });
    const oldSpec = old && isObj(old.spec) ? old.spec : undefined;
    if (
      oldSpec &&
      needsClusterIP(oldSpec) &&
      spec.type !== 'ExternalName' &&
      spec.clusterIP !== oldSpec.clusterIP
    )
      out.push(immutable('spec.clusterIPs[0]', spec.clusterIP));
    return out;
  },
};
