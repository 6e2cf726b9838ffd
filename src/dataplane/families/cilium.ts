/** Cilium's Ingress and Gateway API support (an Envoy it runs per node). */
import type { FamilyDef } from '../family.js';
import { genericProxyDefaults } from './envoy.js';

export const cilium: FamilyDef = {
  id: 'cilium',
  title: 'Cilium',
  identity: {
    names: ['cilium-ingress', 'cilium-gateway'],
    images: [],
    ingressControllers: ['cilium.io/ingress-controller'],
    gatewayControllers: ['io.cilium/'],
  },
  // Carried over as the code had it (Cilium was not matched as Envoy-based before issue 11).
  defaults: genericProxyDefaults('cilium'),
};
