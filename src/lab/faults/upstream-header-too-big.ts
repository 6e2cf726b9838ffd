import { appPods } from '../objects.js';
import type { LabFault } from './types.js';

/** Every response carries an 8 KB header; the controller's proxy-buffer-size is 4k. */
export const fault: LabFault = {
  id: 'upstream-header-too-big',
  summary: "the app sends an 8 KB response header; the controller's proxy-buffer-size is 4k",
  symptom:
    '502 from the controller: "upstream sent too big header while reading response header from upstream"',
  apply(model) {
    for (const pod of appPods(model.objects)) {
      for (const c of pod.spec?.containers ?? []) {
        c.env = [
          ...(c.env ?? []).filter((e) => e.name !== 'RESPONSE_HEADER_BYTES'),
          { name: 'RESPONSE_HEADER_BYTES', value: '8192' },
        ];
      }
    }
  },
};
