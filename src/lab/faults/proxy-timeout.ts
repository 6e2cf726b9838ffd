import { ANNOTATIONS, appIngress, appPods } from '../objects.js';
import type { LabFault } from './types.js';

/** The Ingress's proxy-read-timeout is 2 s; the app needs 3 s for every response. */
export const fault: LabFault = {
  id: 'proxy-timeout',
  summary: 'the Ingress proxy-read-timeout is 2 s; the app answers every request after 3 s',
  symptom:
    '504 from the controller after ~2 s per upstream try: "upstream timed out (110: Connection timed out) while reading response header"',
  apply(model) {
    const ing = appIngress(model.objects);
    if (ing?.metadata) {
      ing.metadata.annotations = {
        ...ing.metadata.annotations,
        [ANNOTATIONS.nginx('proxy-read-timeout')]: '2',
      };
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
