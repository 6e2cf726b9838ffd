/** Azure Application Gateway Ingress Controller (AGIC): annotations `appgw.ingress.kubernetes.io/*`. */
import { dflt, type FamilyContext, type FamilyDef, layered } from '../family.js';
import type { Settings } from '../types.js';
import { parseDuration, parseText } from '../values.js';

export const AGIC_PREFIX = 'appgw.ingress.kubernetes.io/';
const ANNOTATIONS =
  'https://learn.microsoft.com/en-us/azure/application-gateway/ingress-controller-annotations';

export const DEFAULTS = [
  dflt(
    'azure-agic',
    'read-timeout',
    30,
    { url: ANNOTATIONS },
    { setBy: [`annotation ${AGIC_PREFIX}request-timeout`] },
  ),
  dflt(
    'azure-agic',
    'backend-protocol',
    'HTTP',
    { url: ANNOTATIONS },
    {
      setBy: [`annotation ${AGIC_PREFIX}backend-protocol`],
    },
  ),
];

function settings(ctx: FamilyContext): Settings {
  const out: Settings = {};
  const timeout = layered([ctx.annotation(`${AGIC_PREFIX}request-timeout`)], parseDuration, DEFAULTS[0]);
  if (timeout) out['read-timeout'] = timeout;
  const proto = layered(
    [ctx.annotation(`${AGIC_PREFIX}backend-protocol`)],
    (r) => parseText(r)?.toUpperCase(),
    DEFAULTS[1],
  );
  if (proto) out['backend-protocol'] = proto;
  return out;
}

export const azureAgic: FamilyDef = {
  id: 'azure-agic',
  title: 'Azure Application Gateway Ingress Controller',
  identity: {
    // The controller runs outside the data path: no Service of it receives the route's traffic.
    names: [],
    images: [],
    ingressControllers: ['azure/application-gateway'],
    gatewayControllers: [],
  },
  ingressHints: {
    className: (cls) => cls.includes('application-gateway'),
    annotationPrefixes: [AGIC_PREFIX],
  },
  defaults: DEFAULTS,
  settings,
};
