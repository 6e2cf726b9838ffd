import { backendProtocol } from './backend-protocol.js';
import { backendRefs } from './backend-refs.js';
import { cniMtuMismatch } from './cni-mtu-mismatch.js';
import { defaultDeny } from './default-deny.js';
import { duplicateRoute } from './duplicate-route.js';
import { healthCheckPath } from './health-check-path.js';
import { ingressClass } from './ingress-class.js';
import { keepaliveRace } from './keepalive-race.js';
import { networkPolicyController } from './network-policy-controller.js';
import { prestopDrain } from './prestop-drain.js';
import { probePaths } from './probe-paths.js';
import { proxyBufferSize } from './proxy-buffer-size.js';
import { serviceEndpoints } from './service-endpoints.js';
import { singleReplica } from './single-replica.js';
import { targetPort } from './target-port.js';
import { timeoutsExplicit } from './timeouts-explicit.js';
import { tlsHosts } from './tls-hosts.js';
import type { Check } from './types.js';

/** Every static check, in report order: by hop, then by how often it explains a 502/504. */
export const CHECKS: Check[] = [
  tlsHosts,
  healthCheckPath,
  probePaths,
  ingressClass,
  backendRefs,
  serviceEndpoints,
  targetPort,
  duplicateRoute,
  singleReplica,
  backendProtocol,
  networkPolicyController,
  cniMtuMismatch,
  keepaliveRace,
  timeoutsExplicit,
  proxyBufferSize,
  prestopDrain,
  defaultDeny,
];

export function checkById(id: string): Check | undefined {
  return CHECKS.find((c) => c.meta.id === id);
}
