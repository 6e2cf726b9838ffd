import { findService, NAMES } from '../objects.js';
import type { LabFault } from './types.js';

/** The Service selects `app: web` (an old label scheme) while the pods carry app.kubernetes.io/name: web. */
export const fault: LabFault = {
  id: 'no-endpoints',
  summary: "the app Service's selector matches no pods (app: web vs app.kubernetes.io/name: web)",
  symptom: '503 from the controller; kubectl get endpoints shows <none> while the pods are Ready',
  apply(model) {
    const svc = findService(model.objects, NAMES.appNamespace, NAMES.appService);
    if (svc?.spec) svc.spec.selector = { app: 'web' };
  },
};
