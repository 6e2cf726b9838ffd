/** Envoy Gateway (envoyproxy/gateway): Gateway API with Envoy proxies it deploys per Gateway. */
import type { FamilyDef } from '../family.js';
import { envoyDefaults } from './envoy.js';

export const envoyGateway: FamilyDef = {
  id: 'envoy-gateway',
  title: 'Envoy Gateway',
  identity: {
    names: ['envoy-gateway', 'envoy'],
    images: ['envoyproxy/envoy', 'envoyproxy/gateway'],
    ingressControllers: [],
    gatewayControllers: ['gateway.envoyproxy.io/'],
  },
  defaults: envoyDefaults('envoy-gateway'),
};
