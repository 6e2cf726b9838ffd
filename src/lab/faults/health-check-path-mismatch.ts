import { ANNOTATIONS, findService, NAMES } from '../objects.js';
import type { LabFault } from './types.js';

/** The seed's #1 cause: the LB checks "/" on the NodePort, which the controller's default server answers 404. */
export const fault: LabFault = {
  id: 'health-check-path-mismatch',
  summary: "the LB health check path (controller Service annotation) is '/', which the backend answers 404",
  symptom:
    'the LB marks every node unhealthy: 503 "No server is available" from the LB, while the pods are Ready',
  apply(model) {
    const svc = findService(model.objects, NAMES.controllerNamespace, NAMES.controllerService);
    if (!svc?.metadata) return;
    svc.metadata.annotations = { ...svc.metadata.annotations, [ANNOTATIONS.healthCheckPath]: '/' };
  },
};
