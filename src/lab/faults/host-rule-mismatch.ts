import { appIngress } from '../objects.js';
import type { LabFault } from './types.js';

/** The Ingress rule names another host than the one users call: the controller's default server answers 404. */
export const fault: LabFault = {
  id: 'host-rule-mismatch',
  summary: 'the Ingress host is app.example.com while users call app.example.test',
  symptom: 'every request gets 404 from the controller (default server); with Host: app.example.com it works',
  apply(model) {
    const ing = appIngress(model.objects);
    for (const rule of ing?.spec?.rules ?? [])
      if (rule.host) rule.host = rule.host.replace(/\.test$/, '.com');
  },
};
