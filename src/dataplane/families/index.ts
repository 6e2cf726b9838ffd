/** Every proxy family the model knows. Ingress hints are tried in this order (cloud controllers first). */
import type { FamilyDef } from '../family.js';
import type { FamilyId } from '../types.js';
import { awsAlb } from './aws-alb.js';
import { azureAgic } from './azure-agic.js';
import { cilium } from './cilium.js';
import { contour } from './contour.js';
import { envoyGateway } from './envoy-gateway.js';
import { gce } from './gce.js';
import { haproxy } from './haproxy.js';
import { ingressNginx } from './ingress-nginx.js';
import { istio } from './istio.js';
import { kgateway } from './kgateway.js';
import { kong } from './kong.js';
import { nginxGatewayFabric } from './nginx-gateway-fabric.js';
import { traefik } from './traefik.js';

export const FAMILIES: readonly FamilyDef[] = [
  awsAlb,
  gce,
  azureAgic,
  ingressNginx,
  nginxGatewayFabric,
  envoyGateway,
  istio,
  contour,
  kgateway,
  traefik,
  haproxy,
  kong,
  cilium,
];

const BY_ID = new Map<FamilyId, FamilyDef>(FAMILIES.map((f) => [f.id, f]));

export function familyDef(id: FamilyId): FamilyDef {
  const f = BY_ID.get(id);
  if (!f) throw new Error(`unknown proxy family ${id}`);
  return f;
}
