import { ANNOTATIONS, appIngress, appPods, findConfigMap, NAMES } from '../objects.js';
import type { LabFault } from './types.js';

const READ_TIMEOUT = 'proxy-read-timeout';

/**
 * The app needs 3 s for every response; the controller waits 2 s for it. Default: the Ingress annotation
 * proxy-read-timeout is 2 s. Variant configmap: the timeout is set only in the controller ConfigMap (the
 * cluster-wide setting of a standard ingress-nginx install) and the Ingress no longer names one.
 */
export const fault: LabFault = {
  id: 'proxy-timeout',
  summary: 'the Ingress proxy-read-timeout is 2 s; the app answers every request after 3 s',
  symptom:
    '504 from the controller after ~2 s per upstream try: "upstream timed out (110: Connection timed out) while reading response header"',
  variants: {
    configmap:
      'proxy-read-timeout 2 s only in the controller ConfigMap (no Ingress annotation); the app answers after 3 s',
  },
  apply(model, variant) {
    const ing = appIngress(model.objects);
    const annotation = ANNOTATIONS.nginx(READ_TIMEOUT);
    if (variant === 'configmap') {
      const cm = findConfigMap(model.objects, NAMES.controllerNamespace, NAMES.controllerConfigMap);
      if (cm) cm.data = { ...cm.data, [READ_TIMEOUT]: '2' };
      if (ing?.metadata?.annotations) delete ing.metadata.annotations[annotation];
    } else if (ing?.metadata) {
      ing.metadata.annotations = { ...ing.metadata.annotations, [annotation]: '2' };
    }
    for (const pod of appPods(model.objects)) {
      for (const c of pod.spec?.containers ?? []) {
        c.env = [
          ...(c.env ?? []).filter((e) => e.name !== 'RESPONSE_DELAY_MS'),
          { name: 'RESPONSE_DELAY_MS', value: '3000' },
        ];
        for (const probe of [c.readinessProbe, c.livenessProbe]) if (probe) probe.timeoutSeconds = 5;
      }
    }
  },
};
