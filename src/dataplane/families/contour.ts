/** Contour (projectcontour): Envoy, configured by Ingress, HTTPProxy and Gateway API. */
import type { FamilyDef } from '../family.js';
import { envoyDefaults } from './envoy.js';

export const contour: FamilyDef = {
  id: 'contour',
  title: 'Contour',
  identity: {
    names: ['contour'],
    images: ['projectcontour/contour'],
    ingressControllers: ['projectcontour.io/contour', 'projectcontour.io/ingress-controller'],
    gatewayControllers: ['projectcontour.io/'],
  },
  defaults: envoyDefaults('contour'),
};
