import type { KindStrategy } from './types.js';
import {
  type Cause,
  dns1123Subdomain,
  invalidValue,
  isObj,
  labelSelector,
  list,
  oneOf,
  port,
  portNameOrNumber,
  required,
} from './validation.js';

const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'];

function validateBackend(field: string, b: unknown): Cause[] {
  if (!isObj(b)) return [required(field)];
  const out: Cause[] = [];
  if (isObj(b.service) && isObj(b.resource))
    out.push({
      field,
      reason: 'FieldValueInvalid',
      message: 'Invalid value: "": cannot set both resource and service backends',
    });
  if (isObj(b.service)) {
    if (typeof b.service.name !== 'string' || b.service.name === '')
      out.push(required(`${field}.service.name`));
    const p = isObj(b.service.port) ? b.service.port : undefined;
    if (!p || (p.name === undefined && p.number === undefined))
      out.push(required(`${field}.service.port`, 'port name or number is required'));
    else if (p.name !== undefined && p.number !== undefined)
      out.push(invalidValue(`${field}.service.port`, p, 'cannot set both port name & port number'));
    else if (p.number !== undefined) out.push(...port(`${field}.service.port.number`, p.number));
  } else if (!isObj(b.resource))
    out.push(required(field, 'one backend (`service` or `resource`) must be specified'));
  return out;
}

/** networking/validation ValidateIngress: hosts, paths, pathType, backends. */
export const ingressStrategy: KindStrategy = {
  statusSubresource: true,
  generation: true,
  name: 'subdomain',
  initialStatus: () => ({ loadBalancer: {} }),
  validate(obj) {
    const spec = isObj(obj.spec) ? obj.spec : {};
    const out: Cause[] = [];
    const rules = list(spec.rules);
    if (spec.defaultBackend === undefined && rules.length === 0)
      out.push(invalidValue('spec.rules', [], 'either `defaultBackend` or `rules` must be specified'));
    if (spec.defaultBackend !== undefined)
      out.push(...validateBackend('spec.defaultBackend', spec.defaultBackend));
    rules.forEach((r, i) => {
      if (!isObj(r)) return;
      const f = `spec.rules[${i}]`;
      if (typeof r.host === 'string' && r.host !== '') {
        const host = r.host.startsWith('*.') ? r.host.slice(2) : r.host;
        out.push(...dns1123Subdomain(`${f}.host`, host));
      }
      const http = isObj(r.http) ? r.http : undefined;
      if (r.http !== undefined && list(http?.paths).length === 0) out.push(required(`${f}.http.paths`));
      list(http?.paths).forEach((p, j) => {
        if (!isObj(p)) return;
        const pf = `${f}.http.paths[${j}]`;
        if (p.pathType === undefined) out.push(required(`${pf}.pathType`, 'pathType must be specified'));
        else out.push(...oneOf(`${pf}.pathType`, p.pathType, PATH_TYPES));
        if (
          p.pathType !== 'ImplementationSpecific' &&
          (typeof p.path !== 'string' || !p.path.startsWith('/'))
        )
          out.push(invalidValue(`${pf}.path`, p.path ?? '', 'must be an absolute path'));
        out.push(...validateBackend(`${pf}.backend`, p.backend));
      });
    });
    list(spec.tls).forEach((t, i) => {
      if (!isObj(t)) return;
      list(t.hosts).forEach((h, j) => {
        if (typeof h === 'string')
          out.push(...dns1123Subdomain(`spec.tls[${i}].hosts[${j}]`, h.replace(/^\*\./, '')));
      });
    });
    return out;
  },
};

export const ingressClassStrategy: KindStrategy = {
  statusSubresource: false,
  generation: true,
  name: 'subdomain',
  validate(obj) {
    const spec = isObj(obj.spec) ? obj.spec : {};
    return typeof spec.controller === 'string' && spec.controller !== '' ? [] : [required('spec.controller')];
  },
};

function validatePeers(field: string, peers: unknown): Cause[] {
  const out: Cause[] = [];
  list(peers).forEach((p, i) => {
    if (!isObj(p)) return;
    const f = `${field}[${i}]`;
    const set = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((k) => p[k] !== undefined);
    if (set.length === 0) out.push(required(f, 'must specify a peer'));
    if (p.ipBlock !== undefined && set.length > 1)
      out.push({
        field: f,
        reason: 'FieldValueForbidden',
        message: 'Forbidden: may not specify both ipBlock and another peer',
      });
    out.push(...labelSelector(`${f}.podSelector`, p.podSelector));
    out.push(...labelSelector(`${f}.namespaceSelector`, p.namespaceSelector));
  });
  return out;
}

function validatePolicyPorts(field: string, ports: unknown): Cause[] {
  const out: Cause[] = [];
  list(ports).forEach((p, i) => {
    if (!isObj(p)) return;
    out.push(...oneOf(`${field}[${i}].protocol`, p.protocol, ['TCP', 'UDP', 'SCTP']));
    if (p.port !== undefined) out.push(...portNameOrNumber(`${field}[${i}].port`, p.port));
  });
  return out;
}

export const networkPolicyStrategy: KindStrategy = {
  statusSubresource: false,
  generation: true,
  name: 'subdomain',
  defaults(obj) {
    const spec = isObj(obj.spec) ? obj.spec : undefined;
    if (!spec) return;
    for (const rule of [...list(spec.ingress), ...list(spec.egress)])
      for (const p of list(isObj(rule) ? rule.ports : [])) if (isObj(p)) p.protocol ??= 'TCP';
    if (spec.policyTypes === undefined)
      spec.policyTypes = list(spec.egress).length ? ['Ingress', 'Egress'] : ['Ingress'];
  },
  validate(obj) {
    const spec = isObj(obj.spec) ? obj.spec : {};
    const out: Cause[] = [];
    if (spec.podSelector === undefined) out.push(required('spec.podSelector'));
    out.push(...labelSelector('spec.podSelector', spec.podSelector));
    list(spec.policyTypes).forEach((t, i) => {
      out.push(...oneOf(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress'], false));
    });
    list(spec.ingress).forEach((r, i) => {
      if (!isObj(r)) return;
      out.push(...validatePeers(`spec.ingress[${i}].from`, r.from));
      out.push(...validatePolicyPorts(`spec.ingress[${i}].ports`, r.ports));
    });
    list(spec.egress).forEach((r, i) => {
      if (!isObj(r)) return;
      out.push(...validatePeers(`spec.egress[${i}].to`, r.to));
      out.push(...validatePolicyPorts(`spec.egress[${i}].ports`, r.ports));
    });
    return out;
  },
};

export const endpointSliceStrategy: KindStrategy = {
  statusSubresource: false,
  generation: true,
  name: 'subdomain',
  validate(obj) {
    const out = oneOf('addressType', obj.addressType, ['IPv4', 'IPv6', 'FQDN'], false);
    list(obj.endpoints).forEach((e, i) => {
      if (isObj(e) && list(e.addresses).length === 0) out.push(required(`endpoints[${i}].addresses`));
    });
    return out;
  },
};

export const pdbStrategy: KindStrategy = {
  statusSubresource: true,
  generation: true,
  name: 'subdomain',
  initialStatus: () => ({ currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 }),
  validate(obj) {
    const spec = isObj(obj.spec) ? obj.spec : {};
    const out = labelSelector('spec.selector', spec.selector);
    if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined)
      out.push(invalidValue('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
    return out;
  },
};
