/**
 * The model of one route as plain JSON (the `route -o json` output, and `facts.dataplane` in a diagnosis):
 * object references instead of objects, every setting with its provenance as data.
 */
import type { ObjectRef } from '../cluster/types.js';
import type { ConfigUse, FamilyId, Provenance, RouteDataPlane, SettingId, SettingValue } from './types.js';

export interface SettingJson {
  value: SettingValue;
  from: Provenance;
  overrides?: { value: SettingValue; from: Provenance }[];
  unreadable?: { raw: string; from: Provenance }[];
  also?: Provenance[];
}

export interface RouteDataPlaneJson {
  api: 'ingress' | 'gateway';
  family?: FamilyId;
  familyEvidence?: string;
  /** The backend the settings are for ("namespace/service:port"). */
  backend?: string;
  controllers: ObjectRef[];
  config: ConfigUse[];
  settings: Partial<Record<SettingId, SettingJson>>;
}

export function routeDataPlaneJson(dp: RouteDataPlane): RouteDataPlaneJson {
  const out: RouteDataPlaneJson = { api: dp.api, controllers: [], config: dp.config, settings: {} };
  if (dp.family) out.family = dp.family;
  if (dp.familyEvidence) out.familyEvidence = dp.familyEvidence;
  if (dp.backend) {
    const b = dp.backend;
    out.backend = `${b.namespace}/${b.serviceName}${b.port !== undefined ? `:${b.port}` : ''}`;
  }
  out.controllers = dp.controllers.map((c) => {
    const r: ObjectRef = { kind: 'Service', name: c.service.metadata?.name ?? '' };
    if (c.service.metadata?.namespace) r.namespace = c.service.metadata.namespace;
    return r;
  });
  for (const [id, s] of Object.entries(dp.settings) as [
    SettingId,
    NonNullable<RouteDataPlane['settings'][SettingId]>,
  ][]) {
    const j: SettingJson = { value: s.value, from: s.from };
    if (s.overrides) j.overrides = s.overrides;
    if (s.unreadable) j.unreadable = s.unreadable;
    if (s.also) j.also = s.also;
    out.settings[id] = j;
  }
  return out;
}
