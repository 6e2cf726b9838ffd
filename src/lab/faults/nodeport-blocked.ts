import { NODE_PORT_HTTP } from '../objects.js';
import { NODES, UNDERLAY } from '../topology.js';
import type { LabFault } from './types.js';

/**
 * A firewall (security group) on the nodes drops the NodePort from the LB. NodePort traffic is DNATed before
 * INPUT, so the rule sits in raw PREROUTING (it sees the original port), like a host firewall or cloud rule.
 */
export const fault: LabFault = {
  id: 'nodeport-blocked',
  summary: 'a firewall on the nodes drops the NodePort from the load balancer',
  symptom:
    'LB health checks time out on every node: 503 from the LB; the NodePort answers from inside the node',
  apply(model) {
    for (const node of NODES) {
      const rules = model.infra.nodeFirewall[node.name] ?? [];
      rules.push(
        `-s ${UNDERLAY.lbInner}/32 -p tcp -m tcp --dport ${NODE_PORT_HTTP} -m comment --comment "firewall: deny NodePort from the load balancer" -j DROP`,
      );
      model.infra.nodeFirewall[node.name] = rules;
    }
  },
};
