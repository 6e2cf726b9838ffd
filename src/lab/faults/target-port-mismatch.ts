import { APP_PORT, findService, NAMES } from '../objects.js';
import type { LabFault } from './types.js';

/** The Service's targetPort is a number nobody listens on (the container port is 8080). */
export const fault: LabFault = {
  id: 'target-port-mismatch',
  summary: `the app Service's targetPort is ${APP_PORT + 1}; the container listens on ${APP_PORT}`,
  symptom: '502 from the controller: "connect() failed (111: Connection refused)"; endpoints list port 8081',
  apply(model) {
    const svc = findService(model.objects, NAMES.appNamespace, NAMES.appService);
    for (const p of svc?.spec?.ports ?? []) p.targetPort = APP_PORT + 1;
  },
};
