import { appPods } from '../objects.js';
import type { LabFault } from './types.js';

/** The app binds 127.0.0.1: its own exec probe passes, every connection to the pod IP is refused. */
export const fault: LabFault = {
  id: 'app-not-listening',
  summary: 'the app listens on 127.0.0.1 only (env HOST=127.0.0.1), its probes exec inside the pod',
  symptom:
    '502 from the controller: "connect() failed (111: Connection refused) while connecting to upstream"',
  apply(model) {
    for (const pod of appPods(model.objects)) {
      for (const c of pod.spec?.containers ?? []) {
        c.env = [...(c.env ?? []).filter((e) => e.name !== 'HOST'), { name: 'HOST', value: '127.0.0.1' }];
        const exec = { command: ['wget', '-qO-', 'http://127.0.0.1:8080/healthz'] };
        if (c.readinessProbe) c.readinessProbe = { ...c.readinessProbe, httpGet: undefined, exec };
        if (c.livenessProbe) c.livenessProbe = { ...c.livenessProbe, httpGet: undefined, exec };
      }
    }
  },
};
