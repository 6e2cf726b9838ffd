/** Istio's ingress gateway (Envoy), for Ingress, Gateway API and Istio's own Gateway. */
import type { FamilyDef } from '../family.js';
import { envoyDefaults } from './envoy.js';

export const istio: FamilyDef = {
  id: 'istio',
  title: 'Istio',
  identity: {
    names: ['istio-ingressgateway', 'istio-ingress'],
    images: ['istio/proxyv2'],
    ingressControllers: ['istio.io/ingress-controller'],
    gatewayControllers: ['istio.io/'],
  },
  defaults: envoyDefaults('istio'),
};
