import { INTERNET, PUBLIC_HOST } from '../topology.js';
import type { LabFault } from './types.js';

/** Public DNS still answers the address of an old load balancer. */
export const fault: LabFault = {
  id: 'dns-mismatch',
  summary: `public DNS answers ${PUBLIC_HOST} with a stale address (${INTERNET.staleAddress}), not the LB's`,
  symptom: "connections to the public name fail (no route / timeout); the LB's own address works",
  apply(model) {
    model.infra.publicDnsOverride[PUBLIC_HOST] = [INTERNET.staleAddress];
  },
};
