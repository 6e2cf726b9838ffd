/** HAProxy ingress controllers (haproxytech/kubernetes-ingress, jcmoraisjr/haproxy-ingress). */
import type { FamilyDef } from '../family.js';
import { genericProxyDefaults } from './envoy.js';

export const haproxy: FamilyDef = {
  id: 'haproxy',
  title: 'HAProxy Ingress',
  identity: {
    names: ['haproxy-ingress', 'kubernetes-ingress', 'haproxy-ingress-controller'],
    images: ['haproxy-ingress', 'haproxytech/kubernetes-ingress'],
    ingressControllers: ['haproxy-ingress.github.io/controller', 'haproxy.org/ingress-controller'],
    gatewayControllers: ['haproxy.org/gateway-controller'],
  },
  defaults: genericProxyDefaults('haproxy'),
};
