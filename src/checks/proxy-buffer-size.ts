import { nginxConfigMap, proxyFamily, routeLabel } from './routed.js';
import type { Check, CheckFinding } from './types.js';

const ANNOTATION = 'nginx.ingress.kubernetes.io/proxy-buffer-size';
/** ingress-nginx's default proxy-buffer-size is 4k; below it, ordinary cookie/auth headers overflow. */
const DEFAULT_BYTES = 4096;

/** "8k" → 8192, "1m" → 1048576, "512" → 512; undefined when unparseable. */
export function parseNginxSize(value: string): number | undefined {
  const m = /^\s*(\d+)\s*([kKmM])?\s*$/.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]?.toLowerCase();
  return unit === 'k' ? n * 1024 : unit === 'm' ? n * 1024 * 1024 : n;
}

/**
 * Only what is meaningful statically: an explicit ingress-nginx proxy-buffer-size (annotation or ConfigMap) below
 * the 4k default, or one nginx cannot parse. Whether real headers fit is measured live by diagnose.
 */
export const proxyBufferSize: Check = {
  meta: {
    id: 'proxy-buffer-size',
    hop: 5,
    causes: ['upstream-header-too-big'],
    severity: 'warning',
    summary: 'ingress-nginx proxy-buffer-size set below the 4k default',
    docs:
      'Flags nginx.ingress.kubernetes.io/proxy-buffer-size (or the controller ConfigMap proxy-buffer-size) ' +
      'smaller than 4k or unparseable: responses whose headers do not fit fail with "upstream sent too big ' +
      'header while reading response header from upstream" (502).',
  },
  run({ graph }) {
    const findings: CheckFinding[] = [];
    for (const ing of graph.snapshot.ingresses) {
      const ns = ing.metadata?.namespace ?? 'default';
      const name = ing.metadata?.name ?? '?';
      const first = graph.routesOf('Ingress', ns, name)[0];
      if (!first || proxyFamily(graph, first) !== 'ingress-nginx') continue;
      const ann = ing.metadata?.annotations?.[ANNOTATION];
      const cm = nginxConfigMap(graph, first);
      const fromCm = cm?.data?.['proxy-buffer-size'];
      const value = ann ?? fromCm;
      if (value === undefined) continue;
      const bytes = parseNginxSize(value);
      if (bytes !== undefined && bytes >= DEFAULT_BYTES) continue;
      const where =
        ann !== undefined
          ? `annotation ${ANNOTATION}`
          : `ConfigMap ${cm?.metadata?.namespace}/${cm?.metadata?.name} proxy-buffer-size`;
      findings.push({
        severity: 'warning',
        object: ann !== undefined || !cm ? graph.ref('Ingress', ing) : graph.ref('ConfigMap', cm),
        route: routeLabel(first),
        message:
          bytes === undefined
            ? `Ingress ${ns}/${name}: ${where} is "${value}", which nginx cannot parse as a size`
            : `Ingress ${ns}/${name}: ${where} is ${value} (${bytes} bytes), below the 4k default`,
        why: 'Response headers larger than the buffer (cookies, auth tokens) fail with "upstream sent too big header", 502.',
        fix: `Set ${ANNOTATION}: "16k" (or at least "4k") on Ingress ${ns}/${name}.`,
      });
    }
    return findings;
  },
};
