import { appIngress } from '../objects.js';
import type { LabFault } from './types.js';

/** The Ingress backend names a Service that does not exist (a rename that missed the Ingress). */
export const fault: LabFault = {
  id: 'service-not-found',
  summary: 'the Ingress backend names Service web-svc, which does not exist (the Service is web)',
  symptom: '503 from the controller for every path of the host; the pods and the Service web are fine',
  apply(model) {
    for (const rule of appIngress(model.objects)?.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) if (p.backend.service) p.backend.service.name = 'web-svc';
    }
  },
};
