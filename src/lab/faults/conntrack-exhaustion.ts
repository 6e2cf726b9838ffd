import { NODES } from '../topology.js';
import type { LabFault } from './types.js';

/**
 * The controller's node has its conntrack table full of ASSURED entries (only those survive early drop), so
 * new flows through it are dropped: "nf_conntrack: table full, dropping packet".
 */
export const fault: LabFault = {
  id: 'conntrack-exhaustion',
  summary: "the ingress controller's node has a conntrack table full of ASSURED entries",
  symptom:
    'new connections through that node are dropped (timeouts, 503 from the LB); conntrack -C equals the max',
  apply(model) {
    model.infra.conntrackFill = { node: (NODES[0] as (typeof NODES)[number]).name };
  },
};
