/** kgateway (formerly Gloo Gateway): Envoy, configured by Gateway API. */
import type { FamilyDef } from '../family.js';
import { envoyDefaults } from './envoy.js';

export const kgateway: FamilyDef = {
  id: 'kgateway',
  title: 'kgateway',
  identity: {
    names: ['kgateway', 'gloo-gateway'],
    images: ['kgateway-dev/', 'solo-io/gloo'],
    ingressControllers: [],
    gatewayControllers: ['kgateway.dev/', 'solo.io/gloo-gateway'],
  },
  defaults: envoyDefaults('kgateway'),
};
