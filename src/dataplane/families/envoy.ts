/**
 * What Envoy-based data planes share (Envoy Gateway, Istio, Contour, kgateway): the defaults of Envoy itself, as the
 * code carried them before issue 11 (protocol/facts.ts: "Envoy-based data planes: 15 s route timeout, 60 KiB header
 * limit"), unsourced until issue 19 checks them per implementation.
 */
import { dflt } from '../family.js';
import type { DefaultRecord, FamilyId } from '../types.js';

export function envoyDefaults(family: FamilyId): DefaultRecord[] {
  const from = {
    unsourced: 'carried over from src/protocol/facts.ts (Envoy-based data planes), before issue 11',
  };
  return [
    dflt(family, 'read-timeout', 15, from, {
      note: 'Envoy route timeout',
      setBy: ['HTTPRoute spec.rules[].timeouts'],
    }),
    dflt(family, 'buffer-size', 64 * 1024, from, { note: 'Envoy header limit (60 KiB, carried as 64 KiB)' }),
  ];
}

/** The defaults the code carried for other in-cluster proxies (60 s timeout, 64 KiB headers), unsourced. */
export function genericProxyDefaults(family: FamilyId): DefaultRecord[] {
  const from = {
    unsourced: 'carried over from src/protocol/facts.ts (non-Envoy data planes), before issue 11',
  };
  return [dflt(family, 'read-timeout', 60, from), dflt(family, 'buffer-size', 64 * 1024, from)];
}
