import { APP_PORT, appIngress } from '../objects.js';
import type { LabFault } from './types.js';

/** The Ingress backend names the container port (8080) instead of the Service's port (80). */
export const fault: LabFault = {
  id: 'service-port-not-found',
  summary: `the Ingress backend port is ${APP_PORT} (the container's); the Service exposes 80`,
  symptom: '503 from the controller: the backend has no endpoints for that port',
  apply(model) {
    for (const rule of appIngress(model.objects)?.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        if (p.backend.service) p.backend.service.port = { number: APP_PORT };
      }
    }
  },
};
