import { settingEvidence } from '../dataplane/provenance.js';
import type { Provenance } from '../dataplane/types.js';
import { routeLabel } from '../graph/routed.js';
import type { Check, CheckFinding } from './types.js';

const ANNOTATION = 'nginx.ingress.kubernetes.io/proxy-buffer-size';
/** ingress-nginx's default proxy-buffer-size is 4k; below it, ordinary cookie/auth headers overflow. */
const DEFAULT_BYTES = 4096;

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
  run({ graph, dataplane }) {
    const findings: CheckFinding[] = [];
    for (const ing of graph.snapshot.ingresses) {
      const ns = ing.metadata?.namespace ?? 'default';
      const name = ing.metadata?.name ?? '?';
      const first = graph.routesOf('Ingress', ns, name)[0];
      if (!first) continue;
      if (dataplane.familyOf(first) !== 'ingress-nginx') continue;
      const setting = dataplane.setting(first, 'buffer-size');
      if (!setting) continue;
      // The highest place that sets it: text nginx cannot read, or an explicit value below the default.
      const unreadable = setting.unreadable?.[0];
      let raw: string;
      let from: Provenance;
      let bytes: number | undefined;
      if (unreadable) {
        raw = unreadable.raw;
        from = unreadable.from;
      } else if (setting.from.kind === 'annotation' || setting.from.kind === 'configmap') {
        if (setting.value >= DEFAULT_BYTES) continue;
        raw = setting.from.raw;
        from = setting.from;
        bytes = setting.value;
      } else continue;
      const where =
        from.kind === 'configmap'
          ? `ConfigMap ${from.object.namespace}/${from.object.name} proxy-buffer-size`
          : `annotation ${ANNOTATION}`;
      findings.push({
        severity: 'warning',
        object: from.kind === 'configmap' ? from.object : graph.ref('Ingress', ing),
        route: routeLabel(first),
        message:
          bytes === undefined
            ? `Ingress ${ns}/${name}: ${where} is "${raw}", which nginx cannot parse as a size`
            : `Ingress ${ns}/${name}: ${where} is ${raw} (${bytes} bytes), below the 4k default`,
        why: 'Response headers larger than the buffer (cookies, auth tokens) fail with "upstream sent too big header", 502.',
        fix: `Set ${ANNOTATION}: "16k" (or at least "4k") on Ingress ${ns}/${name}.`,
        settings: [settingEvidence('buffer-size', setting)],
      });
    }
    return findings;
  },
};
