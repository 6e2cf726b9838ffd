import { fault as appNotListening } from './app-not-listening.js';
import { fault as backendProtocolMismatch } from './backend-protocol-mismatch.js';
import { fault as conntrackExhaustion } from './conntrack-exhaustion.js';
import { fault as dnsMismatch } from './dns-mismatch.js';
import { fault as healthCheckPathMismatch } from './health-check-path-mismatch.js';
import { fault as hostRuleMismatch } from './host-rule-mismatch.js';
import { fault as kubeProxyDown } from './kube-proxy-down.js';
import { fault as mtuBlackhole } from './mtu-blackhole.js';
import { fault as networkPolicyBlocked } from './network-policy-blocked.js';
import { fault as noEndpoints } from './no-endpoints.js';
import { fault as nodeportBlocked } from './nodeport-blocked.js';
import { fault as proxyTimeout } from './proxy-timeout.js';
import { fault as serviceNotFound } from './service-not-found.js';
import { fault as servicePortNotFound } from './service-port-not-found.js';
import { fault as targetPortMismatch } from './target-port-mismatch.js';
import type { LabFault } from './types.js';
import { fault as upstreamHeaderTooBig } from './upstream-header-too-big.js';

export type { LabFault } from './types.js';

/** Every fault the lab can inject, in hop order. */
export const FAULTS: readonly LabFault[] = [
  dnsMismatch,
  healthCheckPathMismatch,
  nodeportBlocked,
  kubeProxyDown,
  conntrackExhaustion,
  hostRuleMismatch,
  serviceNotFound,
  servicePortNotFound,
  noEndpoints,
  targetPortMismatch,
  mtuBlackhole,
  networkPolicyBlocked,
  backendProtocolMismatch,
  appNotListening,
  proxyTimeout,
  upstreamHeaderTooBig,
];

export interface FaultChoice {
  fault: LabFault;
  variant: string | undefined;
  /** As the user wrote it: `id` or `id=variant`. */
  spec: string;
}

export function knownFaultsText(): string {
  const ids = FAULTS.flatMap((f) => [f.id, ...Object.keys(f.variants ?? {}).map((v) => `${f.id}=${v}`)]);
  return `known faults: ${ids.join(', ')}`;
}

/** Parses `--fault` values; an unknown id or variant is an error that lists the known ones. */
export function parseFaults(specs: string[]): FaultChoice[] | { error: string } {
  const out: FaultChoice[] = [];
  for (const spec of specs) {
    for (const part of spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [id, variant] = part.split('=', 2) as [string, string | undefined];
      const fault = FAULTS.find((f) => f.id === id);
      if (!fault) return { error: `unknown fault "${id}"; ${knownFaultsText()}` };
      if (variant !== undefined && !Object.hasOwn(fault.variants ?? {}, variant)) {
        const vs = Object.keys(fault.variants ?? {});
        return {
          error: `fault ${id} has no variant "${variant}"${vs.length ? `; its variants: ${vs.join(', ')}` : ' (it takes none)'}`,
        };
      }
      if (out.some((c) => c.fault.id === fault.id)) continue;
      out.push({ fault, variant, spec: part });
    }
  }
  return out;
}
