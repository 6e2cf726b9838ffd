/**
 * AWS Load Balancer Controller, Ingress → Application Load Balancer: the ALB sends to the pods (target type ip)
 * or the NodePorts (instance); settings are Ingress annotations `alb.ingress.kubernetes.io/*`.
 */
import { dflt, type FamilyContext, type FamilyDef, layered } from '../family.js';
import type { Settings } from '../types.js';
import { parseText } from '../values.js';

export const ALB_PREFIX = 'alb.ingress.kubernetes.io/';
const ANNOTATIONS =
  'https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/';
const IDLE =
  'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout';

const idleDefault = (setting: 'read-timeout' | 'client-keepalive-timeout' | 'upstream-keepalive-timeout') =>
  dflt(
    'aws-alb',
    setting,
    60,
    { url: IDLE },
    {
      note: 'the ALB idle timeout, for client and target connections alike',
      setBy: [`annotation ${ALB_PREFIX}load-balancer-attributes idle_timeout.timeout_seconds`],
    },
  );

export const DEFAULTS = [
  idleDefault('read-timeout'),
  idleDefault('client-keepalive-timeout'),
  idleDefault('upstream-keepalive-timeout'),
  dflt(
    'aws-alb',
    'backend-protocol',
    'HTTP',
    { url: ANNOTATIONS },
    {
      setBy: [`annotation ${ALB_PREFIX}backend-protocol`, `annotation ${ALB_PREFIX}backend-protocol-version`],
    },
  ),
];

/** idle_timeout.timeout_seconds from a load-balancer-attributes list ("a=b,c=d"). */
export function idleTimeout(attributes: string): number | undefined {
  const m = /(?:^|,)\s*idle_timeout\.timeout_seconds=(\d+)\s*(?:,|$)/.exec(attributes);
  return m ? Number(m[1]) : undefined;
}

function settings(ctx: FamilyContext): Settings {
  const out: Settings = {};
  const attrs = ctx.annotation(`${ALB_PREFIX}load-balancer-attributes`);
  for (const d of DEFAULTS) {
    if (d.setting === 'backend-protocol') continue;
    const s = layered([attrs], idleTimeout, d);
    if (s) (out as Record<string, unknown>)[d.setting] = s;
  }
  const proto = layered(
    [ctx.annotation(`${ALB_PREFIX}backend-protocol`)],
    (r) => parseText(r)?.toUpperCase(),
    DEFAULTS[3],
  );
  const version = ctx.annotation(`${ALB_PREFIX}backend-protocol-version`);
  if (proto) {
    if (version?.raw.trim().toUpperCase() === 'GRPC') {
      out['backend-protocol'] = {
        ...proto,
        value: proto.value === 'HTTPS' ? 'GRPCS' : 'GRPC',
        also: [version.from],
      };
    } else out['backend-protocol'] = proto;
  }
  return out;
}

export const awsAlb: FamilyDef = {
  id: 'aws-alb',
  title: 'AWS Load Balancer Controller (ALB)',
  identity: {
    // The controller runs outside the data path: no Service of it receives the route's traffic.
    names: [],
    images: [],
    ingressControllers: ['ingress.k8s.aws/alb'],
    gatewayControllers: ['gateway.k8s.aws/'],
  },
  ingressHints: { className: (cls) => cls === 'alb', annotationPrefixes: [ALB_PREFIX] },
  defaults: DEFAULTS,
  settings,
};
