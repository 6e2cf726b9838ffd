import type { KindStrategy } from './types.js';
import { type Cause, dns1123Subdomain, isObj, list, oneOf, port, required } from './validation.js';

/**
 * Custom resources (Gateway API, GKE BackendConfig): a CRD's generation (bumped by any change outside metadata and
 * status) and status subresource, with the validation the Gateway API CRDs' OpenAPI schemas and CEL rules make
 * for the fields the lab reads.
 */
const cr = (validate?: KindStrategy['validate'], statusSubresource = true): KindStrategy => ({
  statusSubresource,
  generation: true,
  name: 'subdomain',
  initialStatus: statusSubresource ? () => undefined : undefined,
  validate,
});

const PROTOCOLS = ['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP'];

function hostname(field: string, v: unknown): Cause[] {
  if (typeof v !== 'string') return [];
  return dns1123Subdomain(field, v.replace(/^\*\./, ''));
}

function parentRefs(obj: Record<string, unknown>): Cause[] {
  const spec = isObj(obj.spec) ? obj.spec : {};
  const out: Cause[] = [];
  list(spec.parentRefs).forEach((p, i) => {
    if (isObj(p) && (typeof p.name !== 'string' || p.name === ''))
      out.push(required(`spec.parentRefs[${i}].name`));
    if (isObj(p) && p.port !== undefined) out.push(...port(`spec.parentRefs[${i}].port`, p.port));
  });
  list(spec.hostnames).forEach((h, i) => {
    out.push(...hostname(`spec.hostnames[${i}]`, h));
  });
  list(spec.rules).forEach((r, i) => {
    list(isObj(r) ? r.backendRefs : []).forEach((b, j) => {
      if (!isObj(b)) return;
      if (typeof b.name !== 'string' || b.name === '')
        out.push(required(`spec.rules[${i}].backendRefs[${j}].name`));
      const kind = b.kind ?? 'Service';
      if ((b.group ?? '') === '' && kind === 'Service' && b.port === undefined)
        out.push(required(`spec.rules[${i}].backendRefs[${j}].port`, 'Must have port for Service reference'));
    });
  });
  return out;
}

export const gatewayClassStrategy = cr((obj) => {
  const spec = isObj(obj.spec) ? obj.spec : {};
  return typeof spec.controllerName === 'string' && spec.controllerName !== ''
    ? []
    : [required('spec.controllerName')];
});

export const gatewayStrategy = cr((obj) => {
  const spec = isObj(obj.spec) ? obj.spec : {};
  const out: Cause[] = [];
  if (typeof spec.gatewayClassName !== 'string' || spec.gatewayClassName === '')
    out.push(required('spec.gatewayClassName'));
  const listeners = list(spec.listeners);
  if (listeners.length === 0) out.push(required('spec.listeners'));
  const names = new Set<string>();
  listeners.forEach((l, i) => {
    if (!isObj(l)) return;
    const f = `spec.listeners[${i}]`;
    if (typeof l.name !== 'string' || l.name === '') out.push(required(`${f}.name`));
    else if (names.has(l.name))
      out.push({
        field: `${f}.name`,
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: "${l.name}"`,
      });
    else names.add(l.name as string);
    out.push(...port(`${f}.port`, l.port));
    out.push(...oneOf(`${f}.protocol`, l.protocol, PROTOCOLS, false));
    out.push(...hostname(`${f}.hostname`, l.hostname));
    if ((l.protocol === 'HTTPS' || l.protocol === 'TLS') && !isObj(l.tls) && l.protocol === 'HTTPS')
      out.push(required(`${f}.tls`, "tls must be specified for protocols ['HTTPS', 'TLS']"));
  });
  return out;
});

export const routeStrategy = cr(parentRefs);
export const referenceGrantStrategy = cr((obj) => {
  const spec = isObj(obj.spec) ? obj.spec : {};
  const out: Cause[] = [];
  if (list(spec.from).length === 0) out.push(required('spec.from'));
  if (list(spec.to).length === 0) out.push(required('spec.to'));
  return out;
}, false);
export const backendTLSPolicyStrategy = cr((obj) => {
  const spec = isObj(obj.spec) ? obj.spec : {};
  const out: Cause[] = [];
  if (list(spec.targetRefs).length === 0) out.push(required('spec.targetRefs'));
  const v = isObj(spec.validation) ? spec.validation : undefined;
  if (!v) out.push(required('spec.validation'));
  else if (typeof v.hostname !== 'string' || v.hostname === '')
    out.push(required('spec.validation.hostname'));
  return out;
});
export const genericCustomStrategy = cr(undefined, false);
