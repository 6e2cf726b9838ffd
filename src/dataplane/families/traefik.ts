/** Traefik Proxy: Ingress, its IngressRoute CRD and Gateway API. */
import type { FamilyDef } from '../family.js';
import { genericProxyDefaults } from './envoy.js';

export const traefik: FamilyDef = {
  id: 'traefik',
  title: 'Traefik',
  identity: {
    names: ['traefik'],
    images: ['traefik'],
    ingressControllers: ['traefik.io/ingress-controller'],
    gatewayControllers: ['traefik.io/gateway-controller'],
  },
  defaults: genericProxyDefaults('traefik'),
};
