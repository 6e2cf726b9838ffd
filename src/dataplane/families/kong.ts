/** Kong Ingress Controller / Kong Gateway. */
import type { FamilyDef } from '../family.js';
import { genericProxyDefaults } from './envoy.js';

export const kong: FamilyDef = {
  id: 'kong',
  title: 'Kong',
  identity: {
    names: ['kong', 'ingress-kong', 'kong-gateway'],
    images: ['kong/kubernetes-ingress-controller', 'kong:', 'kong/kong-gateway'],
    ingressControllers: ['ingress-controllers.konghq.com/kong'],
    gatewayControllers: ['konghq.com/'],
  },
  defaults: genericProxyDefaults('kong'),
};
