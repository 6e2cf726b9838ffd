/**
 * GKE Ingress (ingress-gce): Google Cloud's external/internal Application Load Balancer. The backend service is
 * configured by a BackendConfig named in the Service annotation `cloud.google.com/backend-config`, the backend
 * protocol by the Service annotation `cloud.google.com/app-protocols`.
 */
import type { V1ServicePort } from '@kubernetes/client-node';
import type { BackendConfig } from '../../cluster/types.js';
import { dflt, type FamilyContext, type FamilyDef, layered } from '../family.js';
import type { Provenance, Settings } from '../types.js';

const INGRESS_CONFIGURATION = 'https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration';
export const GKE_BACKEND_CONFIG = 'cloud.google.com/backend-config';
export const GKE_BACKEND_CONFIG_BETA = 'beta.cloud.google.com/backend-config';

export const DEFAULTS = [
  dflt(
    'gce',
    'read-timeout',
    30,
    { url: INGRESS_CONFIGURATION },
    {
      note: 'the backend service timeout',
      setBy: ['BackendConfig spec.timeoutSec'],
    },
  ),
];

/** `{"default":"bc"}` or `{"ports":{"80":"bc","http":"bc2"}}` → the BackendConfig name for this port. */
export function backendConfigName(raw: string, sp: V1ServicePort): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const obj = parsed as { default?: unknown; ports?: Record<string, unknown> };
  const ports = obj.ports && typeof obj.ports === 'object' ? obj.ports : {};
  const byPort = ports[String(sp.port)] ?? (sp.name ? ports[sp.name] : undefined);
  const name = byPort ?? obj.default;
  return typeof name === 'string' ? name : undefined;
}

/** The BackendConfig a Service port uses, when the Service names one that the input holds. */
export function backendConfigFor(
  ctx: Pick<FamilyContext, 'graph'>,
  service: { metadata?: { namespace?: string; annotations?: Record<string, string> } },
  sp: V1ServicePort,
): { bc: BackendConfig; name: string } | undefined {
  const ann = service.metadata?.annotations ?? {};
  const raw = ann[GKE_BACKEND_CONFIG] ?? ann[GKE_BACKEND_CONFIG_BETA];
  const name = raw ? backendConfigName(raw, sp) : undefined;
  if (!name) return undefined;
  const ns = service.metadata?.namespace ?? 'default';
  const bc = ctx.graph.snapshot.backendConfigs.find(
    (b) => b.metadata?.namespace === ns && b.metadata?.name === name,
  );
  return bc ? { bc, name } : undefined;
}

function settings(ctx: FamilyContext): Settings {
  const backend = ctx.backend ?? ctx.route.backends[0];
  const res = backend ? ctx.graph.resolveBackend(backend) : undefined;
  const found =
    res?.service && res.servicePort ? backendConfigFor(ctx, res.service, res.servicePort) : undefined;
  const timeout = found?.bc.spec?.timeoutSec;
  const out: Settings = {};
  if (found) {
    const ref = ctx.graph.ref('BackendConfig', found.bc);
    const svcRef = res?.service ? ctx.graph.ref('Service', res.service) : ref;
    ctx.uses(ref, { kind: 'annotation', object: svcRef, key: GKE_BACKEND_CONFIG, raw: found.name });
    const from: Provenance = { kind: 'field', object: ref, path: 'spec.timeoutSec', raw: String(timeout) };
    const s = layered(
      typeof timeout === 'number' ? [{ raw: String(timeout), from }] : [],
      (r) => Number(r),
      DEFAULTS[0],
    );
    if (s) out['read-timeout'] = s;
  }
  return out;
}

export const gce: FamilyDef = {
  id: 'gce',
  title: 'GKE Ingress (Google Cloud load balancer)',
  identity: {
    // The controller runs outside the data path: no Service of it receives the route's traffic.
    names: [],
    images: [],
    ingressControllers: [],
    gatewayControllers: ['networking.gke.io/gateway'],
  },
  ingressHints: { className: (cls) => cls.startsWith('gce') },
  defaults: DEFAULTS,
  settings,
  scope: 'backend',
};
